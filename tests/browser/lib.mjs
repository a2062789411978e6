// Shared helpers for the browser checks: Debian's Chromium driven by playwright-core.
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

export const SITE = process.env.SITE_DIR; // a built site, given by tests/browser.rs

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.pdf': 'application/pdf' };

// A static server on loopback for `dir`; resolves to { url, close }.
export function serve(dir) {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(dir, p);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); res.end('not found'); return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() })));
}

export function fileUrl(rel) {
  return 'file://' + path.join(SITE, rel);
}

// Minimal assertion reporting in the "N passed, N failed" form CI reads.
export function reporter(name) {
  let passed = 0, failed = 0;
  return {
    ok(cond, msg) { if (cond) passed++; else { failed++; console.error(`FAIL ${name}: ${msg}`); } },
    done() { console.log(`${name}: ${passed} passed, ${failed} failed`); process.exitCode = failed ? 1 : 0; },
  };
}

// Every HTML file under `dir`, as paths relative to it, sorted.
export function htmlPages(dir) {
  const pages = [];
  (function walk(d) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) pages.push(path.relative(dir, p));
    }
  })(dir);
  return pages.sort();
}
