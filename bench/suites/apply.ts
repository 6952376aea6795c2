/**
 * The apply suite: `avnet apply` of a generated network into an empty dir state folder (every
 * linked server: enable the protocol, restart, write its entries), then a second apply that must
 * find nothing to do. Each run is a fresh process, so its peak memory is its own.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { networkEnv, type NetworkOptions } from '../generate-network.js';
import { benchNetwork } from '../lib/networks.js';
import { formatCount, formatMb, formatMs, median, table } from '../lib/format.js';
import type { ChildRun } from '../lib/measure.js';
import {
  intListOption,
  intOption,
  type BenchSuite,
  type GoalResult,
  type SuiteContext,
} from '../lib/suite.js';
import type { ReconcileReport } from '../tasks/reconcile.js';
import { LoadWatch, summarizeRuns, type Measurement } from '../lib/summary.js';
import {
  cliJson,
  expectThat,
  medianStages,
  runCli,
  runReconcile,
  stateRevisions,
} from './reconcile-common.js';

/** Sizes measured by default. */
export const DEFAULT_APPLY_SIZES = [100, 2000, 10000] as const;

/**
 * Sizes at which the CLI process is measured too. At 10,000 servers its JSON output (the whole
 * plan) is ~96 MB, all of which passes through the secret redactor (about a second).
 */
export const DEFAULT_APPLY_CLI_SIZES = [100, 2000, 10000] as const;

/** What the apply writes: enable protocol, restart, entries, per linked server. */
export const WRITES_PER_LINKED_SERVER = 3;

/** Defaults of the engine, reported with the results. */
export const ENGINE_CONCURRENCY = { reads: 16, writes: 8 } as const;

/** Results at one size. */
export interface ApplySizeResult {
  readonly servers: number;
  readonly links: number;
  readonly linkedServers: number;
  readonly concurrency: { readonly reads: number; readonly writes: number };
  readonly library: Measurement;
  readonly cli?: Measurement;
  /** The second apply (nothing to do), library. */
  readonly again: Measurement;
  readonly writes: number;
  readonly writesAgain: number;
  readonly stateFiles: number;
  /** Stage times of the median library apply, ms. */
  readonly stages: ReconcileReport['stages'];
  /** Writes per second over the apply stage, and over the whole command. */
  readonly writesPerSecond: { readonly applyStage: number; readonly overall: number };
}

async function measureSize(
  ctx: SuiteContext,
  servers: number,
  withCli: boolean,
  load: LoadWatch,
): Promise<ApplySizeResult> {
  const netOpts: NetworkOptions = { servers };
  const net = await benchNetwork(ctx.tmpDir, `n${servers}`, netOpts, ctx.log);
  const file = net.topologyFile;
  const env: NodeJS.ProcessEnv = { ...process.env, ...networkEnv(netOpts), NO_COLOR: '1' };
  delete env.AVNET_LOG_LEVEL;
  const concurrency = intOption(ctx.options, 'concurrency');
  const state = path.join(ctx.tmpDir, 'apply', `n${servers}`, 'state');
  const n = formatCount(servers);
  const runs = intOption(ctx.options, 'runs') ?? 3;
  const library: ChildRun[] = [];
  const again: ChildRun[] = [];
  const cli: ChildRun[] = [];
  let first: ReconcileReport | undefined;
  let second: ReconcileReport | undefined;
  let stateFiles = 0;
  for (let i = 0; i < runs; i++) {
    ctx.log(`n=${n}: apply from empty, run ${i + 1}/${runs}`);
    await rm(state, { recursive: true, force: true });
    load.sample();
    const run = await runReconcile(
      ctx,
      { file, mode: 'apply', backend: 'dir', state, concurrency },
      env,
    );
    first = run.result;
    expectThat(
      first.outcome === 'applied' && first.failedServers === 0 && first.verifyChanges === 0,
      `n=${n}: the apply from empty must apply every server and converge`,
      first,
    );
    library.push(run);
    stateFiles = (await stateRevisions(state)).size;

    load.sample();
    const re = await runReconcile(
      ctx,
      { file, mode: 'apply', backend: 'dir', state, concurrency },
      env,
    );
    second = re.result;
    expectThat(
      second.outcome === 'in-sync' && second.changes === 0,
      `n=${n}: a second apply must find nothing to do`,
      second,
    );
    again.push(re);

    if (withCli) {
      await rm(state, { recursive: true, force: true });
      load.sample();
      const args = ['apply', file, '--state', state, '--yes', '--format', 'json'];
      if (concurrency !== undefined) args.push('--concurrency', String(concurrency));
      const c = await runCli(ctx, args, env);
      const body = cliJson<{ outcome: string; writes: number; converged: boolean }>(c, 'apply');
      expectThat(
        body.outcome === 'applied' && body.writes === first.writes && body.converged,
        `n=${n}: the CLI apply from empty must make the library's writes and converge`,
        { outcome: body.outcome, writes: body.writes, converged: body.converged },
      );
      cli.push(c);
    }
  }
  await rm(state, { recursive: true, force: true });
  const lib = summarizeRuns('apply from empty, library', library);
  const stages = library.map((r) => (r.report.result as ReconcileReport).stages);
  const applyMs = median(stages.map((s) => s.applyMs));
  const writes = first!.writes;
  return {
    servers,
    links: first!.links,
    linkedServers: first!.serversWritten,
    concurrency: concurrency
      ? { reads: concurrency, writes: concurrency }
      : { ...ENGINE_CONCURRENCY },
    library: lib,
    ...(withCli ? { cli: summarizeRuns('apply from empty, CLI process', cli) } : {}),
    again: summarizeRuns('second apply (no changes), library', again),
    writes,
    writesAgain: second!.writes,
    stateFiles,
    stages: medianStages(stages),
    writesPerSecond: {
      applyStage: (writes / applyMs) * 1000,
      overall: (writes / lib.timeMs) * 1000,
    },
  };
}

function goals(sizes: readonly ApplySizeResult[]): GoalResult[] {
  const out: GoalResult[] = [];
  for (const s of sizes) {
    const n = formatCount(s.servers);
    const expected = WRITES_PER_LINKED_SERVER * s.linkedServers;
    out.push({
      goal: `n=${n}: apply from empty makes ${WRITES_PER_LINKED_SERVER} writes per linked server`,
      measured: `${formatCount(s.writes)} writes for ${formatCount(s.linkedServers)} linked servers (${formatCount(s.stateFiles)} state files) in ${formatMs(s.library.timeMs)}, ${Math.round(s.writesPerSecond.overall)} writes/s`,
      pass: s.writes === expected && s.linkedServers === s.servers && s.stateFiles === s.servers,
    });
    out.push({
      goal: `n=${n}: a second apply makes 0 writes`,
      measured: `${s.writesAgain} writes, ${formatMs(s.again.timeMs)}`,
      pass: s.writesAgain === 0,
    });
  }
  return out;
}

function report(sizes: readonly ApplySizeResult[], load: LoadWatch): string {
  const rows: string[][] = [];
  for (const s of sizes) {
    const n = formatCount(s.servers);
    const row = (m: Measurement, writes: number) => [
      n,
      m.label,
      String(m.runs),
      formatMs(m.timeMs),
      formatMs(m.cpuMs),
      formatMs(m.wallMs),
      formatMb(m.maxRssBytes),
      formatCount(writes),
      writes > 0 ? String(Math.round((writes / m.timeMs) * 1000)) : '-',
    ];
    rows.push(row(s.library, s.writes));
    if (s.cli) rows.push(row(s.cli, s.writes));
    rows.push(row(s.again, s.writesAgain));
  }
  const lines = [
    table(
      ['servers', 'measurement', 'runs', 'time', 'CPU', 'wall', 'peak RSS', 'writes', 'writes/s'],
      rows,
    ),
    '',
    'time: median in-process time of the work (library), spawn to exit (CLI). Every write is a',
    'compare-and-swap under a per-server lock file and an atomic replace (temp file, fsync, rename,',
    'fsync of the folder).',
    '',
    'Stages of the library apply from empty (medians; check = load + validate + render):',
    table(
      [
        'servers',
        'check',
        'read state',
        'plan',
        'apply',
        'verify',
        'writes/s (apply stage)',
        'concurrency',
      ],
      sizes.map((s) => [
        formatCount(s.servers),
        formatMs(s.stages.checkMs),
        formatMs(s.stages.readMs),
        formatMs(s.stages.planMs),
        formatMs(s.stages.applyMs),
        formatMs(s.stages.verifyMs),
        String(Math.round(s.writesPerSecond.applyStage)),
        `reads ${s.concurrency.reads}, writes ${s.concurrency.writes}`,
      ]),
    ),
  ];
  lines.push(...load.note());
  return lines.join('\n');
}

/** `npm run bench -- apply`. */
export const applySuite: BenchSuite = {
  name: 'apply',
  description:
    'avnet apply into an empty dir state: time, CPU, peak RSS, writes; then a no-op apply',
  options: {
    sizes: `network sizes, comma-separated (default ${DEFAULT_APPLY_SIZES.join(',')})`,
    'cli-sizes': `sizes at which the CLI is measured too (default ${DEFAULT_APPLY_CLI_SIZES.join(',')})`,
    runs: 'runs per size (default 3)',
    concurrency: `--concurrency for reads and writes (default: the engine's, reads ${ENGINE_CONCURRENCY.reads}, writes ${ENGINE_CONCURRENCY.writes})`,
  },
  async run(ctx) {
    const sizes = intListOption(ctx.options, 'sizes', DEFAULT_APPLY_SIZES);
    const cliSizes = new Set(intListOption(ctx.options, 'cli-sizes', DEFAULT_APPLY_CLI_SIZES));
    const load = new LoadWatch();
    const results: ApplySizeResult[] = [];
    for (const servers of sizes) {
      results.push(await measureSize(ctx, servers, cliSizes.has(servers), load));
    }
    return {
      report: report(results, load),
      results: { loadAverage: load.peak, busy: load.busy, sizes: results },
      goals: goals(results),
    };
  },
};
