// Search as a citizen uses it, in Chromium at 360 px, over file:// (the kiosk) and over HTTP:
// every query of tests/vectors/ranking.json is typed into the real box and must put the
// expected procedure first; then keyboard use, the live region, highlighting, and the
// fallback to the A–Z list with JavaScript off.
import fs from 'node:fs';
import { launch, serve, fileUrl, reporter, SITE } from './lib.mjs';

const r = reporter('search');
const vectors = JSON.parse(fs.readFileSync(new URL('../vectors/ranking.json', import.meta.url), 'utf8'));
const deep = 'thu-tuc/' + fs.readdirSync(`${SITE}/thu-tuc`).sort()[0];
const browser = await launch();
const server = await serve(SITE);

// The first result's code (procedures) or address (pages), once results for `query` are shown.
async function firstResult(page, query) {
  await page.waitForFunction((q) => document.querySelector('.search-results')?.getAttribute('data-query') === q,
    query, { timeout: 5000 }).catch(() => {});
  return page.evaluate(() => {
    const a = document.querySelector('#search-list a[role=option]');
    if (!a) return '(none)';
    const meta = a.querySelector('.search-meta');
    return meta ? meta.textContent.split(' · ')[0] : new URL(a.href).pathname;
  });
}

for (const [mode, url] of [['file', (rel) => fileUrl(rel)], ['http', (rel) => server.url + rel]]) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 404/.test(m.text())) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (res) => { if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) errors.push(`${res.status()} ${res.url()}`); });
  await page.goto(url(mode === 'file' ? 'index.html' : deep));

  for (const [i, v] of vectors.entries()) {
    await page.fill('#q', '');
    // type some queries key by key (results update while typing), fill the others at once
    if (i % 4 === 0) await page.type('#q', v.query, { delay: 15 });
    else await page.fill('#q', v.query);
    const first = await firstResult(page, v.query);
    const ok = v.first.includes('/') ? first.endsWith('/' + v.first) : first === v.first;
    r.ok(ok, `${mode}: ${JSON.stringify(v.query)} (${v.why}): expected ${v.first} first, got ${first}`);
  }

  // live region, highlighting, combobox state, no sideways scrolling with results open
  await page.fill('#q', 'khai sinh');
  await firstResult(page, 'khai sinh');
  const state = await page.evaluate(() => ({
    status: document.querySelector('.search-status').textContent,
    role: document.querySelector('.search-status').getAttribute('role'),
    expanded: document.querySelector('#q').getAttribute('aria-expanded'),
    marks: [...document.querySelectorAll('#search-list li:first-child mark')].map((m) => m.textContent),
    meta: document.querySelector('#search-list .search-meta').textContent,
    width: document.documentElement.scrollWidth,
  }));
  r.ok(/^\d+ kết quả$/.test(state.status) && state.role === 'status', `${mode}: live region says ${JSON.stringify(state.status)}`);
  r.ok(state.expanded === 'true', `${mode}: aria-expanded ${state.expanded}`);
  r.ok(state.marks.join(' ') === 'khai sinh', `${mode}: highlighted ${JSON.stringify(state.marks)}`);
  r.ok(/Hộ tịch · Cấp xã · Trong ngày · /.test(state.meta), `${mode}: result shows field, level, duration, fee: ${state.meta}`);
  r.ok(state.width <= 360, `${mode}: results scroll sideways (${state.width}px)`);

  // keyboard: ↓ ↓ ↑ selects the first result, Enter opens it
  await page.press('#q', 'ArrowDown');
  await page.press('#q', 'ArrowDown');
  await page.press('#q', 'ArrowUp');
  const selected = await page.evaluate(() => {
    const id = document.querySelector('#q').getAttribute('aria-activedescendant');
    const el = id && document.getElementById(id);
    return el ? [el.getAttribute('aria-selected'), el.getAttribute('href')] : null;
  });
  r.ok(selected && selected[0] === 'true', `${mode}: arrow keys select an option: ${selected}`);
  await Promise.all([page.waitForNavigation(), page.press('#q', 'Enter')]);
  r.ok(page.url().endsWith(selected[1].replace(/^(\.\.\/)+/, '')), `${mode}: Enter opened ${page.url()}, not ${selected[1]}`);
  const h1 = await page.textContent('h1');
  r.ok(h1.trim() === 'Đăng ký khai sinh', `${mode}: landed on ${h1}`);

  // a tap on a result opens it
  await page.fill('#q', 'so do');
  await firstResult(page, 'so do');
  await Promise.all([page.waitForNavigation(), page.click('#search-list a[role=option]')]);
  r.ok((await page.textContent('h1')).includes('lần đầu'), `${mode}: tapping the first result opened ${page.url()}`);

  // Escape closes the list, a second Escape empties the box
  await page.fill('#q', 'ket hon');
  await firstResult(page, 'ket hon');
  await page.press('#q', 'Escape');
  r.ok(await page.evaluate(() => document.querySelector('#search-list').hidden && document.querySelector('#q').getAttribute('aria-expanded') === 'false'), `${mode}: Escape closes the list`);
  await page.press('#q', 'Escape');
  r.ok(await page.inputValue('#q') === '', `${mode}: second Escape empties the box`);

  // nothing found: said in the live region, the form still leads to the A–Z list
  await page.fill('#q', 'qqqzzz');
  await firstResult(page, 'qqqzzz');
  r.ok((await page.textContent('.search-status')).startsWith('Không tìm thấy'), `${mode}: no-result message`);
  await Promise.all([page.waitForNavigation(), page.press('#q', 'Enter')]);
  r.ok(/a-z\.html\?q=qqqzzz$/.test(page.url()), `${mode}: no results submits to the A–Z list: ${page.url()}`);

  r.ok(errors.length === 0, `${mode}: console errors (CSP?): ${errors.join(' | ')}`);
  await context.close();
}

// JavaScript off: the form is a plain link to the A–Z list, never a dead button.
const off = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
const page = await off.newPage();
await page.goto(fileUrl('index.html'));
await page.fill('#q', 'khai sinh');
await Promise.all([page.waitForNavigation(), page.press('#q', 'Enter')]);
r.ok(/a-z\.html\?q=khai\+sinh$/.test(page.url()), `JS off: submit goes to ${page.url()}`);
r.ok((await page.textContent('h1')).length > 0, 'JS off: the A–Z list shows');
await off.close();

// The A–Z list reached with ?q= shows that query's results once the script runs.
const again = await browser.newContext({ viewport: { width: 360, height: 740 } });
const p2 = await again.newPage();
await p2.goto(fileUrl('a-z.html') + '?q=so%20do');
r.ok(await firstResult(p2, 'so do') === '1.012753', 'a-z.html?q= shows results');
await again.close();

// Accessibility of the box with its results open (axe-core; CSP bypassed only to inject axe).
const ax = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
const p3 = await ax.newPage();
await p3.goto(fileUrl('index.html'));
await p3.fill('#q', 'khai sinh');
await firstResult(p3, 'khai sinh');
await p3.press('#q', 'ArrowDown');
await p3.addScriptTag({ path: new URL('./node_modules/axe-core/axe.min.js', import.meta.url).pathname });
const violations = await p3.evaluate(async () =>
  (await axe.run(document.querySelector('form.search'))).violations.map((v) => `${v.id}: ${v.nodes.length}`));
r.ok(violations.length === 0, `axe on the open results: ${violations.join(', ')}`);
await ax.close();

server.close();
await browser.close();
r.done();
