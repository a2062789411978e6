// Results, changes and data pages: charts render as labelled images with a table beside them,
// the pages pass axe-core, fit a 360 px phone, and print on A4. With SCREENSHOT_DIR set, saves
// screenshots (screen, phone, print) and a PDF of the period report there for people to look at.
import { launch, fileUrl, reporter, serve } from './lib.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const r = reporter('results');
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const shots = process.env.SCREENSHOT_DIR;
const SITE = process.env.SITE_DIR;
const first = (dir) => dir + '/' + fs.readdirSync(path.join(SITE, dir)).sort()[0];
const pages = ['ket-qua/index.html', first('ket-qua/don-vi'), first('ket-qua/linh-vuc'), first('ket-qua/ky'),
  'thay-doi.html', 'du-lieu.html'];

const browser = await launch();
// axe is injected as a script, which the site's CSP forbids: bypass it for the check only.
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
const page = await context.newPage();
// Over loopback HTTP: axe reads stylesheets, which file:// forbids.
const server = await serve(SITE);
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('requestfailed', (q) => errors.push(`failed: ${q.url()}`));
page.on('response', (res) => { if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) errors.push(`${res.status()}: ${res.url()}`); });
for (const rel of pages) {
  await page.goto(server.url + rel);
  const charts = await page.evaluate(() => [...document.querySelectorAll('svg.chart-svg')].map((svg) => {
    const box = svg.getBoundingClientRect();
    const ids = (svg.getAttribute('aria-labelledby') || '').split(' ');
    const named = ids.map((id) => document.getElementById(id)?.textContent || '');
    // The figures' table: the next table after the chart in document order.
    const all = [...document.querySelectorAll('svg.chart-svg, table')];
    const table = all.slice(all.indexOf(svg) + 1).find((e) => e.tagName === 'TABLE');
    return { w: box.width, h: box.height, role: svg.getAttribute('role'), named,
      shapes: svg.querySelectorAll('rect, circle, polyline').length, table: !!table };
  }));
  if (rel.startsWith('ket-qua/')) r.ok(charts.length > 0, `${rel} has no chart`);
  for (const c of charts) {
    r.ok(c.w > 200 && c.h > 80, `${rel}: chart is ${c.w}×${c.h}`);
    r.ok(c.role === 'img' && c.named.every((t) => t.trim().length > 5), `${rel}: chart is not a named image`);
    r.ok(c.shapes > 3, `${rel}: chart draws nothing`);
    r.ok(c.table, `${rel}: chart has no table after it`);
  }
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const v = result.violations.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes[0]?.target}`);
  r.ok(v.length === 0, `${rel}: axe violations: ${v.join('; ')}`);
  if (shots) {
    const name = rel.replace(/[/.]/g, '_');
    await page.screenshot({ path: path.join(shots, `${name}-screen.png`), fullPage: true });
  }
}
r.ok(errors.filter((e) => !e.startsWith('Failed to load resource')).length === 0, `console errors: ${errors.join(' | ')}`);

// A phone: no sideways scrolling on the results pages.
const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
const pp = await phone.newPage();
for (const rel of pages) {
  await pp.goto(fileUrl(rel));
  const width = await pp.evaluate(() => document.documentElement.scrollWidth);
  r.ok(width <= 360, `${rel} scrolls sideways at 360 px: ${width}px`);
  if (shots && rel === 'ket-qua/index.html') await pp.screenshot({ path: path.join(shots, 'overview-phone.png'), fullPage: true });
}

// Print: the period report on A4 keeps its chart and tables, drops the site's navigation.
const report = first('ket-qua/ky');
await page.goto(fileUrl(report));
await page.emulateMedia({ media: 'print' });
const printed = await page.evaluate(() => ({
  nav: getComputedStyle(document.querySelector('.nav')).display,
  chart: document.querySelector('svg.chart-svg').getBoundingClientRect().width,
  tables: [...document.querySelectorAll('table')].filter((t) => t.getBoundingClientRect().height > 0).length,
}));
r.ok(printed.nav === 'none', `print shows the navigation (${printed.nav})`);
r.ok(printed.chart > 200, `print chart width ${printed.chart}`);
r.ok(printed.tables >= 3, `print shows ${printed.tables} tables`);
const pdf = await page.pdf({ format: 'A4', printBackground: true });
r.ok(pdf.length > 10000 && pdf.subarray(0, 5).toString() === '%PDF-', 'the report prints to a PDF');
if (shots) {
  fs.writeFileSync(path.join(shots, 'report.pdf'), pdf);
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.screenshot({ path: path.join(shots, 'report-print.png'), fullPage: true });
}
server.close();
await browser.close();
r.done();
