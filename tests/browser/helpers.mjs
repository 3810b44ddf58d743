// Shared by the browser tests and the size/first-render measurement:
// starts the project's host on a free port with a fresh database, and
// launches Debian's Chromium through playwright-core.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
 * Starts the whole system the way `scripts/up.sh` does (`spinhost up` from
 * spin.toml, with its embedded Dapr sidecar and the resources in dapr/), on
 * free loopback ports with its own state directory, so agents, reminders and
 * recurrences react to events as they do for a user.
 * Answers { url, stop() }.
 */
export async function startHost({ timeoutMs = 180_000, variables = {} } = {}) {
  const bin = join(ROOT, 'target/release/spinhost');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build it with cargo build --release -p spinhost`);
  const port = await freePort();
  // The sidecar listens on a port of this run only, never on a 3500 another run holds.
  const daprPort = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'tm-browser-'));
  const secret = randomBytes(24).toString('hex');
  // What the sidecar presents to internal routes; tests that deliver an
  // event by hand present it too.
  const appApiToken = randomBytes(24).toString('hex');
  const child = spawnHost(bin, [
    'up',
    '--from',
    join(ROOT, 'spin.toml'),
    '--cache-dir',
    join(ROOT, 'target/spinhost-cache'),
    '--listen',
    `127.0.0.1:${port}`,
    '--dapr-listen',
    `127.0.0.1:${daprPort}`,
    '--resources-path',
    join(ROOT, 'dapr'),
    '--state-dir',
    stateDir,
    '--variable',
    `auth_secret=${secret}`,
    '--variable',
    `app_api_token=${appApiToken}`,
    '--variable',
    `dapr_api_token=${randomBytes(24).toString('hex')}`,
    '--variable',
    `dapr_http_endpoint=http://localhost:${daprPort}`,
    ...Object.entries(variables).flatMap(([name, value]) => ['--variable', `${name}=${value}`]),
    '--quiet',
  ]);
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
    appApiToken,
    /** The dev mailbox: mail the app sends lands here, one .eml file each. */
    mailbox: join(stateDir, 'dapr', 'mailbox'),
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

function spawnHost(bin, args) {
  const proc = spawn(bin, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { proc, output: '' };
  const keep = (d) => {
    state.output = (state.output + d.toString()).slice(-4000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
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
