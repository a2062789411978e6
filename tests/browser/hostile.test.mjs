// A site full of hostile content (tests/fixtures/hostile: script tags, event handlers,
// javascript: links in every string field and in Markdown), built with the real binary and
// opened page by page over file:// and http: no dialog may open, no content script may run,
// no element may carry an event handler or a script URL, and the CSP must report nothing
// (a report would mean something tried to run).
import { launch, serve, reporter, htmlPages } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const r = reporter('hostile');
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'niemyet-hostile-'));
fs.cpSync(path.join(repo, 'tests/fixtures/hostile'), dir, { recursive: true });
// A form file whose name is itself an attack (only `/` is forbidden in Linux file names).
fs.writeFileSync(path.join(dir, 'content/forms', '"><img src=x onerror="window.__pwned=1;alert(1)">.pdf'), 'x');
execFileSync(process.env.NIEMYET, ['build'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
const site = path.join(dir, 'public');

const pages = htmlPages(site);
r.ok(pages.length >= 10, `only ${pages.length} pages built`);

const browser = await launch();
const server = await serve(site);
for (const [how, base] of [['file', 'file://' + site + '/'], ['http', server.url]]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs = [];
  const errors = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  let current = '';
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() !== 'error' || /Failed to load resource/.test(text)) return;
    errors.push(`${current}: ${text}`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  for (const rel of pages) {
    const url = base + rel.split(path.sep).map(encodeURIComponent).join('/');
    current = rel;
    await page.goto(url);
    // Give handlers every chance: hover and focus everything, then look.
    await page.evaluate(() => {
      for (const el of document.querySelectorAll('body *')) {
        for (const type of ['mouseover', 'mouseenter', 'focus', 'click']) {
          if (type === 'click' && el.closest('a[href], button, input, form')) continue;
          el.dispatchEvent(new Event(type, { bubbles: true }));
        }
      }
    });
    await page.waitForTimeout(50);
    // Where the page has a search box with its script, search for the hostile titles, so
    // results built from the search index are checked too.
    const searchable = await page.evaluate(() => !!(document.querySelector('form.search input[type=search]') && window.niemyetSearch));
    if (searchable && (rel === 'index.html' || rel.startsWith('thu-tuc'))) {
      for (const q of ['chữ', 'script', 'onerror']) {
        await page.fill('form.search input[type=search]', q);
        await page.waitForTimeout(300);
      }
    }
    const found = await page.evaluate(() => {
      const bad = [];
      if (window.__pwned !== undefined) bad.push('window.__pwned was set');
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
          if (/^on/i.test(a.name)) bad.push(`<${el.localName} ${a.name}>`);
          if (/^(href|src|action|formaction|data|srcdoc)$/i.test(a.name) && /^\s*(javascript|vbscript|data):/i.test(a.value)) bad.push(`<${el.localName} ${a.name}="${a.value}">`);
        }
        // Inline SVG is the theme's (charts); inside it, as everywhere, no handler or script.
        // Board sheets carry the theme's own @page rule (footer text as an escaped CSS string)
        // as the first child of the sheet: allowed there only, and never with markup inside.
        const sheetStyle = el.localName === 'style' && el.parentElement?.matches('article.sheet') && el === el.parentElement.firstElementChild && !/[<>]|url\(/i.test(el.textContent);
        if (['iframe', 'object', 'embed', 'frame', 'foreignObject', 'style', 'base', 'meta'].includes(el.localName) && !(el.localName === 'meta' && el.closest('head')) && !sheetStyle) bad.push(`<${el.localName}>`);
        // The theme's scripts and the search index's shards are the only scripts allowed.
        if (el.localName === 'script' && el.type !== 'application/ld+json' && !/\/(static|search)\/[^/]+\.js$/.test(el.src)) bad.push(`<script src="${el.src}">`);
      }
      // The JSON-LD block must still be one valid JSON document (no `</script>` broke it).
      for (const s of document.querySelectorAll('script[type="application/ld+json"]')) {
        try { JSON.parse(s.textContent); } catch (e) { bad.push('JSON-LD does not parse: ' + e.message); }
      }
      const scripts = document.querySelectorAll('script[type="application/ld+json"]').length;
      return { bad, scripts, title: document.title };
    });
    r.ok(found.bad.length === 0, `${how} ${rel}: ${found.bad.join(', ')}`);
    r.ok(found.title.includes('<script>') || found.title.includes('Chữ'), `${how} ${rel}: the hostile title is not shown as text: ${found.title}`);
    if (rel.startsWith('thu-tuc')) r.ok(found.scripts === 1, `${how} ${rel}: ${found.scripts} JSON-LD blocks`);
  }
  r.ok(dialogs.length === 0, `${how}: dialogs opened: ${dialogs.join(' | ')}`);
  r.ok(errors.length === 0, `${how}: console errors (CSP reports?): ${errors.join(' | ')}`);
  await context.close();
}
server.close();
await browser.close();
fs.rmSync(dir, { recursive: true, force: true });
r.done();
