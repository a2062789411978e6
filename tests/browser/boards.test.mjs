// The notice boards printed to PDF in headless Chromium, as staff print them: every page A4,
// no blank pages, each sheet starting on its own page, the footer (posting date, procedure
// code) on every page, nothing wider than the printable area, detail sheets in 14 pt or more.
import { launch, fileUrl, reporter, SITE } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const r = reporter('boards');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'niemyet-boards-'));
const browser = await launch();
const page = await browser.newPage();
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('requestfailed', (q) => errors.push(`${q.url()}: ${q.failure()?.errorText}`));

// Pages of a PDF: size and text (pdftotext separates pages with form feeds).
function readPdf(file) {
  const info = execFileSync('pdfinfo', ['-f', '1', '-l', '100000', file]).toString();
  const sizes = [...info.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/g)].map((m) => [+m[1], +m[2]]);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString().split('\f').slice(0, sizes.length);
  return { sizes, text };
}

async function print(rel) {
  await page.goto(fileUrl(rel), { waitUntil: 'load' });
  const file = path.join(tmp, rel.replaceAll('/', '_') + '.pdf');
  await page.pdf({ path: file, preferCSSPageSize: true });
  return readPdf(file);
}

const dir = path.join(SITE, 'boards');
const index = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
const date = index.match(/<strong>(\d\d\/\d\d\/\d{4})<\/strong>/)[1];
const footer = `Ngày niêm yết: ${date}`;

// Every page A4 portrait, with the footer, and something on it besides the footer.
function checkPages(rel, pdf, codeOnEveryPage) {
  r.ok(pdf.sizes.length > 0, `${rel}: no pages`);
  pdf.sizes.forEach(([w, h], i) => {
    r.ok(Math.abs(w - 595) <= 1 && Math.abs(h - 842) <= 1, `${rel} page ${i + 1} is ${w}×${h} pt, not A4`);
  });
  pdf.text.forEach((t, i) => {
    r.ok(t.includes(footer), `${rel} page ${i + 1} lacks the footer "${footer}"`);
    if (codeOnEveryPage) r.ok(t.includes(`Mã thủ tục: ${codeOnEveryPage}`), `${rel} page ${i + 1} lacks the code ${codeOnEveryPage}`);
    const body = t.split('\n').filter((l) => l.trim() && !l.includes(footer)).join('');
    r.ok(body.trim().length > 0, `${rel} page ${i + 1} is blank`);
  });
}

// Detail sheets, each printed alone.
const sheetPages = new Map();
const sheetCode = new Map();
for (const f of fs.readdirSync(path.join(dir, 'thu-tuc')).sort()) {
  const rel = `boards/thu-tuc/${f}`;
  const html = fs.readFileSync(path.join(SITE, rel), 'utf8');
  const code = html.match(/Mã thủ tục: <strong>([^<]+)<\/strong>/)[1];
  const pdf = await print(rel);
  checkPages(rel, pdf, code);
  sheetPages.set(f, pdf.sizes.length);
  sheetCode.set(code, pdf.sizes.length);
}
// A short procedure fits one page; the land-use certificate (sổ đỏ: many documents, long
// steps) flows onto more.
r.ok(sheetCode.get('1.004845') === 1, `the short sheet 1.004845 has ${sheetCode.get('1.004845')} pages`);
r.ok(sheetCode.get('1.012753') >= 2, `the land certificate sheet has ${sheetCode.get('1.012753')} pages`);
r.ok([...sheetPages.values()].every((n) => n <= 4), 'a sheet runs over 4 pages');

const feedback = await print('boards/phan-anh-kien-nghi.html');
checkPages('feedback notice', feedback);
r.ok(feedback.sizes.length === 1, `the feedback notice has ${feedback.sizes.length} pages`);

// Each counter's index names the documents of its whole wall set: its own print.html (its
// list board, the feedback notice, and the sheets only it posts), then the shared sheet sets
// that hold the rest. Every document's pages add up exactly (each sheet starts on a new page),
// and together they print every procedure of the counter's list once.
const units = [...index.matchAll(/href="\.\.\/boards\/([^/"]+)\/index\.html"/g)].map((m) => m[1]);
r.ok(units.length === 9, `${units.length} counters on the boards index`);
const codesIn = (html) => [...html.matchAll(/Mã thủ tục: <strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
const listCodes = (html) => [...html.matchAll(/<td class="code">([^<]+)<\/td>/g)].map((m) => m[1]);
const read = (rel) => fs.readFileSync(path.join(SITE, rel), 'utf8');
const sharedPrinted = new Map();
for (const u of units) {
  const unitHtml = read(`boards/${u}/index.html`);
  const wall = unitHtml.match(/<ol class="boards wall">([\s\S]*?)<\/ol>/)?.[1] ?? '';
  const docs = [...wall.matchAll(/href="([^"]+)"/g)].map((m) => m[1].startsWith('../../') ? m[1].slice(6) : `boards/${u}/${m[1]}`);
  r.ok(docs[0] === `boards/${u}/print.html`, `${u}: the wall set starts with its own print.html, not ${docs[0]}`);
  const list = await print(`boards/${u}/danh-muc.html`);
  checkPages(`${u}/danh-muc.html`, list);
  const printed = [];
  for (const [k, rel] of docs.entries()) {
    const html = read(rel);
    const codes = codesIn(html);
    printed.push(...codes);
    if (k > 0 && sharedPrinted.has(rel)) continue;
    const pdf = await print(rel);
    checkPages(rel, pdf);
    const sheets = codes.reduce((n, c) => n + sheetCode.get(c), 0);
    const expected = k === 0 ? list.sizes.length + 1 + sheets : sheets;
    r.ok(pdf.sizes.length === expected, `${rel} has ${pdf.sizes.length} pages, expected ${expected}`);
    if (k > 0) {
      r.ok(codes.length > 0, `${rel}: a shared set without sheets`);
      sharedPrinted.set(rel, pdf.sizes.length);
    }
  }
  const listed = listCodes(read(`boards/${u}/danh-muc.html`));
  r.ok(JSON.stringify([...printed].sort()) === JSON.stringify([...listed].sort()),
    `${u}: its wall set prints ${printed.length} sheets for ${listed.length} listed procedures, or not each once`);
  // Only its level's set: the town's and the wards' sheets are in different documents.
  r.ok(docs.length === 2 && docs[1] === `boards/phieu/${u === 'thi-xa-nga-nam' ? 'district' : 'commune'}.html`, `${u}: wall set ${docs.join(', ')}`);
}
r.ok(sharedPrinted.size === 2, `${sharedPrinted.size} shared sets printed`);
// A shared set is printed once for all its counters: its pages are the sum of its sheets'.
const sheetTotal = [...sheetCode.values()].reduce((a, b) => a + b, 0);
const sharedTotal = [...sharedPrinted.values()].reduce((a, b) => a + b, 0);
r.ok(sharedTotal === sheetTotal, `the shared sets have ${sharedTotal} pages, the sheets ${sheetTotal}`);

// Layout in print media at the printable width of A4 (210 mm less 30 mm of margins).
await page.setViewportSize({ width: 680, height: 1000 });
await page.emulateMedia({ media: 'print' });
for (const rel of ['boards/thi-xa-nga-nam/print.html', 'boards/phieu/district.html', 'boards/phieu/commune.html']) {
  const sheets = rel.includes('/phieu/');
  await page.goto(fileUrl(rel), { waitUntil: 'load' });
  const res = await page.evaluate(() => {
    const out = { wide: [], small: [], qr: 0, qrBroken: 0, theads: 0, badThead: 0, detail: 0 };
    out.docWidth = document.documentElement.scrollWidth;
    for (const sheet of document.querySelectorAll('.sheet')) {
      const right = sheet.getBoundingClientRect().right + 0.5;
      if (sheet.scrollWidth > sheet.clientWidth + 1) out.wide.push(`${sheet.id} scrolls`);
      for (const el of sheet.querySelectorAll('*')) {
        if (el.getBoundingClientRect().right > right) out.wide.push(`${sheet.id} ${el.tagName}.${el.className}`);
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline') out.wide.push(`${sheet.id} ${el.tagName} overflows`);
      }
    }
    out.detail = document.querySelectorAll('.detail').length;
    for (const el of document.querySelectorAll('.detail *')) {
      const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (hasText && px < 14 * 96 / 72 - 0.1) out.small.push(`${el.closest('.sheet').id} ${el.tagName}: ${px}px "${el.textContent.trim().slice(0, 30)}"`);
    }
    for (const svg of document.querySelectorAll('.qr svg')) {
      out.qr++;
      // Drawn inline: broken if it has no dark modules or is not laid out at its 30 mm.
      const box = svg.getBoundingClientRect();
      if (!svg.querySelector('path[d^="M"]') || box.width < 100 || Math.abs(box.width - box.height) > 1) out.qrBroken++;
    }
    for (const th of document.querySelectorAll('thead')) {
      out.theads++;
      if (getComputedStyle(th).display !== 'table-header-group') out.badThead++;
    }
    return out;
  });
  r.ok(res.docWidth <= 680, `${rel}: the page is ${res.docWidth}px wide in print`);
  r.ok(res.wide.length === 0, `${rel}: wider than the printable area: ${res.wide.slice(0, 5).join('; ')}`);
  r.ok(res.small.length === 0, `${rel}: text under 14 pt on detail sheets: ${res.small.slice(0, 5).join('; ')}`);
  if (sheets) {
    r.ok(res.detail > 0, `${rel}: no detail sheet`);
    r.ok(res.qr === res.detail && res.qrBroken === 0, `${rel}: ${res.qrBroken} of ${res.qr} QR codes are not drawn (${res.detail} sheets)`);
  }
  r.ok(res.theads > 0 && res.badThead === 0, `${rel}: table headers that do not repeat`);
}
r.ok(errors.length === 0, `console or load errors: ${errors.slice(0, 5).join(' | ')}`);

await browser.close();
fs.rmSync(tmp, { recursive: true, force: true });
r.done();
