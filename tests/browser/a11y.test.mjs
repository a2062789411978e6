// axe-core on the example site's pages of every kind (home, A–Z, forms, 404, procedures,
// fields, levels, counters, free pages; up to 6 of each), at WCAG 2.1 AA, on a desktop and
// a 360 px phone screen: zero violations.
import { launch, fileUrl, reporter, htmlPages, SITE } from './lib.mjs';
import { createRequire } from 'node:module';

const r = reporter('a11y');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const pages = htmlPages(SITE);
const kindOf = (p) => (p.includes('/') ? p.split('/')[0] : p);
const sample = pages.filter((p, i) => pages.slice(0, i).filter((q) => kindOf(q) === kindOf(p)).length < 6);
for (const kind of ['index.html', 'a-z.html', 'bieu-mau.html', '404.html', 'thu-tuc/', 'linh-vuc/', 'cap/', 'don-vi/', 'trang/']) {
  r.ok(pages.some((p) => p.startsWith(kind)), `no page of kind ${kind}`);
}
// One page of each kind is also checked on a phone, where the layout changes.
const firstOfKind = [...new Map([...pages].reverse().map((p) => [kindOf(p), p])).values()];

const browser = await launch();
for (const [viewport, list] of [[{ width: 1280, height: 900 }, sample], [{ width: 360, height: 740 }, firstOfKind]]) {
  // bypassCSP: axe is injected as an inline script, which the site's own policy blocks.
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  for (const rel of list) {
    await page.goto(fileUrl(rel));
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }));
    const v = result.violations.map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
    r.ok(v.length === 0, `${rel} at ${viewport.width}px: ${v.join(' | ')}`);
  }
  await context.close();
}
await browser.close();
r.done();
