/**
 * The serve suite: `avnet serve` (the real CLI, `node bin/avnet.js serve`, in a child process) on
 * generated networks.
 *
 * - push: a signed GitHub push webhook after a one-link commit, until the two changed servers'
 *   state files hold the change, against the floor of the same change by hand: `git fetch` (+ the
 *   fast-forward) into a clone and a one-off `avnet apply`, measured on the same commits in the
 *   same run, interleaved.
 * - cycles: serve with `--apply --interval 100ms` against emulated servers over the http backend
 *   (the sim-apply suite's emulator processes); its resident memory, open descriptors and sockets
 *   (from /proc) after 50 and after 500 cycles.
 * - idle: serve on a 2,000-server network (dir backend) after its first cycle: CPU time over idle
 *   windows (from /proc), then the latency of `GET /metrics`.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  describeNetwork,
  networkEnv,
  toYaml,
  type GeneratedTri,
  type NetworkOptions,
} from '../generate-network.js';
import { benchNetwork } from '../lib/networks.js';
import {
  formatBytes,
  formatCount,
  formatMb,
  formatMs,
  formatRatio,
  median,
  table,
} from '../lib/format.js';
import {
  clockTicksPerSecond,
  cpuTicks,
  httpCall,
  procSample,
  ServeProcess,
  type ProcSample,
} from '../lib/serve-process.js';
import { LoadWatch } from '../lib/summary.js';
import { intOption, type BenchSuite, type GoalResult, type SuiteContext } from '../lib/suite.js';
import { encodeServerFileName } from '../../src/backends/dir/state-file.js';
import { cliJson, expectThat, runCli } from './reconcile-common.js';
import { prepareSimSetup, SIM_APPLY_DEFAULTS, SimCluster } from './sim-apply.js';
import { percentile } from './watch.js';

const execFileAsync = promisify(execFile);

/** Defaults of the issue. */
export const SERVE_DEFAULTS = {
  /** push: network size and pushes measured. */
  pushServers: 200,
  pushRuns: 7,
  /** cycles: emulated servers, interval cycles, the early checkpoint, the window per checkpoint. */
  cycleServers: 200,
  cycles: 500,
  earlyCycle: 50,
  windowCycles: 10,
  /** cycles: ms added to every management call by the emulators (0: as fast as they go). */
  latencyMs: 0,
  /** cycles: serve's --link-interval (0: link states are read after every cycle only). */
  linkInterval: '0',
  /** idle: network size, idle windows of this many seconds, GET /metrics requests. */
  idleServers: 2000,
  idleSeconds: 20,
  idleWindows: 3,
  metricsRequests: 50,
} as const;

/** Goals of the issue. */
export const SERVE_GOALS = {
  /** push → state written within this much of git fetch + a one-off apply. */
  pushRatio: 1.2,
  /** RSS after the last checkpoint within this much of RSS after the early one. */
  rssRatio: 1.1,
  /** Idle CPU below this share of one core. */
  idleCpuShare: 0.01,
  /** GET /metrics median and p95 below this. */
  metricsMs: 100,
} as const;

/** The parts of the suite, selectable with --parts. */
const PARTS = ['push', 'cycles', 'idle'] as const;
type Part = (typeof PARTS)[number];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An environment for the bench's git and serve's: our own HOME (no global config), fixed author. */
function gitEnvironment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AVNET_') && !k.startsWith('GIT_')) env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.test',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.test',
    NO_COLOR: '1',
  };
}

/** Runs git; resolves with its stdout and the wall time. */
async function git(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; ms: number }> {
  const started = performance.now();
  try {
    const { stdout } = await execFileAsync('git', [...args], { cwd, env });
    return { stdout, ms: performance.now() - started };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`git ${args.join(' ')} failed: ${e.stderr ?? e.message}`, { cause: err });
  }
}

/** True when both ends of a link hold `compression: value` in their entry for the other. */
async function linkHolds(
  stateDir: string,
  ends: readonly [string, string],
  value: GeneratedTri,
): Promise<boolean> {
  for (const [self, other] of [ends, [ends[1], ends[0]] as const]) {
    let text: string;
    try {
      text = await readFile(path.join(stateDir, encodeServerFileName(self)), 'utf8');
    } catch {
      return false;
    }
    const state = JSON.parse(text) as { neighbors: { name: string; compression?: string }[] };
    if (state.neighbors.find((n) => n.name === other)?.compression !== value) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// push → state written

/** One push measured both ways. */
export interface PushSample {
  readonly run: number;
  readonly revision: string;
  /** Which was measured first in this run (they alternate). */
  readonly first: 'serve' | 'floor';
  /** Webhook sent → both state files hold the change. */
  readonly serveStateMs: number;
  /** Webhook sent → serve's cycle line (the cycle finished: apply, verify, history). */
  readonly serveCycleMs: number;
  /** The cycle's own duration as serve logs it (fetch, snapshot, reconcile). */
  readonly cycleDurationMs: number;
  /** Floor: `git fetch` + `git merge --ff-only` in a clone. */
  readonly fetchMs: number;
  /** Floor: `avnet apply --yes` of the clone, spawn to exit. */
  readonly applyMs: number;
  readonly floorMs: number;
}

async function pushPart(ctx: SuiteContext, servers: number, runs: number, load: LoadWatch) {
  const netOpts: NetworkOptions = { servers };
  const net = await benchNetwork(ctx.tmpDir, `n${servers}`, netOpts, ctx.log);
  const model = describeNetwork(netOpts);
  // A link between two sites, as in the plan suite: its compression goes possible ↔ yes.
  const link = [...model.links]
    .reverse()
    .find((l) => l.kind === 'parent-child' && l.ends.every((e) => e.startsWith('SITE-')));
  if (!link) throw new Error(`no site-to-site link in a ${servers}-server network`);
  const version = (value: GeneratedTri) =>
    toYaml(
      describeNetwork({ ...netOpts, modify: { kind: 'link-compression', link: link.index, value } })
        .document,
    );

  const dir = path.join(ctx.tmpDir, 'serve', 'push');
  await rm(dir, { recursive: true, force: true });
  const home = path.join(dir, 'home');
  await mkdir(home, { recursive: true });
  const gitEnv = gitEnvironment(home);
  const origin = path.join(dir, 'origin.git');
  const url = `file://${origin}`;
  const work = path.join(dir, 'work');
  const floor = path.join(dir, 'floor');
  await git(['init', '--quiet', '--bare', '--initial-branch=main', origin], dir, gitEnv);
  await mkdir(work);
  await cp(path.join(net.dir, 'certs'), path.join(work, 'certs'), { recursive: true });
  await writeFile(path.join(work, 'topology.yaml'), version('possible'));
  await git(['init', '--quiet', '--initial-branch=main'], work, gitEnv);
  await git(['add', '.'], work, gitEnv);
  await git(['commit', '--quiet', '-m', `${servers} servers`], work, gitEnv);
  await git(['remote', 'add', 'origin', url], work, gitEnv);
  await git(['push', '--quiet', 'origin', 'main'], work, gitEnv);
  await git(['clone', '--quiet', '--branch', 'main', url, floor], dir, gitEnv);

  const secret = randomBytes(18).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...gitEnv,
    ...networkEnv(netOpts),
    AVNET_BENCH_WEBHOOK_SECRET: secret,
  };
  const cli = path.join(ctx.rootDir, 'bin', 'avnet.js');
  const serveState = path.join(dir, 'serve-state');
  const floorState = path.join(dir, 'floor-state');
  const floorFile = path.join(floor, 'topology.yaml');

  ctx.log(`push: applying the ${servers}-server network once for the floor`);
  await runCli(ctx, ['apply', floorFile, '--yes', '--state', floorState, '--format', 'json'], env);
  ctx.log('push: starting serve (its first cycle applies the network)');
  const serve = await ServeProcess.start(
    cli,
    [
      '--git',
      url,
      '--ref',
      'main',
      '--path',
      'topology.yaml',
      '--git-interval',
      '0',
      '--interval',
      '0',
      '--apply',
      '--state',
      serveState,
      '--data',
      path.join(dir, 'serve-data'),
      '--webhook-secret',
      'env:AVNET_BENCH_WEBHOOK_SECRET',
    ],
    { cwd: dir, env },
  );
  const samples: PushSample[] = [];
  try {
    const start = await serve.cycle(() => true, { what: 'the start cycle' });
    expectThat(start.line.outcome === 'applied', 'serve must apply the network on start', start);

    for (let run = 0; run < runs; run++) {
      load.sample();
      const value: GeneratedTri = run % 2 === 0 ? 'yes' : 'possible';
      await writeFile(path.join(work, 'topology.yaml'), version(value));
      await git(['commit', '--quiet', '-am', `compression ${value}`], work, gitEnv);
      await git(['push', '--quiet', 'origin', 'main'], work, gitEnv);
      const revision = (await git(['rev-parse', 'HEAD'], work, gitEnv)).stdout.trim();

      const viaServe = async () => {
        const from = serve.cycles.length;
        const body = JSON.stringify({ ref: 'refs/heads/main', after: revision });
        const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
        const sent = performance.now();
        const answer = await httpCall(`${serve.url}/hooks/github`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'push',
            'x-hub-signature-256': signature,
          },
          body,
        });
        expectThat(answer.status === 202, 'the signed push webhook must be accepted', answer);
        while (!(await linkHolds(serveState, link.ends, value))) await sleep(5);
        const written = performance.now();
        const cycle = await serve.cycle((c) => c.trigger === 'webhook' && c.revision === revision, {
          from,
          what: `the webhook cycle of ${revision.slice(0, 7)}`,
        });
        expectThat(
          cycle.line.outcome === 'applied' && cycle.line.writes === 2,
          'the push must be applied with 2 writes',
          cycle.line,
        );
        return {
          serveStateMs: written - sent,
          serveCycleMs: cycle.at - sent,
          cycleDurationMs: cycle.line.durationMs,
        };
      };
      const byHand = async () => {
        const fetched = await git(['fetch', '--quiet', 'origin', 'main'], floor, gitEnv);
        const merged = await git(['merge', '--ff-only', '--quiet', 'FETCH_HEAD'], floor, gitEnv);
        const applied = await runCli(
          ctx,
          ['apply', floorFile, '--yes', '--state', floorState, '--format', 'json'],
          env,
        );
        const body = cliJson<{ outcome: string; writes: number }>(applied, 'apply');
        expectThat(
          body.outcome === 'applied' && body.writes === 2,
          'the one-off apply must write 2 entries',
          body,
        );
        expectThat(
          await linkHolds(floorState, link.ends, value),
          'the one-off apply must write the change',
        );
        const fetchMs = fetched.ms + merged.ms;
        return { fetchMs, applyMs: applied.wallMs, floorMs: fetchMs + applied.wallMs };
      };
      // Alternate which goes first, so neither always runs on a machine the other just warmed.
      const first = run % 2 === 0 ? 'serve' : 'floor';
      ctx.log(`push: run ${run + 1}/${runs} (${revision.slice(0, 7)}, ${first} first)`);
      let s: Awaited<ReturnType<typeof viaServe>>;
      let f: Awaited<ReturnType<typeof byHand>>;
      if (first === 'serve') {
        s = await viaServe();
        await sleep(300);
        f = await byHand();
      } else {
        f = await byHand();
        await sleep(300);
        s = await viaServe();
      }
      samples.push({ run: run + 1, revision, first, ...s, ...f });
      await sleep(300);
    }
  } finally {
    const code = await serve.stop();
    if (code !== 0) ctx.log(`push: serve exited with ${code}\n${serve.stderr.slice(-3000)}`);
  }
  const pick = (f: (s: PushSample) => number) => median(samples.map(f));
  const stats = {
    serveStateMs: pick((s) => s.serveStateMs),
    serveCycleMs: pick((s) => s.serveCycleMs),
    cycleDurationMs: pick((s) => s.cycleDurationMs),
    fetchMs: pick((s) => s.fetchMs),
    applyMs: pick((s) => s.applyMs),
    floorMs: pick((s) => s.floorMs),
  };
  return {
    servers,
    runs,
    link: { index: link.index, ends: link.ends },
    ...stats,
    ratio: stats.serveStateMs / stats.floorMs,
    cycleRatio: stats.serveCycleMs / stats.floorMs,
    samples,
  };
}

type PushResult = Awaited<ReturnType<typeof pushPart>>;

function pushReport(r: PushResult): string[] {
  const row = (label: string, f: (s: PushSample) => number, med: number) => [
    label,
    formatMs(med),
    formatMs(Math.min(...r.samples.map(f))),
    formatMs(Math.max(...r.samples.map(f))),
  ];
  return [
    `push → state written, ${formatCount(r.servers)} servers (dir backend), ${r.runs} pushes of link ${r.link.index} (${r.link.ends.join(' -> ')}, compression possible ↔ yes):`,
    table(
      ['measurement', 'median', 'min', 'max'],
      [
        row('serve: webhook → state files hold the change', (s) => s.serveStateMs, r.serveStateMs),
        row('serve: webhook → cycle finished (log line)', (s) => s.serveCycleMs, r.serveCycleMs),
        row('  the cycle as serve times it', (s) => s.cycleDurationMs, r.cycleDurationMs),
        row('floor: git fetch + merge --ff-only', (s) => s.fetchMs, r.fetchMs),
        row('floor: avnet apply --yes (spawn → exit)', (s) => s.applyMs, r.applyMs),
        row('floor: total', (s) => s.floorMs, r.floorMs),
      ],
    ),
    `serve / floor: ${formatRatio(r.ratio)} (state written), ${formatRatio(r.cycleRatio)} (cycle finished).`,
    'serve: --git file://… --git-interval 0 --interval 0 --apply --webhook-secret; the webhook is a',
    'GitHub push signed with X-Hub-Signature-256; state files polled every 5 ms. The floor runs in a',
    'clone of the same repository; serve and the floor alternate which goes first.',
  ];
}

// ---------------------------------------------------------------------------------------------
// memory, descriptors and sockets over interval cycles

/** The medians of the /proc samples taken while one window of cycles ran. */
export interface Checkpoint {
  /** The window ends when this many cycles have finished. */
  readonly cycle: number;
  readonly elapsedMs: number;
  readonly samples: number;
  readonly rssBytes: number;
  readonly hwmBytes: number;
  readonly fds: number;
  readonly fdsMax: number;
  readonly sockets: number;
  readonly socketsMax: number;
  /** Heap used after a full garbage collection at the checkpoint (the window's end). */
  readonly heapAfterGcBytes: number;
}

async function cyclesPart(
  ctx: SuiteContext,
  opts: {
    servers: number;
    cycles: number;
    early: number;
    window: number;
    latencyMs: number;
    linkInterval: string;
    processes: number;
  },
  load: LoadWatch,
) {
  const { servers, cycles, early, window } = opts;
  const dir = path.join(ctx.tmpDir, 'serve', 'cycles');
  await rm(dir, { recursive: true, force: true });
  const setup = await prepareSimSetup(ctx, dir, {
    servers,
    latencyMs: opts.latencyMs,
    processes: opts.processes,
  });
  const { ca, env } = setup;
  const net = { topologyFile: setup.file };
  ctx.log(`cycles: starting ${servers} emulated servers in ${opts.processes} processes`);
  const sim = await SimCluster.start(ctx, setup);
  const checkpoints = new Set<number>();
  const step = Math.max(early, Math.round(cycles / 10));
  for (let c = step; c < cycles; c += step) checkpoints.add(c);
  checkpoints.add(early);
  checkpoints.add(cycles);
  const samples: (ProcSample & { cycles: number })[] = [];
  const heap = new Map<number, number>();
  let serve: ServeProcess | undefined;
  let started = 0;
  try {
    serve = await ServeProcess.start(
      path.join(ctx.rootDir, 'bin', 'avnet.js'),
      [
        net.topologyFile,
        '--backend',
        'http',
        '--ca',
        ca,
        '--apply',
        '--interval',
        '100ms',
        '--link-interval',
        opts.linkInterval,
        '--data',
        path.join(dir, 'serve-data'),
      ],
      { cwd: dir, env, heapPreload: path.join(ctx.distDir, 'bench', 'lib', 'heap-preload.js') },
    );
    const s = serve;
    started = performance.now();
    const first = await s.cycle(() => true, { what: 'the start cycle' });
    expectThat(first.line.outcome === 'applied', 'serve must apply the network on start', first);
    ctx.log(
      `cycles: start cycle applied in ${formatMs(first.line.durationMs)}; counting to ${cycles}`,
    );
    // /proc every 250 ms, tagged with the cycles finished so far; at each checkpoint, after its
    // window, a full garbage collection and the heap left (the heap preload, SIGUSR2).
    let next = [...checkpoints].sort((a, b) => a - b);
    let lastLog = performance.now();
    while (s.cycles.length < cycles) {
      await sleep(250);
      const done = s.cycles.length;
      const sample = await procSample(s.pid).catch(() => undefined);
      if (!sample || s.exitStatus !== undefined) {
        await s.stop();
        throw new Error(
          `serve exited (${s.exitStatus}) after ${done} cycles\n${s.stderr.slice(-3000)}`,
        );
      }
      samples.push({ ...sample, cycles: done });
      if (next.length > 0 && done >= next[0]!) {
        const after = await s.heapAfterGc();
        for (const c of next.filter((c) => c <= done)) heap.set(c, after.heapUsed);
        next = next.filter((c) => c > done);
      }
      if (performance.now() - lastLog > 60_000) {
        lastLog = performance.now();
        load.sample();
        ctx.log(`cycles: ${done}/${cycles} after ${formatMs(performance.now() - started)}`);
      }
    }
  } finally {
    const code = await serve?.stop();
    if (code !== 0 && serve)
      ctx.log(`cycles: serve exited with ${code}\n${serve.stderr.slice(-3000)}`);
    await sim.stop();
  }
  const seen = serve!.cycles.slice(0, cycles);
  const outcomes: Record<string, number> = {};
  for (const c of seen)
    outcomes[`${c.line.trigger}/${c.line.outcome}`] =
      (outcomes[`${c.line.trigger}/${c.line.outcome}`] ?? 0) + 1;
  const bad = seen.filter((c) => c.line.outcome === 'failed' || c.line.failed > 0);
  expectThat(bad.length === 0, 'every cycle must succeed', bad.slice(0, 5));
  const checkpointOf = (cycle: number): Checkpoint => {
    const inWindow = samples.filter((x) => x.cycles > cycle - window && x.cycles <= cycle);
    const pick = (f: (x: ProcSample) => number) => median(inWindow.map(f));
    const end = serve!.cycles[cycle - 1]?.at ?? Number.NaN;
    return {
      cycle,
      elapsedMs: end - started,
      samples: inWindow.length,
      rssBytes: pick((x) => x.rssBytes),
      hwmBytes: Math.max(...inWindow.map((x) => x.hwmBytes)),
      fds: pick((x) => x.fds),
      fdsMax: Math.max(...inWindow.map((x) => x.fds)),
      sockets: pick((x) => x.sockets),
      socketsMax: Math.max(...inWindow.map((x) => x.sockets)),
      heapAfterGcBytes: heap.get(cycle) ?? Number.NaN,
    };
  };
  const rows = [...checkpoints].sort((a, b) => a - b).map(checkpointOf);
  const interval = seen.slice(1).map((c) => c.line.durationMs);
  return {
    servers,
    cycles,
    latencyMs: opts.latencyMs,
    linkInterval: opts.linkInterval,
    processes: opts.processes,
    totalMs: (serve!.cycles[cycles - 1]?.at ?? Number.NaN) - started,
    cycleMs: median(interval),
    cycleP95Ms: percentile(interval, 95),
    outcomes,
    early: checkpointOf(early),
    late: checkpointOf(cycles),
    checkpoints: rows,
  };
}

type CyclesResult = Awaited<ReturnType<typeof cyclesPart>>;

function cyclesReport(r: CyclesResult): string[] {
  return [
    `memory and sockets over cycles: ${formatCount(r.servers)} emulated servers (${r.processes} emulator processes, ${r.latencyMs} ms added per call), http backend,`,
    `serve --apply --interval 100ms --link-interval ${r.linkInterval}; ${formatCount(r.cycles)} cycles in ${formatMs(r.totalMs)} (interval cycles: median ${formatMs(r.cycleMs)}, p95 ${formatMs(r.cycleP95Ms)}).`,
    table(
      [
        'after cycles',
        'elapsed',
        'samples',
        'RSS',
        'peak RSS',
        'heap after GC',
        'fds',
        'fds max',
        'sockets',
        'sockets max',
      ],
      r.checkpoints.map((c) => [
        formatCount(c.cycle),
        formatMs(c.elapsedMs),
        String(c.samples),
        formatMb(c.rssBytes),
        formatMb(c.hwmBytes),
        formatMb(c.heapAfterGcBytes),
        String(c.fds),
        String(c.fdsMax),
        String(c.sockets),
        String(c.socketsMax),
      ]),
    ),
    `Each row: medians of /proc/PID samples (every 250 ms) taken while the ${SERVE_DEFAULTS.windowCycles} cycles up to it ran (fds, sockets: median and most);`,
    'heap after GC: heap used after a full collection at that point (node --expose-gc; SIGUSR2). Cycles: ' +
      Object.entries(r.outcomes)
        .map(([k, n]) => `${formatCount(n)} ${k}`)
        .join(', ') +
      '.',
  ];
}

// ---------------------------------------------------------------------------------------------
// idle CPU and GET /metrics at 2,000 servers

/** One serve process on the big network: idle CPU windows and /metrics latencies. */
export interface IdleRun {
  /** serve's --link-interval (absent: the default, 10 s). */
  readonly linkInterval: string;
  readonly firstCycleMs: number;
  /** CPU share of one core in each idle window. */
  readonly windows: readonly number[];
  readonly cpuShare: number;
  readonly rssBytes: number;
  readonly fds: number;
  readonly sockets: number;
  /** Cycles that ran during the windows (must be none). */
  readonly cyclesDuring: number;
  readonly metrics: {
    readonly requests: number;
    readonly firstMs: number;
    readonly medianMs: number;
    readonly p95Ms: number;
    readonly maxMs: number;
    readonly bytes: number;
    readonly serverSeries: number;
  };
}

async function idlePart(
  ctx: SuiteContext,
  opts: { servers: number; seconds: number; windows: number; requests: number },
  load: LoadWatch,
) {
  const netOpts: NetworkOptions = { servers: opts.servers };
  const net = await benchNetwork(ctx.tmpDir, `n${opts.servers}`, netOpts, ctx.log);
  const base = path.join(ctx.tmpDir, 'serve', 'idle');
  await rm(base, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...networkEnv(netOpts), NO_COLOR: '1' };
  delete env.AVNET_LOG_LEVEL;
  const hz = clockTicksPerSecond();
  const runs: IdleRun[] = [];
  // Judged with `--link-interval off`: then nothing is scheduled between cycles, and what is
  // measured is what serve costs when it has nothing to do. The default reads every server's
  // links every 10 s (with the dir backend: every state file), a read of the whole network that
  // is work, not idle: it is measured too and shown next to it, with its cost per poll.
  for (const linkInterval of ['off', '10s (default)']) {
    const dir = path.join(base, linkInterval === 'off' ? 'links-off' : 'links-default');
    await mkdir(dir, { recursive: true });
    ctx.log(`idle: serve on ${formatCount(opts.servers)} servers, --link-interval ${linkInterval}`);
    const serve = await ServeProcess.start(
      path.join(ctx.rootDir, 'bin', 'avnet.js'),
      [
        net.topologyFile,
        '--apply',
        '--interval',
        '5m',
        '--state',
        path.join(dir, 'state'),
        '--data',
        path.join(dir, 'serve-data'),
        ...(linkInterval === 'off' ? ['--link-interval', 'off'] : []),
      ],
      { cwd: dir, env },
    );
    try {
      const first = await serve.cycle(() => true, { what: 'the start cycle', timeoutMs: 900_000 });
      expectThat(first.line.outcome === 'applied', 'serve must apply the network on start', first);
      // The links are read right after the cycle, the history saved and garbage collected:
      // give that time to finish before the first window.
      await sleep(5_000);
      const windows: number[] = [];
      for (let w = 0; w < opts.windows; w++) {
        load.sample();
        const t0 = performance.now();
        const c0 = await cpuTicks(serve.pid);
        await sleep(opts.seconds * 1000);
        const c1 = await cpuTicks(serve.pid);
        const seconds = (performance.now() - t0) / 1000;
        windows.push((c1 - c0) / hz / seconds);
        ctx.log(
          `idle: window ${w + 1}/${opts.windows}: ${(windows.at(-1)! * 100).toFixed(2)}% of one core`,
        );
      }
      const proc = await procSample(serve.pid);
      const cyclesDuring = serve.cycles.length - 1;
      // GET /metrics over one kept-alive connection: the latency of serve's answer, not of TCP.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const times: number[] = [];
      let bytes = 0;
      let serverSeries = 0;
      try {
        for (let i = 0; i < opts.requests; i++) {
          const answer = await httpCall(`${serve.url}/metrics`, { agent });
          expectThat(answer.status === 200, 'GET /metrics must answer 200', answer.status);
          times.push(answer.ms);
          bytes = Buffer.byteLength(answer.body);
          serverSeries = answer.body.match(/^avnet_server_sync_status\{/gm)?.length ?? 0;
        }
      } finally {
        agent.destroy();
      }
      expectThat(
        serverSeries >= opts.servers,
        `/metrics must carry a series per server (found ${serverSeries})`,
      );
      runs.push({
        linkInterval,
        firstCycleMs: first.line.durationMs,
        windows,
        cpuShare: median(windows),
        rssBytes: proc.rssBytes,
        fds: proc.fds,
        sockets: proc.sockets,
        cyclesDuring,
        metrics: {
          requests: times.length,
          firstMs: times[0]!,
          medianMs: median(times),
          p95Ms: percentile(times, 95),
          maxMs: Math.max(...times),
          bytes,
          serverSeries,
        },
      });
    } finally {
      const code = await serve.stop();
      if (code !== 0) ctx.log(`idle: serve exited with ${code}\n${serve.stderr.slice(-3000)}`);
    }
  }
  const off = runs.find((x) => x.linkInterval === 'off');
  const polled = runs.find((x) => x.linkInterval !== 'off');
  // CPU of one link poll: what the default costs beyond `off`, per 10 s.
  const linkPollCpuMs = off && polled ? (polled.cpuShare - off.cpuShare) * 10_000 : Number.NaN;
  return { servers: opts.servers, seconds: opts.seconds, clockTicks: hz, runs, linkPollCpuMs };
}

type IdleResult = Awaited<ReturnType<typeof idlePart>>;

function idleReport(r: IdleResult): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  return [
    `idle and /metrics: ${formatCount(r.servers)} servers, dir backend, serve FILE --apply --interval 5m; after the start cycle`,
    `and 5 s to settle, CPU time (utime + stime from /proc, ${r.clockTicks} ticks/s) over ${r.runs[0]?.windows.length ?? 0} windows of ${r.seconds} s;`,
    'then GET /metrics over one kept-alive connection.',
    table(
      [
        '--link-interval',
        'start cycle',
        'idle CPU (median)',
        'windows',
        'RSS',
        'fds',
        'sockets',
        '/metrics median',
        'p95',
        'first',
        'max',
        'size',
      ],
      r.runs.map((x) => [
        x.linkInterval,
        formatMs(x.firstCycleMs),
        pct(x.cpuShare),
        x.windows.map(pct).join(' '),
        formatMb(x.rssBytes),
        String(x.fds),
        String(x.sockets),
        formatMs(x.metrics.medianMs),
        formatMs(x.metrics.p95Ms),
        formatMs(x.metrics.firstMs),
        formatMs(x.metrics.maxMs),
        formatBytes(x.metrics.bytes),
      ]),
    ),
    `Judged: --link-interval off (nothing scheduled between cycles). The default polls every server's`,
    `links every 10 s (dir backend: every state file read and checked): ≈ ${formatMs(r.linkPollCpuMs)} of CPU per poll.`,
  ];
}

// ---------------------------------------------------------------------------------------------

function partsOption(raw: string | undefined): Part[] {
  if (raw === undefined) return [...PARTS];
  const parts = raw.split(',').map((s) => s.trim());
  const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0)
    throw new Error(
      `--parts takes ${PARTS.join(', ')} (comma-separated); not ${unknown.join(', ')}`,
    );
  return parts as Part[];
}

/** `npm run bench -- serve`. */
export const serveSuite: BenchSuite = {
  name: 'serve',
  description:
    'avnet serve: push → applied vs git fetch + apply, memory and sockets over cycles, idle CPU and /metrics at 2,000 servers',
  options: {
    parts: `which measurements, comma-separated (default ${PARTS.join(',')})`,
    'push-servers': `push: network size (default ${SERVE_DEFAULTS.pushServers})`,
    runs: `push: pushes measured (default ${SERVE_DEFAULTS.pushRuns})`,
    'cycle-servers': `cycles: emulated servers (default ${SERVE_DEFAULTS.cycleServers})`,
    cycles: `cycles: interval cycles counted (default ${SERVE_DEFAULTS.cycles}; compared with cycle ${SERVE_DEFAULTS.earlyCycle})`,
    latency: `cycles: ms the emulators add to every call (default ${SERVE_DEFAULTS.latencyMs})`,
    'link-interval': `cycles: serve's --link-interval (default ${SERVE_DEFAULTS.linkInterval})`,
    'sim-processes': `cycles: emulator processes (default ${SIM_APPLY_DEFAULTS.simProcesses})`,
    'idle-servers': `idle: network size (default ${SERVE_DEFAULTS.idleServers})`,
    'idle-seconds': `idle: length of each idle window (default ${SERVE_DEFAULTS.idleSeconds})`,
    'idle-windows': `idle: windows measured (default ${SERVE_DEFAULTS.idleWindows})`,
    requests: `idle: GET /metrics requests (default ${SERVE_DEFAULTS.metricsRequests})`,
  },
  async run(ctx) {
    const parts = partsOption(ctx.options.parts);
    const load = new LoadWatch();
    const lines: string[] = [];
    const goals: GoalResult[] = [];
    const results: Record<string, unknown> = { parts };

    if (parts.includes('push')) {
      const r = await pushPart(
        ctx,
        intOption(ctx.options, 'push-servers') ?? SERVE_DEFAULTS.pushServers,
        intOption(ctx.options, 'runs') ?? SERVE_DEFAULTS.pushRuns,
        load,
      );
      results.push = r;
      lines.push(...pushReport(r), '');
      goals.push({
        goal: `n=${formatCount(r.servers)}: signed push → state written ≤ ${SERVE_GOALS.pushRatio}× git fetch + one-off apply`,
        measured: `${formatMs(r.serveStateMs)} vs ${formatMs(r.floorMs)} = ${formatRatio(r.ratio)} (cycle finished: ${formatRatio(r.cycleRatio)})`,
        pass: r.ratio <= SERVE_GOALS.pushRatio,
      });
    }

    if (parts.includes('cycles')) {
      const cycles = intOption(ctx.options, 'cycles') ?? SERVE_DEFAULTS.cycles;
      const early = Math.min(SERVE_DEFAULTS.earlyCycle, Math.max(2, Math.floor(cycles / 2)));
      const linkInterval = ctx.options['link-interval'] ?? SERVE_DEFAULTS.linkInterval;
      const r = await cyclesPart(
        ctx,
        {
          servers: intOption(ctx.options, 'cycle-servers') ?? SERVE_DEFAULTS.cycleServers,
          cycles,
          early,
          window: Math.min(SERVE_DEFAULTS.windowCycles, Math.max(1, Math.floor(early / 2))),
          latencyMs:
            ctx.options.latency === '0'
              ? 0
              : (intOption(ctx.options, 'latency') ?? SERVE_DEFAULTS.latencyMs),
          linkInterval,
          processes: intOption(ctx.options, 'sim-processes') ?? SIM_APPLY_DEFAULTS.simProcesses,
        },
        load,
      );
      results.cycles = r;
      lines.push(...cyclesReport(r), '');
      const rssRatio = r.late.rssBytes / r.early.rssBytes;
      goals.push(
        {
          goal: `${formatCount(r.servers)} emulated servers: RSS after ${r.cycles} cycles ≤ ${SERVE_GOALS.rssRatio}× RSS after ${r.early.cycle}`,
          measured: `${formatMb(r.late.rssBytes)} vs ${formatMb(r.early.rssBytes)} = ${formatRatio(rssRatio)} (peak ${formatMb(r.late.hwmBytes)} vs ${formatMb(r.early.hwmBytes)}; heap after GC ${formatMb(r.late.heapAfterGcBytes)} vs ${formatMb(r.early.heapAfterGcBytes)})`,
          pass: rssRatio <= SERVE_GOALS.rssRatio,
        },
        {
          // Flat: no more descriptors or sockets late than early (medians of each window; the
          // most seen is shown, as a connection of the bench's own scrape may be in it).
          goal: `open fds and sockets flat from cycle ${r.early.cycle} to ${r.cycles}`,
          measured: `fds ${r.early.fds} → ${r.late.fds} (most ${r.early.fdsMax} → ${r.late.fdsMax}), sockets ${r.early.sockets} → ${r.late.sockets} (most ${r.early.socketsMax} → ${r.late.socketsMax})`,
          pass: r.late.fds <= r.early.fds && r.late.sockets <= r.early.sockets,
        },
      );
    }

    if (parts.includes('idle')) {
      const r = await idlePart(
        ctx,
        {
          servers: intOption(ctx.options, 'idle-servers') ?? SERVE_DEFAULTS.idleServers,
          seconds: intOption(ctx.options, 'idle-seconds') ?? SERVE_DEFAULTS.idleSeconds,
          windows: intOption(ctx.options, 'idle-windows') ?? SERVE_DEFAULTS.idleWindows,
          requests: intOption(ctx.options, 'requests') ?? SERVE_DEFAULTS.metricsRequests,
        },
        load,
      );
      results.idle = r;
      lines.push(...idleReport(r), '');
      const judged = r.runs[0]!;
      const polled = r.runs.find((x) => x.linkInterval !== 'off');
      goals.push(
        {
          goal: `n=${formatCount(r.servers)}: idle CPU between cycles < ${SERVE_GOALS.idleCpuShare * 100}% of one core (--link-interval off)`,
          measured: `${(judged.cpuShare * 100).toFixed(2)}% over ${r.seconds} s (median of ${judged.windows.length})${polled ? `; not judged: with link polls every 10 s (the default) ${(polled.cpuShare * 100).toFixed(2)}%, ≈ ${formatMs(r.linkPollCpuMs)} CPU per poll` : ''}`,
          pass: judged.cpuShare < SERVE_GOALS.idleCpuShare && judged.cyclesDuring === 0,
        },
        {
          goal: `n=${formatCount(r.servers)}: GET /metrics median and p95 < ${SERVE_GOALS.metricsMs} ms`,
          measured: `median ${formatMs(judged.metrics.medianMs)}, p95 ${formatMs(judged.metrics.p95Ms)} over ${judged.metrics.requests} requests (${formatBytes(judged.metrics.bytes)}; the first ${formatMs(judged.metrics.firstMs)})${polled ? `; with link polls: ${formatMs(polled.metrics.medianMs)}, p95 ${formatMs(polled.metrics.p95Ms)}` : ''}`,
          pass:
            judged.metrics.medianMs < SERVE_GOALS.metricsMs &&
            judged.metrics.p95Ms < SERVE_GOALS.metricsMs,
        },
      );
    }

    results.loadAverage = load.peak;
    results.busy = load.busy;
    lines.push(
      `load average: up to ${load.peak.toFixed(1)} on ${availableParallelism()} cores during the suite.`,
      ...load.note('times are noisy'),
    );
    return { report: lines.join('\n').trimEnd(), results, goals };
  },
};
