// The theme's Content-Security-Policy <meta>, as shipped in base.html, over file:// and http in
// Chromium: the site's own scripts and styles (`static/`) load — Chromium matches 'self'
// for file: pages against file: URLs — while inline scripts and event handlers are blocked.
import { launch, serve, reporter, SITE } from './lib.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const r = reporter('csp');
// Work on a copy: other checks read the built example as it is.
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'niemyet-csp-'));
fs.cpSync(SITE, site, { recursive: true });
const home = fs.readFileSync(path.join(site, 'index.html'), 'utf8');
r.ok(/<meta http-equiv="Content-Security-Policy" content="[^"]*script-src 'self'/.test(home), 'index.html has no CSP meta with script-src \'self\'');
const probe = home.replace('</body>',
  '<script src="static/csp-probe.js"></script>' +
  '<script>document.documentElement.dataset.inline = "ran"</script>' +
  '<img alt="" src="static/none.png" onerror="document.documentElement.dataset.handler = \'ran\'">' +
  '<a id="js" href="javascript:document.documentElement.dataset.link=\'ran\'">x</a></body>');
fs.writeFileSync(path.join(site, 'csp-probe.html'), probe);
fs.writeFileSync(path.join(site, 'static/csp-probe.js'), 'document.documentElement.dataset.external = "ran";\n');

const browser = await launch();
const server = await serve(site);
for (const [how, url] of [['file', 'file://' + site + '/csp-probe.html'], ['http', server.url + 'csp-probe.html']]) {
  const page = await browser.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
  await page.goto(url);
  await page.click('#js').catch(() => {});
  await page.waitForTimeout(100);
  const seen = await page.evaluate(() => ({ ...document.documentElement.dataset,
    styled: getComputedStyle(document.querySelector('.skip')).position }));
  r.ok(seen.external === 'ran', `${how}: static/csp-probe.js did not run`);
  r.ok(seen.styled !== 'static', `${how}: static/site.css was not applied`);
  r.ok(seen.inline === undefined, `${how}: an inline script ran`);
  r.ok(seen.handler === undefined, `${how}: an inline event handler ran`);
  r.ok(seen.link === undefined, `${how}: a javascript: link ran`);
  r.ok(violations.length >= 2, `${how}: the blocked inline script and handler were not reported (${violations.length})`);
  await page.close();
}
server.close();
await browser.close();
fs.rmSync(site, { recursive: true, force: true });
r.done();
