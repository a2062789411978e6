// The website on a 360 px phone: no sideways scrolling, and pages work from file:// with
// JavaScript off (the kiosk opens the site straight from disk).
import { launch, fileUrl, reporter } from './lib.mjs';
import fs from 'node:fs';
import path from 'node:path';

const r = reporter('layout');
const browser = await launch();
const procedures = fs.readdirSync(path.join(process.env.SITE_DIR, 'thu-tuc')).slice(0, 6).map((f) => 'thu-tuc/' + f);
const pages = ['index.html', 'a-z.html', 'bieu-mau.html', ...procedures];
for (const js of [true, false]) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: js });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  for (const rel of pages) {
    await page.goto(fileUrl(rel));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    r.ok(width <= 360, `${rel} (js ${js}) scrolls sideways: ${width}px`);
    const h1 = await page.locator('h1').count();
    r.ok(h1 === 1, `${rel} has ${h1} h1`);
  }
  r.ok(errors.length === 0, `console errors: ${errors.join(' | ')}`);
  await context.close();
}
await browser.close();
r.done();
