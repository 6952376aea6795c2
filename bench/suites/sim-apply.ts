/**
 * The sim-apply suite: `avnet apply --backend http` of a generated network into emulated servers
 * that add a fixed latency to every management request, from empty (fresh servers), against the
 * lower bound the latency sets: every call has to wait for it, at most `concurrency` at a time,
 * and one server's calls (read, writes, verify read) follow each other. Also the time until every
 * link is online, as the emulated servers see it and as `apply --wait` finds out by polling.
 *
 * The emulator runs in its own process (bench/tasks/sim-host.ts) and the apply in another, so
 * neither's CPU time is spent on the other's event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeNetwork, networkEnv, type NetworkOptions } from '../generate-network.js';
import { benchNetwork } from '../lib/networks.js';
import { formatCount, formatMb, formatMs, formatRatio, median, table } from '../lib/format.js';
import type { ChildRun } from '../lib/measure.js';
import {
  intListOption,
  intOption,
  type BenchSuite,
  type GoalResult,
  type SuiteContext,
} from '../lib/suite.js';
import { createSimTlsIdentity, type SimTlsIdentity } from '../../src/sim/index.js';
import { CREDENTIAL_ENV } from '../../src/backends/index.js';
import { DEFAULT_CONCURRENCY } from '../../src/model/index.js';
import type { ReconcileReport } from '../tasks/reconcile.js';
import type { SimHostReply, SimHostRequest, SimHostStats } from '../tasks/sim-host.js';
import { LoadWatch } from '../lib/summary.js';
import { cliJson, expectThat, medianStages, runCli, runReconcile } from './reconcile-common.js';

/** Defaults of the issue: 200 servers, 20 ms per call, concurrency 8 (the default), 16 and 32. */
export const SIM_APPLY_DEFAULTS = {
  servers: 200,
  latencyMs: 20,
  concurrency: [8, 16, 32],
  runs: 3,
  /** Emulator processes: one per core, at least 2, at most 8 (real servers each have a machine
   * of their own; one process for 200 of them queues the calls behind the links' TLS
   * handshakes: 1.48× against 1.37× with 2 on 2 cores, and 4 on 2 cores gave 1.41×). */
  simProcesses: Math.max(2, Math.min(8, availableParallelism())),
  /** Ports of the emulated servers (protocol, then management API), below the ephemeral range. */
  basePort: 24000,
} as const;

/** The goal of the issue: apply within 1.5× the lower bound the latency sets. */
export const SIM_APPLY_GOAL_RATIO = 1.5;

/** A running sim-host process. */
class SimHost {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, (m: SimHostReply) => void>();
  private readonly early = new Map<string, SimHostReply>();
  private stderr = '';
  private failure: Error | undefined;

  constructor(distDir: string) {
    // BENCH_CPU_PROF=DIR profiles the emulators too (they share the client's two cores).
    const profileDir = process.env.BENCH_CPU_PROF;
    this.child = fork(path.join(distDir, 'bench', 'tasks', 'sim-host.js'), [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    this.child.stderr!.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString('utf8')).slice(-5000);
    });
    this.child.on('message', (m: SimHostReply) => {
      if (m.type === 'error') {
        this.failure = new Error(`sim host: ${m.message}`);
        for (const w of this.waiting.values()) w(m);
        return;
      }
      const w = this.waiting.get(m.type);
      if (w) {
        this.waiting.delete(m.type);
        w(m);
      } else this.early.set(m.type, m);
    });
    this.child.on('exit', (code) => {
      if (this.waiting.size > 0) {
        this.failure = new Error(`sim host exited (${code})\n${this.stderr}`);
        for (const w of this.waiting.values()) w({ type: 'error', message: this.failure.message });
      }
    });
  }

  send(m: SimHostRequest): void {
    this.child.send(m);
  }

  /** The next reply of a type (one that already arrived counts). */
  next<T extends SimHostReply['type']>(
    type: T,
    timeoutMs = 120_000,
  ): Promise<Extract<SimHostReply, { type: T }>> {
    const got = this.early.get(type);
    if (got) {
      this.early.delete(type);
      return Promise.resolve(got as Extract<SimHostReply, { type: T }>);
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(type);
        reject(new Error(`sim host: no ${type} within ${timeoutMs} ms\n${this.stderr}`));
      }, timeoutMs);
      this.waiting.set(type, (m) => {
        clearTimeout(timer);
        if (m.type === 'error') reject(this.failure ?? new Error(m.message));
        else resolve(m as Extract<SimHostReply, { type: T }>);
      });
    });
  }

  /** Asks for a reply and waits for it. */
  async ask<T extends SimHostReply['type']>(
    m: SimHostRequest,
    type: T,
  ): Promise<Extract<SimHostReply, { type: T }>> {
    const reply = this.next(type);
    this.send(m);
    return reply;
  }

  /** Stops the servers; the process exits (killed if it does not within 10 s). */
  async stop(): Promise<Extract<SimHostReply, { type: 'stopped' }> | undefined> {
    if (this.child.exitCode !== null) return undefined;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    let stopped: Extract<SimHostReply, { type: 'stopped' }> | undefined;
    try {
      stopped = await this.ask({ type: 'stop' }, 'stopped');
    } catch {
      stopped = undefined;
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    return stopped;
  }
}

/**
 * The emulated network split over several sim-host processes: each runs every `processes`-th
 * server and leaves the others down (not listening), so together they serve every address once.
 */
export class SimCluster {
  private constructor(private readonly hosts: readonly SimHost[]) {}

  /** Starts the hosts and waits until every one is listening. */
  static async start(ctx: SuiteContext, s: Setup): Promise<SimCluster> {
    const names = describeNetwork(s.netOpts).servers.map((x) => x.name);
    const hosts = Array.from({ length: s.processes }, () => new SimHost(ctx.distDir));
    const cluster = new SimCluster(hosts);
    try {
      const ready = await Promise.all(
        hosts.map((h, i) =>
          h.ask(
            {
              type: 'start',
              file: s.file,
              credentials: s.credentials,
              tls: s.tls,
              latencyMs: s.latencyMs,
              only: names.filter((_, j) => j % hosts.length === i),
            },
            'ready',
          ),
        ),
      );
      const running = ready.reduce((n, r) => n + r.servers, 0);
      expectThat(running === s.servers, `the simulation runs ${running} servers`);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Resolves when every host sees all its servers' links online: the latest host's time. */
  online(pollMs: number): Promise<number> {
    const replies = this.hosts.map((h) => h.next('online'));
    for (const h of this.hosts) h.send({ type: 'watch', pollMs });
    return Promise.all(replies).then((r) => Math.max(...r.map((x) => x.atEpochMs)));
  }

  /** Counters summed over the hosts. */
  async stats(): Promise<SimHostStats> {
    const all = await Promise.all(this.hosts.map((h) => h.ask({ type: 'stats' }, 'stats')));
    return {
      requests: all.reduce((n, x) => n + x.requests, 0),
      writes: all.reduce((n, x) => n + x.writes, 0),
      cpuMs: all.reduce((n, x) => n + x.cpuMs, 0),
      dials: all.reduce((n, x) => n + x.dials, 0),
      maxRequestsPerServer: Math.max(...all.map((x) => x.maxRequestsPerServer)),
    };
  }

  /** Stops every host; CPU time and peak memory summed over them (NaN if one did not say). */
  async stop(): Promise<{ cpuMs: number; maxRssBytes: number }> {
    const all = await Promise.all(this.hosts.map((h) => h.stop()));
    const sum = (f: (x: NonNullable<(typeof all)[number]>) => number) =>
      all.reduce((n, x) => n + (x ? f(x) : Number.NaN), 0);
    return { cpuMs: sum((x) => x.cpuMs), maxRssBytes: sum((x) => x.maxRssBytes) };
  }
}

/** One apply against a fresh simulation. */
export interface SimApplySample {
  readonly concurrency: number;
  readonly via: 'library' | 'cli';
  /** Library: the reconcile (load, validate, read, plan, apply, verify); CLI: spawn to exit of apply --wait. */
  readonly applyMs: number;
  /** First to last backend call of the reconcile (library only). */
  readonly backendSpanMs?: number;
  readonly stages?: ReconcileReport['stages'];
  /** HTTP calls of the apply (the sim's count, the wait's polls excluded). */
  readonly calls: number;
  /** HTTP calls of the wait that followed (status polls). */
  readonly waitCalls: number;
  readonly writes: number;
  /** Calls of the longest chain one server needs (read, its writes, verify read). */
  readonly chain: number;
  readonly lowerBoundMs: number;
  /** From the start of the apply until the emulated servers see every link online. */
  readonly linksOnlineMs: number;
  /** Library: apply + waitForLinks (500 ms polls, as apply --wait); CLI: apply --wait process. */
  readonly waitDoneMs: number;
  /** Library: the client's backend calls in flight at once (most; mean over the calls span). */
  readonly inFlightMax: number;
  readonly inFlightMean: number;
  /**
   * Library: CPU of the client process and the emulators from just before the apply until its
   * wait ended, as a share of every core over that time (1 = the machine was full).
   */
  readonly cpuShare: number;
  /** Link connection attempts the emulated servers made (TLS handshakes), until all were online. */
  readonly linkDials: number;
  readonly cpuMs: number;
  readonly maxRssBytes: number;
  readonly simCpuMs: number;
}

/** Medians of the samples of one concurrency and kind, with the ratios to the lower bound. */
export interface SimApplySummary extends SimApplySample {
  readonly runs: number;
  readonly ratio: number;
  readonly spanRatio?: number;
  readonly samples: readonly SimApplySample[];
}

/** A generated network and what its emulators and clients need (the serve suite uses it too). */
export interface Setup {
  readonly file: string;
  readonly ca: string;
  readonly tls: SimTlsIdentity;
  readonly credentials: { user: string; password: string };
  readonly env: NodeJS.ProcessEnv;
  readonly servers: number;
  readonly latencyMs: number;
  readonly netOpts: NetworkOptions;
  /** Emulator processes the servers are split over. */
  readonly processes: number;
}

/**
 * The emulated network of the suite (cached as `sim-n<servers>`), a TLS identity for its
 * management APIs with the CA in `dir/ca.pem`, fresh administrator credentials and the
 * environment a client needs: what the sim-apply and serve suites start emulators from.
 */
export async function prepareSimSetup(
  ctx: SuiteContext,
  dir: string,
  opts: { servers: number; latencyMs: number; processes: number },
): Promise<Setup> {
  const netOpts: NetworkOptions = {
    servers: opts.servers,
    api: true,
    keys: true,
    basePort: SIM_APPLY_DEFAULTS.basePort,
  };
  const net = await benchNetwork(ctx.tmpDir, `sim-n${opts.servers}`, netOpts, ctx.log);
  await mkdir(dir, { recursive: true });
  ctx.log('creating the management APIs\u2019 TLS identity');
  const tls = createSimTlsIdentity();
  const ca = path.join(dir, 'ca.pem');
  await writeFile(ca, tls.caPem);
  const credentials = { user: 'bench', password: randomBytes(12).toString('base64url') };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...networkEnv(netOpts),
    [CREDENTIAL_ENV.user]: credentials.user,
    [CREDENTIAL_ENV.password]: credentials.password,
    NO_COLOR: '1',
  };
  delete env.AVNET_LOG_LEVEL;
  return { file: net.topologyFile, ca, tls, credentials, env, netOpts, ...opts };
}

function lowerBound(calls: number, chain: number, latencyMs: number, concurrency: number): number {
  return Math.max((calls * latencyMs) / concurrency, chain * latencyMs);
}

async function libraryRun(
  ctx: SuiteContext,
  s: Setup,
  concurrency: number,
): Promise<{ sample: SimApplySample; run: ChildRun }> {
  const sim = await SimCluster.start(ctx, s);
  let stats: SimHostStats;
  let onlineAt: number;
  let run: ChildRun & { result: ReconcileReport };
  let stopped: Awaited<ReturnType<SimCluster['stop']>>;
  let cpuShare: number;
  try {
    const before = await sim.stats();
    const windowStart = performance.now();
    const onlineReply = sim.online(25);
    run = await runReconcile(
      ctx,
      {
        file: s.file,
        mode: 'apply',
        backend: 'http',
        ca: s.ca,
        concurrency,
        waitLinks: { timeoutMs: 60_000 },
      },
      s.env,
    );
    onlineAt = await onlineReply;
    stats = await sim.stats();
    const windowMs = performance.now() - windowStart;
    cpuShare =
      (run.report.cpuMs + stats.cpuMs - before.cpuMs) / (availableParallelism() * windowMs);
  } finally {
    stopped = await sim.stop();
  }
  const r = run.result;
  expectThat(
    r.outcome === 'applied' && r.verifyChanges === 0 && r.failedServers === 0,
    `c=${concurrency}: the apply must succeed and converge`,
    r,
  );
  expectThat(r.wait?.outcome === 'online', `c=${concurrency}: every link must come online`, r.wait);
  const attempts = r.httpAttempts!;
  // No faults are injected: every request the client sent is one the servers received.
  expectThat(
    stats.requests === attempts.total && stats.writes === r.writes,
    `c=${concurrency}: the sim's counters must match the client's`,
    { stats, attempts, writes: r.writes },
  );
  const calls = attempts.reconcile;
  const chain = r.maxWritesPerServer + 2;
  return {
    run,
    sample: {
      concurrency,
      via: 'library',
      applyMs: r.totalMs,
      backendSpanMs: r.backendSpanMs,
      stages: r.stages,
      calls,
      waitCalls: attempts.total - attempts.reconcile,
      writes: r.writes,
      chain,
      lowerBoundMs: lowerBound(calls, chain, s.latencyMs, concurrency),
      linksOnlineMs: onlineAt - r.startEpochMs,
      waitDoneMs: r.wait!.elapsedMs,
      inFlightMax: r.callsInFlight.max,
      inFlightMean: r.callsInFlight.mean,
      cpuShare,
      linkDials: stats.dials,
      cpuMs: run.report.workCpuMs ?? run.report.cpuMs,
      maxRssBytes: run.report.maxRssBytes,
      simCpuMs: stopped.cpuMs,
    },
  };
}

/** `avnet apply --wait` as a user runs it, spawn to exit. */
async function cliRun(ctx: SuiteContext, s: Setup, concurrency: number): Promise<SimApplySample> {
  const sim = await SimCluster.start(ctx, s);
  let stats: SimHostStats;
  let onlineAt: number;
  let run: ChildRun;
  let spawnedAt: number;
  let stopped: Awaited<ReturnType<SimCluster['stop']>>;
  try {
    const onlineReply = sim.online(25);
    spawnedAt = performance.timeOrigin + performance.now();
    run = await runCli(
      ctx,
      [
        'apply',
        s.file,
        '--backend',
        'http',
        '--ca',
        s.ca,
        '--yes',
        '--wait',
        '2m',
        '--format',
        'json',
        '--concurrency',
        String(concurrency),
      ],
      s.env,
    );
    onlineAt = await onlineReply;
    stats = await sim.stats();
  } finally {
    stopped = await sim.stop();
  }
  const body = cliJson<{ outcome: string; writes: number; converged: boolean }>(run, 'apply');
  expectThat(
    body.outcome === 'applied' && body.converged,
    `CLI c=${concurrency}: apply must succeed`,
  );
  // The CLI's wait polls are part of the sim's count; the apply's own calls are known from the
  // library runs (same plan), so only the total is reported here.
  return {
    concurrency,
    via: 'cli',
    applyMs: run.wallMs,
    calls: stats.requests,
    waitCalls: 0,
    writes: body.writes,
    chain: Number.NaN,
    lowerBoundMs: Number.NaN,
    linksOnlineMs: onlineAt - spawnedAt,
    waitDoneMs: run.wallMs,
    inFlightMax: Number.NaN,
    inFlightMean: Number.NaN,
    cpuShare: Number.NaN,
    linkDials: stats.dials,
    cpuMs: run.report.cpuMs,
    maxRssBytes: run.report.maxRssBytes,
    simCpuMs: stopped.cpuMs,
  };
}

function summarize(samples: readonly SimApplySample[], latencyMs: number): SimApplySummary {
  const pick = (f: (s: SimApplySample) => number) => median(samples.map(f));
  const first = samples[0]!;
  const calls = pick((s) => s.calls);
  const chain = pick((s) => s.chain);
  const applyMs = pick((s) => s.applyMs);
  const lowerBoundMs = lowerBound(calls, chain, latencyMs, first.concurrency);
  const span = first.backendSpanMs !== undefined ? pick((s) => s.backendSpanMs!) : undefined;
  const stages = first.stages ? medianStages(samples.map((s) => s.stages!)) : undefined;
  return {
    concurrency: first.concurrency,
    via: first.via,
    runs: samples.length,
    applyMs,
    ...(span !== undefined ? { backendSpanMs: span, spanRatio: span / lowerBoundMs } : {}),
    ...(stages ? { stages } : {}),
    calls,
    waitCalls: pick((s) => s.waitCalls),
    writes: pick((s) => s.writes),
    chain,
    lowerBoundMs,
    ratio: applyMs / lowerBoundMs,
    linksOnlineMs: pick((s) => s.linksOnlineMs),
    waitDoneMs: pick((s) => s.waitDoneMs),
    inFlightMax: Math.max(...samples.map((s) => s.inFlightMax)),
    inFlightMean: pick((s) => s.inFlightMean),
    cpuShare: pick((s) => s.cpuShare),
    linkDials: pick((s) => s.linkDials),
    cpuMs: pick((s) => s.cpuMs),
    maxRssBytes: pick((s) => s.maxRssBytes),
    simCpuMs: pick((s) => s.simCpuMs),
    samples,
  };
}

function report(
  lib: readonly SimApplySummary[],
  cli: readonly SimApplySummary[],
  s: Setup,
  load: LoadWatch,
): string {
  const rows = lib.map((m) => [
    String(m.concurrency),
    String(m.runs),
    formatCount(m.calls),
    String(m.chain),
    formatMs(m.lowerBoundMs),
    formatMs(m.applyMs),
    formatRatio(m.ratio),
    formatMs(m.backendSpanMs ?? Number.NaN),
    formatRatio(m.spanRatio ?? Number.NaN),
    formatMs(m.linksOnlineMs),
    formatMs(m.waitDoneMs),
    `${m.inFlightMean.toFixed(1)} / ${m.inFlightMax}`,
    `${Math.round(m.cpuShare * 100)}%`,
    formatCount(m.linkDials),
    formatMs(m.cpuMs),
    formatMb(m.maxRssBytes),
  ]);
  const lines = [
    table(
      [
        'concurrency',
        'runs',
        'calls',
        'chain',
        'lower bound',
        'apply',
        'apply/bound',
        'calls span',
        'span/bound',
        'links online',
        'apply+wait',
        'in flight (mean / max)',
        'machine CPU',
        'link dials',
        'CPU',
        'peak RSS',
      ],
      rows,
    ),
    '',
    `${formatCount(s.servers)} emulated servers from empty (in ${s.processes} emulator process${s.processes === 1 ? '' : 'es'}), ${s.latencyMs} ms added to every management call; library`,
    'reconcileOnce with the http backend, medians. calls: HTTP calls of the apply (read, writes,',
    'verify read), counted by the emulator. chain: calls one server needs one after the other.',
    'lower bound = max(calls × latency / concurrency, chain × latency). apply: the whole reconcile',
    '(load, validate, read, plan, apply, verify); calls span: first call sent to last answer.',
    'links online: apply start until the emulated servers see every link online (25 ms polls of',
    'their own state); apply+wait: until waitForLinks (500 ms polls over HTTP, as apply --wait) saw it.',
    'in flight: backend calls the client had open at once over the calls span (mean, most).',
    'machine CPU: CPU time of the client process and the emulators over apply+wait, as a share of',
    'all cores over that time (the quiet wait included, so a lower bound on the busy share).',
    'link dials: connection attempts (TLS handshakes) of the emulated servers for their links',
    'until the apply and its wait ended (one per link at best; refused early attempts retry).',
    '',
    'Stages (medians): check = load + validate + render.',
    table(
      ['concurrency', 'check', 'read state', 'plan', 'apply', 'verify'],
      lib.map((m) => [
        String(m.concurrency),
        ...[
          m.stages!.checkMs,
          m.stages!.readMs,
          m.stages!.planMs,
          m.stages!.applyMs,
          m.stages!.verifyMs,
        ].map(formatMs),
      ]),
    ),
  ];
  if (cli.length > 0) {
    lines.push(
      '',
      'CLI, `avnet apply --backend http --yes --wait` (spawn to exit, Node start-up included):',
      table(
        [
          'concurrency',
          'runs',
          'apply --wait',
          'links online (from spawn)',
          'HTTP calls incl. wait',
          'CPU',
          'peak RSS',
        ],
        cli.map((m) => [
          String(m.concurrency),
          String(m.runs),
          formatMs(m.applyMs),
          formatMs(m.linksOnlineMs),
          formatCount(m.calls),
          formatMs(m.cpuMs),
          formatMb(m.maxRssBytes),
        ]),
      ),
    );
  }
  const others = lib.filter((m) => m.concurrency !== DEFAULT_CONCURRENCY);
  if (others.length > 0 && others.length < lib.length) {
    lines.push(
      '',
      `The goal is judged at the default concurrency (${DEFAULT_CONCURRENCY}). Shown, not judged: ${others.map((m) => `concurrency ${m.concurrency} ${formatRatio(m.ratio)}`).join(', ')}; the client keeps that many calls`,
      'in flight, but each waits longer for the emulators, whose event loops share the cores with',
      'the client (machine CPU column).',
    );
  }
  lines.push(...load.note());
  return lines.join('\n');
}

/** `npm run bench -- sim-apply`. */
export const simApplySuite: BenchSuite = {
  name: 'sim-apply',
  description:
    'avnet apply over HTTP into emulated servers with injected latency vs its lower bound',
  options: {
    servers: `emulated servers (default ${SIM_APPLY_DEFAULTS.servers})`,
    latency: `ms added to every management call (default ${SIM_APPLY_DEFAULTS.latencyMs})`,
    concurrency: `--concurrency values, comma-separated (default ${SIM_APPLY_DEFAULTS.concurrency.join(',')})`,
    runs: `runs per concurrency (default ${SIM_APPLY_DEFAULTS.runs})`,
    'sim-processes': `emulator processes the servers are split over (default ${SIM_APPLY_DEFAULTS.simProcesses})`,
    'cli-runs': 'runs of the CLI (apply --wait) at the first concurrency (default: runs; 0 skips)',
  },
  async run(ctx) {
    const servers = intOption(ctx.options, 'servers') ?? SIM_APPLY_DEFAULTS.servers;
    const latencyMs = intOption(ctx.options, 'latency') ?? SIM_APPLY_DEFAULTS.latencyMs;
    const levels = intListOption(ctx.options, 'concurrency', SIM_APPLY_DEFAULTS.concurrency);
    const runs = intOption(ctx.options, 'runs') ?? SIM_APPLY_DEFAULTS.runs;
    const processes = intOption(ctx.options, 'sim-processes') ?? SIM_APPLY_DEFAULTS.simProcesses;
    const cliRuns =
      ctx.options['cli-runs'] === '0' ? 0 : (intOption(ctx.options, 'cli-runs') ?? runs);
    const setup = await prepareSimSetup(ctx, path.join(ctx.tmpDir, 'sim-apply'), {
      servers,
      latencyMs,
      processes,
    });
    const load = new LoadWatch();
    const lib: SimApplySummary[] = [];
    for (const c of levels) {
      const samples: SimApplySample[] = [];
      for (let i = 0; i < runs; i++) {
        ctx.log(`concurrency ${c}: run ${i + 1}/${runs}`);
        load.sample();
        samples.push((await libraryRun(ctx, setup, c)).sample);
      }
      lib.push(summarize(samples, latencyMs));
    }
    const cli: SimApplySummary[] = [];
    if (cliRuns > 0) {
      const samples: SimApplySample[] = [];
      for (let i = 0; i < cliRuns; i++) {
        ctx.log(`CLI apply --wait, concurrency ${levels[0]}: run ${i + 1}/${cliRuns}`);
        load.sample();
        samples.push(await cliRun(ctx, setup, levels[0]!));
      }
      cli.push(summarize(samples, latencyMs));
    }
    // The goal is judged at avnet's default concurrency (the first level run when that one is
    // not among them); higher levels show where the two shared cores take over from the latency.
    const judged = lib.find((m) => m.concurrency === DEFAULT_CONCURRENCY) ?? lib[0];
    const goals: GoalResult[] = judged
      ? [
          {
            goal: `concurrency ${judged.concurrency}${judged.concurrency === DEFAULT_CONCURRENCY ? ' (the default)' : ''}: apply ≤ ${SIM_APPLY_GOAL_RATIO}× lower bound`,
            measured: `${formatMs(judged.applyMs)} vs ${formatMs(judged.lowerBoundMs)} (${formatCount(judged.calls)} calls × ${latencyMs} ms / ${judged.concurrency}) = ${formatRatio(judged.ratio)}; calls span ${formatRatio(judged.spanRatio ?? Number.NaN)}; links online after ${formatMs(judged.linksOnlineMs)}`,
            pass: judged.ratio <= SIM_APPLY_GOAL_RATIO,
          },
        ]
      : [];
    return {
      report: report(lib, cli, setup, load),
      results: {
        servers,
        latencyMs,
        loadAverage: load.peak,
        busy: load.busy,
        goalRatio: SIM_APPLY_GOAL_RATIO,
        library: lib,
        cli,
      },
      goals,
    };
  },
};
