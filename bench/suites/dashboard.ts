/**
 * The dashboard suite: the page of `avnet serve` at 2,000 servers in headless Chromium (Debian's
 * /usr/bin/chromium), against the fake serve of the browser tests: page load (navigation until
 * the picture is drawn and the list filled), a search for the last server until it is shown, a
 * link going offline until the picture shows it, opening every subtree; page load and search on a
 * real `avnet serve` of a generated network too; the JS + CSS the page
 * loads; and, for the record, Graphviz `dot` (the WASM build avnet graph uses) on the same network.
 */
import { statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadDashboardAssets } from '../../src/serve/dashboard-assets.js';
import { launchBrowser, openDashboard } from '../../test/dashboard/browser.js';
import { FakeServe } from '../../test/dashboard/fake-serve.js';
import { makeFixture, type DashboardFixture } from '../../test/dashboard/fixtures.js';
import type { PageDocument } from '../../test/dashboard/page-dom.js';
import { formatBytes, formatCount, formatMs, median, table } from '../lib/format.js';
import { LoadWatch } from '../lib/summary.js';
import { intOption, type BenchSuite, type GoalResult, type SuiteContext } from '../lib/suite.js';
import { ServeProcess } from '../lib/serve-process.js';
import { benchNetwork } from '../lib/networks.js';
import { networkEnv, type NetworkOptions } from '../generate-network.js';

// Page-side globals of the callbacks below (they run in the browser).
declare const document: PageDocument;
declare const performance: {
  now(): number;
  getEntriesByName(name: string): { duration: number; detail?: unknown }[];
};

/** Default network size and runs. */
export const DEFAULT_DASHBOARD_SERVERS = 2000;
export const DEFAULT_DASHBOARD_RUNS = 5;

/** Goals of the issue. */
export const DASHBOARD_GOALS = {
  loadMs: 5000,
  searchMs: 5000,
  liveMs: 1000,
  assetBytes: 400_000,
} as const;

interface Run {
  loadMs: number;
  /** Navigation start to drawn, by the page's own clock. */
  pageLoadMs: number;
  searchMs: number;
  liveMs: number;
  openAllMs: number;
  layoutAllMs: number;
  assetBytes: number;
}

async function measureOnce(
  browser: Awaited<ReturnType<typeof launchBrowser>>['browser'],
  fake: FakeServe,
  fixture: DashboardFixture,
  servers: number,
): Promise<Run> {
  const t0 = performance.now();
  const d = await openDashboard(browser, fake.url, { waitForNetwork: false });
  const { page } = d;
  const pageLoadMs = await page.evaluate(async (n) => {
    for (;;) {
      if (
        document.querySelectorAll('svg.graph [data-server]').length > 0 &&
        document.querySelectorAll('[role=listbox] [role=option]').length === n
      )
        return performance.now();
      await new Promise((r) => setTimeout(r, 10));
    }
  }, servers);
  const loadMs = performance.now() - t0;

  const last = fixture.serverNames.at(-1)!;
  const t1 = performance.now();
  await page.type('input[type=search]', last);
  await page.waitForFunction(
    (name) => {
      const rows = document.querySelectorAll('[role=listbox] [role=option]');
      return rows.length === 1 && rows[0]!.getAttribute('data-server') === name;
    },
    { polling: 10, timeout: 30_000 },
    last,
  );
  const searchMs = performance.now() - t1;

  const link = fixture.status.links.find((l) => l.a === 'HQ')!;
  const key = `${link.a}|${link.b}|${link.type}`;
  const t2 = performance.now();
  fake.setLinkState(link.a, link.b, 'offline', 'unreachable', 'bench');
  await page.waitForFunction(
    (k) =>
      document.querySelector(`svg.graph [data-link="${k}"]`)?.getAttribute('data-state') ===
      'offline',
    { polling: 'raf', timeout: 30_000 },
    key,
  );
  const liveMs = performance.now() - t2;
  fake.setLinkState(link.a, link.b, 'online');

  const t3 = performance.now();
  await page.$$eval('section.network button', (bs) =>
    (bs as unknown as { textContent: string; click(): void }[])
      .find((b) => b.textContent === 'Open all')!
      .click(),
  );
  await page.waitForFunction(
    (n) => document.querySelectorAll('svg.graph [data-server]').length === n,
    { polling: 10, timeout: 60_000 },
    servers,
  );
  const openAllMs = performance.now() - t3;
  const layoutAllMs = await page.evaluate(() => {
    const all = performance.getEntriesByName('avnet:layout');
    return all[all.length - 1]?.duration ?? Number.NaN;
  });
  const assetBytes = d.assetBytes();
  await page.close();
  return { loadMs, pageLoadMs, searchMs, liveMs, openAllMs, layoutAllMs, assetBytes };
}

/** Page load and search against a real `avnet serve` of a generated network (dir backend). */
async function measureRealServe(
  ctx: SuiteContext,
  browser: Awaited<ReturnType<typeof launchBrowser>>['browser'],
  servers: number,
  runs: number,
): Promise<{ loadMs: number; searchMs: number; links: number }> {
  const netOpts: NetworkOptions = { servers };
  const net = await benchNetwork(ctx.tmpDir, `n${servers}`, netOpts, ctx.log);
  const dir = path.join(ctx.tmpDir, 'dashboard', 'real-serve');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...networkEnv(netOpts), NO_COLOR: '1' };
  delete env.AVNET_LOG_LEVEL;
  ctx.log(`real serve: applying ${formatCount(servers)} servers (dir backend)`);
  const serve = await ServeProcess.start(
    path.join(ctx.rootDir, 'bin', 'avnet.js'),
    [
      net.topologyFile,
      '--apply',
      '--interval',
      '0',
      '--state',
      path.join(dir, 'state'),
      '--data',
      path.join(dir, 'data'),
    ],
    { cwd: dir, env },
  );
  try {
    await serve.cycle(() => true, { what: 'the start cycle', timeoutMs: 900_000 });
    // The links are read right after the cycle: wait for them, so the page draws them all.
    let status: { servers: { name: string }[]; links: unknown[] };
    const until = Date.now() + 120_000;
    do {
      status = (await (await fetch(`${serve.url}/api/v1/status`)).json()) as typeof status;
      if (status.links.length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < until);
    const last = [...status.servers.map((x) => x.name)].sort().at(-1)!;
    const loads: number[] = [];
    const searches: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      const d = await openDashboard(browser, serve.url + '/', { waitForNetwork: false });
      await d.page.waitForFunction(
        (n) =>
          document.querySelectorAll('svg.graph [data-server]').length > 0 &&
          document.querySelectorAll('[role=listbox] [role=option]').length === n,
        { polling: 10, timeout: 60_000 },
        servers,
      );
      const loadMs = performance.now() - t0;
      const t1 = performance.now();
      await d.page.type('input[type=search]', last);
      await d.page.waitForFunction(
        (name) => {
          const rows = document.querySelectorAll('[role=listbox] [role=option]');
          return rows.length === 1 && rows[0]!.getAttribute('data-server') === name;
        },
        { polling: 10, timeout: 30_000 },
        last,
      );
      const searchMs = performance.now() - t1;
      await d.page.close();
      // The first load warms the browser's cache and serve's answers: not counted.
      if (i === 0) continue;
      loads.push(loadMs);
      searches.push(searchMs);
      ctx.log(
        `real serve: run ${i}/${runs}: load ${formatMs(loadMs)}, search ${formatMs(searchMs)}`,
      );
    }
    return { loadMs: median(loads), searchMs: median(searches), links: status.links.length };
  } finally {
    await serve.stop();
  }
}

function dotSource(fixture: DashboardFixture): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['digraph avnet {', '  rankdir=LR;', '  node [shape=box];'];
  for (const l of fixture.status.links) {
    lines.push(
      l.type === 'peer'
        ? `  ${q(l.a)} -> ${q(l.b)} [dir=none, style=dashed, constraint=false];`
        : `  ${q(l.a)} -> ${q(l.b)};`,
    );
  }
  lines.push('}');
  return lines.join('\n');
}

async function measureDot(fixture: DashboardFixture): Promise<{ ms: number; moduleBytes: number }> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@hpcc-js/wasm-graphviz');
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  const t0 = performance.now();
  graphviz.dot(dotSource(fixture), 'svg');
  const ms = performance.now() - t0;
  return { ms, moduleBytes: statSync(entry).size };
}

/** `npm run bench -- dashboard`. */
export const dashboardSuite: BenchSuite = {
  name: 'dashboard',
  description:
    'the serve dashboard in headless Chromium at 2,000 servers: load, search, live update, size',
  options: {
    servers: `network size (default ${DEFAULT_DASHBOARD_SERVERS})`,
    runs: `page loads measured (default ${DEFAULT_DASHBOARD_RUNS})`,
    'no-dot': 'skip timing Graphviz dot (WASM) on the same network',
    'no-real-serve': 'skip the page of a real avnet serve of a generated network',
  },
  async run(ctx) {
    const servers = intOption(ctx.options, 'servers') ?? DEFAULT_DASHBOARD_SERVERS;
    const runs = intOption(ctx.options, 'runs') ?? DEFAULT_DASHBOARD_RUNS;
    const assets = loadDashboardAssets(path.join(ctx.distDir, 'dashboard'));
    if (!assets.built) throw new Error('dist/dashboard is missing: npm run build');
    const load = new LoadWatch();
    const fixture = makeFixture(servers);
    const fake = await FakeServe.start({ fixture, assets });
    const tb = await launchBrowser();
    const results: Run[] = [];
    let real: { loadMs: number; searchMs: number; links: number } | undefined;
    try {
      ctx.log(`n=${formatCount(servers)}: one untimed load`);
      await measureOnce(tb.browser, fake, fixture, servers);
      for (let i = 0; i < runs; i++) {
        ctx.log(`n=${formatCount(servers)}: run ${i + 1}/${runs}`);
        load.sample();
        results.push(await measureOnce(tb.browser, fake, fixture, servers));
      }
      if (ctx.options['no-real-serve'] === undefined) {
        real = await measureRealServe(ctx, tb.browser, servers, runs);
      }
    } finally {
      await tb.close();
      await fake.close();
    }
    const med = (k: keyof Run) => median(results.map((r) => r[k]));
    const files = [...assets.entries.values()].filter((e) => e.path.startsWith('/assets/'));
    const rawBytes = files.reduce((n, e) => n + e.body.length, 0);
    const gzipBytes = files.reduce((n, e) => n + (e.gzip ?? e.body).length, 0);
    let dot: { ms: number; moduleBytes: number } | undefined;
    if (ctx.options['no-dot'] === undefined) {
      ctx.log(`n=${formatCount(servers)}: Graphviz dot (WASM), once`);
      dot = await measureDot(fixture);
    }
    const rows = [
      ['page load (navigation → picture drawn, list filled)', formatMs(med('loadMs'))],
      ['  the same, by the page’s clock', formatMs(med('pageLoadMs'))],
      ['search for the last server until shown', formatMs(med('searchMs'))],
      ['link goes offline → picture shows it', formatMs(med('liveMs'))],
      [`open all (${formatCount(servers)} boxes drawn)`, formatMs(med('openAllMs'))],
      ['  of which the layout (d3-hierarchy)', formatMs(med('layoutAllMs'))],
    ];
    if (dot) rows.push(['Graphviz dot (WASM) layout of the same network', formatMs(dot.ms)]);
    if (real) {
      rows.push([
        `real avnet serve (${formatCount(real.links)} links): page load`,
        formatMs(real.loadMs),
      ]);
      rows.push([
        'real avnet serve: search for the last server until shown',
        formatMs(real.searchMs),
      ]);
    }
    const bytes = median(results.map((r) => r.assetBytes));
    const report = [
      `Network: ${formatCount(servers)} servers, ${formatCount(fixture.status.links.length)} links; medians of ${runs} runs.`,
      table(['measurement', 'time'], rows),
      '',
      `JS + CSS the page loads: ${formatBytes(bytes)} uncompressed (${files.map((f) => `${path.basename(f.path)} ${formatBytes(f.body.length)}`).join(', ')}), ${formatBytes(gzipBytes)} gzipped; budget ${formatBytes(DASHBOARD_GOALS.assetBytes)}.`,
      ...(dot
        ? [`Graphviz WASM module: ${formatBytes(dot.moduleBytes)} of JavaScript before any layout.`]
        : []),
      ...load.note(),
    ].join('\n');
    const goals: GoalResult[] = [
      {
        goal: `page load at ${formatCount(servers)} servers ≤ ${formatMs(DASHBOARD_GOALS.loadMs)}`,
        measured: formatMs(med('loadMs')),
        pass: med('loadMs') <= DASHBOARD_GOALS.loadMs,
      },
      {
        goal: `search for the last server shown ≤ ${formatMs(DASHBOARD_GOALS.searchMs)}`,
        measured: formatMs(med('searchMs')),
        pass: med('searchMs') <= DASHBOARD_GOALS.searchMs,
      },
      ...(real
        ? [
            {
              goal: `real serve: page load and search at ${formatCount(servers)} servers ≤ ${formatMs(DASHBOARD_GOALS.loadMs)} each`,
              measured: `${formatMs(real.loadMs)}, ${formatMs(real.searchMs)}`,
              pass:
                real.loadMs <= DASHBOARD_GOALS.loadMs && real.searchMs <= DASHBOARD_GOALS.searchMs,
            },
          ]
        : []),
      {
        goal: `a link change shown ≤ ${formatMs(DASHBOARD_GOALS.liveMs)}`,
        measured: formatMs(med('liveMs')),
        pass: med('liveMs') <= DASHBOARD_GOALS.liveMs,
      },
      {
        goal: `JS + CSS ≤ ${formatBytes(DASHBOARD_GOALS.assetBytes)}`,
        measured: formatBytes(bytes),
        pass: bytes <= DASHBOARD_GOALS.assetBytes && bytes === rawBytes,
      },
    ];
    return {
      report,
      results: {
        servers,
        links: fixture.status.links.length,
        runs: results,
        medians: Object.fromEntries(
          (Object.keys(results[0] ?? {}) as (keyof Run)[]).map((k) => [k, med(k)]),
        ),
        assetBytes: bytes,
        gzipBytes,
        dot,
        realServe: real ?? null,
        loadAverage: load.peak,
      },
      goals,
    };
  },
};
