// `niemyet serve` in Chromium: an open procedure page reloads by itself after a save, a broken
// save shows the errors over the last good page (no reload), and fixing it reloads the page
// without the overlay. The reload script must pass the pages' Content-Security-Policy.
import { launch, reporter } from './lib.mjs';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const r = reporter('serve');
const fixture = fileURLToPath(new URL('../fixtures/minimal/content', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'niemyet-serve-'));
fs.cpSync(fixture, path.join(dir, 'content'), { recursive: true });
const file = path.join(dir, 'content/procedures/ho-tich/cap-ban-sao-trich-luc.yaml');
const good = fs.readFileSync(file, 'utf8');

// Save as editors do (write beside, rename over) so the server never reads half a file.
function save(text) {
  const tmp = path.join(path.dirname(file), '.saving.tmp');
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

const server = spawn(process.env.NIEMYET, ['serve', '--port', '0'], {
  cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
server.stderr.on('data', (d) => { output += d; });
let browser = null;
try {
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address announced:\n${output}`)), 60000);
    server.stdout.on('data', (d) => {
      output += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${output}`)));
  });
  browser = await launch();
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const wait = { timeout: 20000 };
  // Let the reload script learn the current build before anything changes.
  const first = page.waitForResponse((res) => res.url().includes('/__niemyet/wait'), wait);
  await page.goto(base + 'thu-tuc/cap-ban-sao-trich-luc-ho-tich.html');
  await first;
  // A mark on the window: gone after a reload, still there without one.
  const mark = () => page.evaluate(() => { window.niemyetMark = 1; });
  const marked = () => page.evaluate(() => window.niemyetMark === 1);
  await mark();

  const edited = good.replace('Nhận bản sao.', 'Nhận bản sao qua bưu điện.');
  r.ok(edited !== good, 'the fixture step to edit is missing');
  save(edited);
  const reloaded = await page.waitForFunction(
    () => window.niemyetMark === undefined && document.body.textContent.includes('qua bưu điện'),
    null, wait).then(() => true, () => false);
  r.ok(reloaded, 'the open page did not reload with the edit');

  await mark();
  save(edited + 'steps: [unclosed\n');
  const overlay = await page.waitForSelector('#niemyet-errors', wait).catch(() => null);
  r.ok(overlay !== null, 'no error overlay after a broken save');
  if (overlay) {
    const text = await overlay.textContent();
    r.ok(text.includes('cap-ban-sao-trich-luc.yaml'), `the overlay does not name the file: ${text}`);
    r.ok(await overlay.getAttribute('role') === 'alert', 'the overlay is not announced (role=alert)');
  }
  r.ok(await marked(), 'the page reloaded on a broken save instead of keeping the last good version');
  r.ok((await page.textContent('h1')).includes('trích lục'), 'the last good page is not shown under the overlay');

  save(edited);
  const recovered = await page.waitForFunction(
    () => window.niemyetMark === undefined && !document.getElementById('niemyet-errors'),
    null, wait).then(() => true, () => false);
  r.ok(recovered, 'fixing the file did not reload the page without the overlay');
  r.ok(problems.length === 0, `errors in the page: ${problems.join('; ')}`);
} finally {
  if (browser) await browser.close();
  server.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
r.done();
