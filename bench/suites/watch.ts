/**
 * The watch suite: latency from saving the topology to `avnet watch` printing the new plan, on a
 * generated network, against a one-off `avnet plan` process of the same change (spawn to exit).
 * The two are interleaved so that a busy moment on the machine hits both alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { networkEnv } from '../generate-network.js';
import { benchNetwork } from '../lib/networks.js';
import { formatCount, formatMs, formatRatio, median, table } from '../lib/format.js';
import { runScript } from '../lib/measure.js';
import { intOption, type BenchSuite, type GoalResult, type SuiteContext } from '../lib/suite.js';

/** Default network size. */
export const DEFAULT_WATCH_SERVERS = 2000;
/** Default number of saves measured. */
export const DEFAULT_WATCH_RUNS = 15;

/** The goal of the issue: watch latency (save to plan printed) under 1.5× a one-off plan. */
export const WATCH_GOAL_RATIO = 1.5;

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length, Math.max(1, rank)) - 1]!;
}

interface CycleLine {
  cycle: number;
  outcome: string;
  changes: number;
  durationMs: number;
  errors?: number;
}

/** A running `avnet watch --format json` whose cycle lines are timestamped as they arrive. */
class WatchProcess {
  readonly child: ChildProcess;
  private buffer = '';
  private readonly seen = new Map<number, { line: CycleLine; at: number }>();
  private readonly waiting = new Map<number, (v: { line: CycleLine; at: number }) => void>();
  private stderr = '';
  private readonly exited: Promise<number | null>;

  constructor(script: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [script, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (b: Buffer) => {
      const at = performance.now();
      this.buffer += b.toString('utf8');
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const text = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (!text.startsWith('{')) continue;
        const line = JSON.parse(text) as CycleLine;
        const entry = { line, at };
        this.seen.set(line.cycle, entry);
        this.waiting.get(line.cycle)?.(entry);
      }
    });
    this.child.stderr!.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString('utf8')).slice(-20_000);
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Resolves when cycle `n` is printed (with the time its line arrived). */
  cycle(n: number, timeoutMs = 300_000): Promise<{ line: CycleLine; at: number }> {
    const done = this.seen.get(n);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`watch printed no cycle ${n} in ${timeoutMs} ms\n${this.stderr}`)),
        timeoutMs,
      );
      this.waiting.set(n, (v) => {
        clearTimeout(timer);
        resolve(v);
      });
      void this.exited.then((code) =>
        reject(new Error(`watch exited (${code}) before cycle ${n}\n${this.stderr}`)),
      );
    });
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Two versions of the topology that differ in one link's compression (a 2-entry plan). */
async function twoVersions(file: string): Promise<[string, string, string]> {
  const text = await readFile(file, 'utf8');
  const doc = parseDocument(text);
  const links = doc.get('links') as { items: unknown[] };
  const index = links.items.length - 1;
  const changed = parseDocument(text);
  changed.setIn(['links', index, 'compression'], 'yes');
  const original = parseDocument(text);
  original.setIn(['links', index, 'compression'], 'possible');
  const link = (doc.toJS() as { links: { child?: string; parent?: string; peers?: string[] }[] })
    .links[index]!;
  const ends = link.peers ? link.peers.join('<->') : `${link.parent}->${link.child}`;
  return [original.toString(), changed.toString(), `link ${index} (${ends})`];
}

interface Sample {
  readonly watchMs: number;
  readonly cycleMs: number;
  readonly planMs: number;
}

async function measure(ctx: SuiteContext, servers: number, runs: number) {
  const net = await benchNetwork(ctx.tmpDir, `n${servers}`, { servers }, ctx.log);
  const dir = path.join(ctx.tmpDir, 'watch', `n${servers}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(path.join(net.dir, 'certs'), path.join(dir, 'certs'), { recursive: true });
  const file = path.join(dir, 'topology.yaml');
  const stateDir = path.join(dir, 'state');
  const [base, changed, what] = await twoVersions(net.topologyFile);
  await writeFile(file, base);
  const env: NodeJS.ProcessEnv = { ...process.env, ...networkEnv({ servers }), NO_COLOR: '1' };
  delete env.AVNET_LOG_LEVEL; // the default level, as a user would run it
  const cli = path.join(ctx.rootDir, 'bin', 'avnet.js');

  ctx.log(`n=${formatCount(servers)}: applying the network once (the state every plan reads)`);
  const applied = await runScript(ctx.distDir, cli, ['apply', file, '--yes', '--state', stateDir], {
    cwd: dir,
    env,
  });
  if (applied.exitCode !== 0) throw new Error(`apply failed:\n${applied.stderr.slice(-3000)}`);

  const watch = new WatchProcess(
    cli,
    ['watch', file, '--format', 'json', '--interval', 'off', '--state', stateDir],
    dir,
    env,
  );
  const samples: Sample[] = [];
  try {
    const first = await watch.cycle(1);
    if (first.line.outcome !== 'in-sync' || first.line.changes !== 0) {
      throw new Error(`the start cycle should find nothing to do: ${JSON.stringify(first.line)}`);
    }
    for (let i = 0; i < runs; i++) {
      ctx.log(`n=${formatCount(servers)}: sample ${i + 1}/${runs}`);
      // Odd saves change the link, even saves change it back: every save is a 2-entry plan.
      const text = i % 2 === 0 ? changed : base;
      const saved = performance.now();
      await writeFile(file, text);
      const { line, at } = await watch.cycle(i + 2);
      if (
        line.outcome !== (i % 2 === 0 ? 'planned' : 'in-sync') ||
        line.changes !== (i % 2 === 0 ? 2 : 0)
      ) {
        throw new Error(`unexpected cycle: ${JSON.stringify(line)}`);
      }
      // The one-off plan of the same change: a changed topology against the applied state.
      const plan = await runScript(
        ctx.distDir,
        cli,
        ['plan', '--format', 'json', '--state', stateDir, file],
        { cwd: dir, env },
      );
      if (plan.exitCode !== 0) throw new Error(`plan failed:\n${plan.stderr.slice(-3000)}`);
      samples.push({ watchMs: at - saved, cycleMs: line.durationMs, planMs: plan.wallMs });
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    const code = await watch.stop();
    if (code !== 0) ctx.log(`watch exited with ${code}`);
  }
  await writeFile(file, base);
  return { what, samples };
}

/** `npm run bench -- watch`. */
export const watchSuite: BenchSuite = {
  name: 'watch',
  description: 'avnet watch: save-to-plan latency vs a one-off avnet plan of the same change',
  options: {
    servers: `network size (default ${DEFAULT_WATCH_SERVERS})`,
    runs: `saves measured (default ${DEFAULT_WATCH_RUNS})`,
  },
  async run(ctx) {
    const servers = intOption(ctx.options, 'servers') ?? DEFAULT_WATCH_SERVERS;
    const runs = intOption(ctx.options, 'runs') ?? DEFAULT_WATCH_RUNS;
    const loadAverage = os.loadavg()[0] ?? 0;
    const { what, samples } = await measure(ctx, servers, runs);
    const watchMs = samples.map((s) => s.watchMs);
    const cycleMs = samples.map((s) => s.cycleMs);
    const planMs = samples.map((s) => s.planMs);
    const stats = {
      watch: { p50: median(watchMs), p95: percentile(watchMs, 95) },
      cycle: { p50: median(cycleMs), p95: percentile(cycleMs, 95) },
      plan: { p50: median(planMs), p95: percentile(planMs, 95) },
    };
    const ratio = stats.watch.p50 / stats.plan.p50;
    const ratio95 = stats.watch.p95 / stats.plan.p95;
    const rows = [
      ['watch: save → plan printed', formatMs(stats.watch.p50), formatMs(stats.watch.p95)],
      ['  of which the cycle itself', formatMs(stats.cycle.p50), formatMs(stats.cycle.p95)],
      ['one-off avnet plan (spawn → exit)', formatMs(stats.plan.p50), formatMs(stats.plan.p95)],
      ['watch / plan', formatRatio(ratio), formatRatio(ratio95)],
    ];
    const lines = [
      table(['measurement', 'median', 'p95'], rows),
      '',
      `n=${formatCount(servers)} servers, ${runs} saves of ${what} (compression possible ↔ yes),`,
      'plan mode against a dir state that holds the applied network; default debounce (300 ms).',
      'The save-to-plan time includes the debounce, the file event and the content check.',
    ];
    if (loadAverage > os.availableParallelism()) {
      lines.push(
        `note: the machine was busy (load average ${loadAverage.toFixed(1)} on ${os.availableParallelism()} cores); times are noisy.`,
      );
    }
    const goals: GoalResult[] = [
      {
        goal: `n=${formatCount(servers)}: watch save→plan median < ${WATCH_GOAL_RATIO}× one-off plan`,
        measured: `${formatMs(stats.watch.p50)} vs ${formatMs(stats.plan.p50)} = ${formatRatio(ratio)}`,
        pass: ratio < WATCH_GOAL_RATIO,
      },
    ];
    return {
      report: lines.join('\n'),
      results: { servers, runs, loadAverage, change: what, stats, ratio, ratio95, samples },
      goals,
    };
  },
};
