// Size and first render of the web app: the JS the page loads, gzipped,
// and the time to first render from the host, read from the browser's
// performance timings in headless Chromium (cold loads, cache disabled).
//
//   node tests/browser/size.mjs [URL]
//
// Without URL it starts the project's host on a free port with a fresh
// database; with URL it measures that running host.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser, ROOT, startHost, uniqueEmail } from './helpers.mjs';

const RUNS = Number(process.env.RUNS || 5);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const dist = join(ROOT, 'frontend/dist/assets');
const files = readdirSync(dist);
let raw = 0;
let gz = 0;
for (const f of files.filter((f) => f.endsWith('.js'))) {
  const bytes = readFileSync(join(dist, f));
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
}
let cssGz = 0;
for (const f of files.filter((f) => f.endsWith('.css'))) cssGz += gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;

const given = process.argv[2];
const host = given ? { url: given.replace(/\/$/, ''), stop: async () => undefined } : await startHost();
const browser = await launchBrowser();
try {
  // One account with a realistic list for the signed-in measurement.
  const email = uniqueEmail('size');
  const password = 'correct horse battery staple';
  const setup = await browser.newContext();
  const sp = await setup.newPage();
  await sp.goto(host.url + '/');
  await sp.evaluate(
    async ([email, password]) => {
      const post = (path, body) =>
        fetch('/api/v1' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const r = await post('/auth/signup', { email, password });
      if (!r.ok) throw new Error(await r.text());
      for (let i = 0; i < 50; i++) {
        await post('/tasks', { title: `Task ${i}`, priority: ['low', 'medium', 'high', 'urgent'][i % 4], tags: [`t${i % 5}`] });
      }
    },
    [email, password],
  );
  const cookies = await setup.cookies();
  await setup.close();

  async function load(signedIn) {
    const ctx = await browser.newContext();
    if (signedIn) await ctx.addCookies(cookies);
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.goto(host.url + '/', { waitUntil: 'load' });
    await page.waitForSelector(signedIn ? 'li.task' : '#email');
    if (signedIn) await page.waitForFunction(() => performance.getEntriesByName('tasks-ready').length > 0);
    const m = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
      const js = performance
        .getEntriesByType('resource')
        .filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'));
      return {
        ttfb: nav.responseStart,
        fcp: paint ? paint.startTime : null,
        appRendered: mark('app-rendered'),
        tasksReady: mark('tasks-ready'),
        jsTransfer: js.reduce((n, r) => n + r.transferSize, 0),
        jsBody: js.reduce((n, r) => n + r.encodedBodySize, 0),
        jsFiles: js.length,
      };
    });
    await ctx.close();
    return m;
  }

  /** Keystroke to highlight in quick add: each keystroke's text is read by the server's parser. */
  async function quickAddLatency() {
    const ctx = await browser.newContext();
    await ctx.addCookies(cookies);
    const page = await ctx.newPage();
    await page.goto(host.url + '/');
    await page.waitForSelector('#quick-add');
    await page.click('#quick-add');
    // Typed at 80 ms a key, a brisk typist's pace.
    await page.keyboard.type('Water plants every 3 days at 6pm !high #home', { delay: 80 });
    await page.waitForTimeout(300);
    const ms = await page.evaluate(() => performance.getEntriesByName('quick-add-highlight').map((e) => e.duration));
    await ctx.close();
    return ms;
  }

  const out = [];
  for (let i = 0; i < RUNS; i++) out.push(await load(false));
  const inList = [];
  for (let i = 0; i < RUNS; i++) inList.push(await load(true));

  console.log(`host: ${host.url}`);
  console.log(`JavaScript: ${kb(gz)} gzipped (${kb(raw)} uncompressed) in ${files.filter((f) => f.endsWith('.js')).length} file(s); CSS ${kb(cssGz)} gzipped`);
  console.log(
    `JavaScript transferred by the host: ${kb(out[0].jsTransfer)} on the wire (body ${kb(out[0].jsBody)}, ${
      out[0].jsBody < raw * 0.9 ? 'compressed by the host' : 'sent uncompressed'
    })`,
  );
  console.log(`first render (sign-in screen), median of ${RUNS} cold loads:`);
  console.log(`  time to first byte      ${median(out.map((m) => m.ttfb)).toFixed(0)} ms`);
  console.log(`  app rendered            ${median(out.map((m) => m.appRendered)).toFixed(0)} ms`);
  console.log(`  first contentful paint  ${median(out.map((m) => m.fcp)).toFixed(0)} ms`);
  console.log(`signed in with 50 tasks, median of ${RUNS} cold loads:`);
  console.log(`  first contentful paint  ${median(inList.map((m) => m.fcp)).toFixed(0)} ms`);
  console.log(`  task list rendered      ${median(inList.map((m) => m.tasksReady)).toFixed(0)} ms`);
  const typed = (await quickAddLatency()).sort((a, b) => a - b);
  const pct = (q) => typed[Math.min(typed.length - 1, Math.floor(q * typed.length))];
  console.log(`quick add, keystroke to highlight (${typed.length} keystrokes read):`);
  console.log(`  p50 ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${typed[typed.length - 1].toFixed(1)} ms`);
} finally {
  await browser.close();
  await host.stop();
}
