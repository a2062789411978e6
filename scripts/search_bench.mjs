#!/usr/bin/env node
// Search benchmark on a built site: what the first query downloads (gzip level 6, as a web
// server sends it) and how long a query takes in the page's own script (static/search.js).
//
// usage: node scripts/search_bench.mjs SITE_DIR [query …]
//   e.g. python3 scripts/gen_site.py 10000 /dev/shm/s &&
//        target/release/niemyet build --content /dev/shm/s/content --output /dev/shm/s/public &&
//        node scripts/search_bench.mjs /dev/shm/s/public
// Needs `npm ci` in tests/browser (it reuses tests/browser/search-node.mjs).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { loadEngine } from '../tests/browser/search-node.mjs';

const site = process.argv[2];
if (!site) { console.error('usage: node scripts/search_bench.mjs SITE_DIR [query …]'); process.exit(2); }
const queries = process.argv.length > 3 ? process.argv.slice(3) : [
  'đăng ký khai sinh', 'dang ky kết hôn', 'giay phep kinh doanh', 'giấy chứng nhận quyền sử dụng đất',
  'cap lai giay phep xay dung', 'chung chi hanh nghe', 'tro cap xa hoi', 'hop dong lao dong cho to chuc',
  'giay phep kinh doahn', 'thửa đất lần đầu', 'nha o rieng le', 'ho so moi truong', 'giống cây trồng',
  '9.004321', '9.0043', 'mau 1234', 'thu hoi quy dat cong ich', 'chuyển đổi trang trại', 'k', 'th',
];
const gz = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 6 }).length;
const kb = (n) => (n / 1024).toFixed(1);
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

// 1. First query on a fresh page: search.js + meta + shards + result files of the first 10.
const script = gz(path.join(site, 'static/search.js'));
const first = [];
for (const q of queries) {
  const { index, loaded } = loadEngine(site);
  const result = await index.search(q);
  await index.docs(result.hits.slice(0, 10).map((h) => h.doc));
  const bytes = script + loaded.reduce((sum, f) => sum + gz(path.join(site, 'search', f)), 0);
  first.push({ q, bytes, files: loaded.length + 1, hits: result.count });
}
const all = fs.readdirSync(path.join(site, 'search')).reduce((s, f) => s + gz(path.join(site, 'search', f)), 0);
const n = JSON.parse(fs.readFileSync(path.join(site, 'search/meta.js'), 'utf8').replace(/^niemyetSearch\.add\("meta",/, '').replace(/\);\s*$/, '')).n;
console.log(`index: ${n} documents, ${fs.readdirSync(path.join(site, 'search')).length} files, ${kb(all)} KB gzip in all`);
console.log('first query downloads (gzip):');
for (const f of first) console.log(`  ${kb(f.bytes).padStart(6)} KB in ${String(f.files).padStart(2)} files  ${JSON.stringify(f.q)} (${f.hits} results)`);
console.log(`  max ${kb(Math.max(...first.map((f) => f.bytes)))} KB, median ${kb(quantile(first.map((f) => f.bytes), 0.5))} KB`);

// 2. Query time once its files are loaded (as while typing): the whole of index.search().
const { index } = loadEngine(site);
for (const q of queries) await index.search(q); // load every shard these queries need
const times = [];
for (let round = 0; round < 15; round++) {
  for (const q of queries) {
    const t = performance.now();
    await index.search(q);
    times.push(performance.now() - t);
  }
}
console.log(`query time (node ${process.version}, ${times.length} runs): median ${quantile(times, 0.5).toFixed(2)} ms, p95 ${quantile(times, 0.95).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);

// 3. The same in Chromium with the CPU slowed 4× (DevTools' "mid-tier mobile"), on the page
//    itself over file://: the phone-class figure.
const { launch } = await import('../tests/browser/lib.mjs');
const browser = await launch();
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.THROTTLE || 4) });
await page.goto('file://' + path.resolve(site, 'index.html'));
const phone = await page.evaluate(async (qs) => {
  const base = document.querySelector('form.search').getAttribute('data-root') + 'search/';
  const index = new niemyetSearch.Index((file) => new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = base + file; s.onload = resolve; s.onerror = reject;
    document.head.appendChild(s);
  }));
  for (const q of qs) await index.search(q);
  const times = [];
  for (let round = 0; round < 5; round++) {
    for (const q of qs) {
      const t = performance.now();
      await index.search(q, 10);
      times.push(performance.now() - t);
    }
  }
  return times;
}, queries);
// A first query on a fresh page: loading and running the index files, ranking, result files.
const cold = [];
for (const q of queries) {
  await page.goto('file://' + path.resolve(site, 'index.html'));
  cold.push(await page.evaluate(async (q) => {
    const base = document.querySelector('form.search').getAttribute('data-root') + 'search/';
    const index = new niemyetSearch.Index((file) => new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = base + file; s.onload = resolve; s.onerror = reject;
      document.head.appendChild(s);
    }));
    const t = performance.now();
    const result = await index.search(q, 10);
    await index.docs(result.hits.map((h) => h.doc));
    return performance.now() - t;
  }, q));
}
await browser.close();
console.log(`first query on a fresh page, from disk (Chromium, CPU ${process.env.THROTTLE || 4}× slower): median ${quantile(cold, 0.5).toFixed(0)} ms, max ${Math.max(...cold).toFixed(0)} ms`);
console.log(`query time (Chromium, CPU ${process.env.THROTTLE || 4}× slower, ${phone.length} runs): median ${quantile(phone, 0.5).toFixed(1)} ms, p95 ${quantile(phone, 0.95).toFixed(1)} ms, max ${Math.max(...phone).toFixed(1)} ms`);
