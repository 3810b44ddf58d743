// Shared by the browser tests and the size/first-render measurement:
// starts the project's host on a free port with a fresh database, and
// launches Debian's Chromium through playwright-core.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(ROOT, 'frontend/package.json'));
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The manifest to serve: spin.toml itself when every component it lists is
 * built; otherwise a copy in `dir` without the components whose .wasm is
 * not built yet (and their routes), with absolute sources. Other engineers
 * add components while the frontend is tested; the UI needs only the API.
 */
export function manifestFor(dir) {
  const path = join(ROOT, 'spin.toml');
  const blocks = [];
  let cur = { header: '', lines: [] };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('[')) {
      blocks.push(cur);
      cur = { header: line.trim(), lines: [line] };
    } else cur.lines.push(line);
  }
  blocks.push(cur);
  const field = (b, name) =>
    b.lines.map((l) => new RegExp(`^${name}\\s*=\\s*"([^"]+)"`).exec(l)).find(Boolean)?.[1];
  const componentOf = (b) => {
    const m = /^\[component\.([A-Za-z0-9_-]+)[.\]]/.exec(b.header);
    if (m) return m[1];
    return b.header === '[[trigger.http]]' ? field(b, 'component') : undefined;
  };
  const missing = new Set();
  for (const b of blocks) {
    const m = /^\[component\.([A-Za-z0-9_-]+)\]$/.exec(b.header);
    const source = m && field(b, 'source');
    if (source && !existsSync(resolve(ROOT, source))) missing.add(m[1]);
  }
  if (!missing.size) return { manifest: path, missing: [] };
  const out = [];
  for (const b of blocks) {
    const c = componentOf(b);
    if (c && missing.has(c)) continue;
    for (const l of b.lines) {
      out.push(l.replace(/^source\s*=\s*"([^"]+)"/, (_, p) => `source = ${JSON.stringify(resolve(ROOT, p))}`));
    }
  }
  const manifest = join(dir, 'spin.toml');
  writeFileSync(manifest, out.join('\n'));
  return { manifest, missing: [...missing] };
}

/**
 * Starts `spinhost up` on a free loopback port with its own state directory.
 * Answers { url, stop() }. The embedded sidecar is left off (events stay in
 * the outbox, which the UI does not need).
 */
export async function startHost({ timeoutMs = 180_000 } = {}) {
  const bin = join(ROOT, 'target/release/spinhost');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build it with cargo build --release -p spinhost`);
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'tm-browser-'));
  const secret = randomBytes(24).toString('hex');
  // Events go to a port of this run only (nothing listens there unless the
  // host runs its own sidecar), never to a sidecar another run left on 3500.
  const daprPort = await freePort();
  const { manifest, missing } = manifestFor(stateDir);
  if (missing.length) console.error(`# serving without components not built yet: ${missing.join(', ')}`);
  const args = [
    'up',
    '--from',
    manifest,
    '--cache-dir',
    join(ROOT, 'target/spinhost-cache'),
    '--listen',
    `127.0.0.1:${port}`,
    '--state-dir',
    stateDir,
    '--variable',
    `auth_secret=${secret}`,
    '--variable',
    `dapr_http_endpoint=http://localhost:${daprPort}`,
    '--quiet',
  ];
  let child = await spawnHost(bin, [...args, '--no-sidecar']);
  if (child.exitedEarly && /no-sidecar/.test(child.output)) {
    const sidecar = ['--dapr-listen', `127.0.0.1:${daprPort}`, '--resources-path', join(ROOT, 'dapr')];
    child = await spawnHost(bin, [...args, ...sidecar]);
  }
  if (child.exitedEarly) throw new Error(`spinhost exited: ${child.output}`);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.proc.exitCode !== null) throw new Error(`spinhost exited: ${child.output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.proc.kill('SIGTERM');
      throw new Error(`spinhost did not answer /health within ${timeoutMs} ms: ${child.output}`);
    }
    await sleep(250);
  }
  const index = await (await fetch(url + '/')).text();
  if (!index.includes('<div id="app">')) {
    child.proc.kill('SIGTERM');
    throw new Error('the web component does not serve frontend/dist: run `scripts/frontend.sh build` and rebuild it');
  }
  child.proc.on('exit', (code, signal) => {
    if (!child.stopping) console.error(`spinhost stopped unexpectedly (code ${code}, signal ${signal}): ${child.output}`);
  });
  return {
    url,
    output: () => child.output,
    async stop() {
      child.stopping = true;
      if (child.proc.exitCode === null) {
        child.proc.kill('SIGTERM');
        await Promise.race([new Promise((r) => child.proc.once('exit', r)), sleep(5000)]);
        if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function spawnHost(bin, args) {
  const proc = spawn(bin, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { proc, output: '', exitedEarly: false };
  const keep = (d) => {
    state.output = (state.output + d.toString()).slice(-4000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  // An unknown flag fails at once; give it a moment to do so.
  await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(400)]);
  state.exitedEarly = proc.exitCode !== null;
  return state;
}

export function screenshotDir() {
  const dir = join(ROOT, 'target/screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function uniqueEmail(prefix = 'user') {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}@example.com`;
}
