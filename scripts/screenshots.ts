/**
 * Regenerates the dashboard screenshots in docs/img/ from the real thing: emulated servers for
 * examples/enterprise, `avnet serve --apply` over the http backend, one server taken down so a
 * link shows offline with its reason, and Debian's Chromium taking the pictures.
 * Usage: npm run docs:screenshots   (needs /usr/bin/chromium and the example's ports free)
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import puppeteer from 'puppeteer-core';
import { main } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/io.js';
import { startSimulation } from '../src/sim/index.js';
import { createBackend } from '../src/backends/index.js';
import { quietContext } from '../src/model/index.js';
import { isMainModule, repoRoot } from './repo-root.js';

/** Where the pictures go, relative to the repository. */
export const SCREENSHOT_DIR = 'docs/img';

const CHROMIUM = process.env['AVNET_CHROMIUM'] ?? '/usr/bin/chromium';

async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const end = Date.now() + 60_000;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Someone changes LEGACY's password for APAC by hand: drift, and the link goes offline. */
async function driftLegacy(
  dir: string,
  credentials: { user: string; password: string },
  caFile: string,
): Promise<void> {
  const backend = await createBackend('http', {
    topologyDir: dir,
    endpoints: [{ name: 'LEGACY', version: 10, api: 'https://127.0.0.1:19005' }],
    env: { AVNET_USER: credentials.user, AVNET_PASSWORD: credentials.password },
    caFile,
  });
  try {
    const legacy = (await backend.readServer('LEGACY', quietContext()))!;
    const entry = legacy.neighbors.find((e) => e.name === 'APAC')!;
    await backend.applyChange(
      'LEGACY',
      {
        expectedRevision: legacy.revision,
        upsert: [{ ...entry, password: randomBytes(12).toString('hex') }],
      },
      quietContext(),
    );
  } finally {
    await backend.close();
  }
}

/** Takes the screenshots; returns the files written. */
export async function takeScreenshots(root: string): Promise<string[]> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'avnet-screenshots-'));
  const abort = new AbortController();
  const credentials = { user: 'admin', password: randomBytes(12).toString('hex') };
  const secrets: Record<string, string> = {};
  for (const name of [
    'AVNET_HQ_EU',
    'AVNET_HQ_US',
    'AVNET_HQ_APAC',
    'AVNET_EU_US',
    'AVNET_APAC_LEGACY',
  ])
    secrets[name] = randomBytes(12).toString('hex');
  const net = path.join(tmp, 'enterprise');
  await cp(path.join(root, 'examples/enterprise'), net, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'state',
  });
  const file = path.join(net, 'topology.yaml');
  const sim = await startSimulation(file, { credentials, tlsDir: path.join(tmp, 'tls') });
  let stderr = '';
  const io: CliIO = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: new PassThrough() as unknown as CliIO['stdin'],
    env: {
      PATH: process.env.PATH,
      AVNET_USER: credentials.user,
      AVNET_PASSWORD: credentials.password,
      ...secrets,
    },
    cwd: net,
  };
  const run = (args: string[]) => main(args, io, { signal: abort.signal });
  const ca = path.join(tmp, 'tls', 'ca.pem');
  // The servers as avnet apply leaves them: every link configured on both sides and online.
  const applied = await run([
    'apply',
    'topology.yaml',
    '--backend',
    'http',
    '--ca',
    ca,
    '--yes',
    '--wait',
    '1m',
  ]);
  if (applied !== 0) throw new Error(`avnet apply failed (${applied}):\n${stderr}`);
  await driftLegacy(net, credentials, ca);
  // serve without --apply: it reports the drift (and the link it breaks) without healing it.
  const served = run([
    'serve',
    'topology.yaml',
    '--backend',
    'http',
    '--ca',
    ca,
    '--data',
    path.join(tmp, 'data'),
    '--listen',
    '127.0.0.1:0',
    '--link-interval',
    '500ms',
    '--interval',
    '0',
  ]);
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${path.join(tmp, 'profile')}`,
    ],
  });
  const written: string[] = [];
  try {
    const url = await until('serve', () => /avnet serve: (http:\/\/[^/\s]+)\//.exec(stderr)?.[1]);
    const status = async () =>
      (await (await fetch(`${url}/api/v1/status`)).json()) as {
        health: { status: string };
        links: { state: string }[];
      };
    await until('the link offline', async () =>
      (await status()).links.some((l) => l.state === 'offline') ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 860 });
    await page.goto(`${url}/`, { waitUntil: 'load' });
    await page.waitForSelector('svg.graph [data-server]');
    await page.click('button ::-p-text(Open all)').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 800));
    const dir = path.join(root, SCREENSHOT_DIR);
    await mkdir(dir, { recursive: true });
    const overview = path.join(dir, 'dashboard.png');
    await page.screenshot({ path: overview });
    written.push(overview);
    await page.click('[role=option][data-server="LEGACY"]');
    await page.waitForSelector('[data-details-server="LEGACY"]');
    await new Promise((r) => setTimeout(r, 500));
    const details = path.join(dir, 'dashboard-details.png');
    await page.screenshot({ path: details });
    written.push(details);
  } finally {
    await browser.close().catch(() => undefined);
    abort.abort();
    await served;
    await sim.stop();
    await rm(tmp, { recursive: true, force: true });
  }
  return written;
}

if (isMainModule(import.meta.url)) {
  const files = await takeScreenshots(repoRoot(import.meta.url));
  await writeFile(
    path.join(repoRoot(import.meta.url), SCREENSHOT_DIR, '.gitattributes'),
    '*.png binary\n',
  );
  for (const f of files) console.log(`wrote ${f}`);
}
