/**
 * The plan suite: `avnet plan` against a dir state that already holds the applied network,
 * compared with `avnet validate` of the same network (library and CLI, each in its own process),
 * and the plan and apply of a one-link change, which must touch exactly that link's two entries.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeNetwork, networkEnv, toYaml, type NetworkOptions } from '../generate-network.js';
import { benchNetwork } from '../lib/networks.js';
import { formatCount, formatMb, formatMs, formatRatio, table } from '../lib/format.js';
import { runTask, type ChildRun } from '../lib/measure.js';
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
  changedRevisions,
  cliJson,
  expectThat,
  medianStages,
  runCli,
  runReconcile,
  stateRevisions,
} from './reconcile-common.js';

/** Sizes measured by default. */
export const DEFAULT_PLAN_SIZES = [100, 2000, 10000] as const;

/** Goals of the issue: a no-change plan within 3× validate; a one-link change is two updates. */
export const PLAN_GOALS = { timeRatio: 3, fromServers: 10000 } as const;

/** The measurements of the no-change comparison. */
type Kind = 'validateLibrary' | 'validateCli' | 'planLibrary' | 'planCli';

const LABELS: Record<Kind, string> = {
  validateLibrary: 'validate, library',
  validateCli: 'validate, CLI process',
  planLibrary: 'plan (no changes), library',
  planCli: 'plan (no changes), CLI process',
};

/** The one-link change, its plan and its apply. */
export interface ChangeResult {
  readonly link: number;
  readonly ends: readonly [string, string];
  readonly planLibrary: Measurement;
  readonly applyLibrary: Measurement;
  /** Changing it back with `avnet apply --yes` (also two writes). */
  readonly applyBackCli: Measurement;
  readonly planChanges: number;
  readonly applyWrites: number;
  readonly filesChanged: readonly string[];
  /** Stage times of the median library apply (check, read, plan, apply, verify), ms. */
  readonly applyStages: ReconcileReport['stages'];
}

/** Results at one network size. */
export interface PlanSizeResult {
  readonly servers: number;
  readonly links: number;
  /** Writes the set-up apply made (0 when the cached state was already converged). */
  readonly setupWrites: number;
  readonly setupMs: number;
  readonly measurements: Record<Kind, Measurement>;
  /** Stage times of the median library plan, ms. */
  readonly planStages: ReconcileReport['stages'];
  readonly ratios: {
    readonly libraryTime: number;
    readonly libraryCpu: number;
    readonly cliWall: number;
    readonly cliCpu: number;
  };
  readonly change: ChangeResult;
}

function runsFor(ctx: SuiteContext, servers: number): number {
  return intOption(ctx.options, 'runs') ?? (servers >= 10000 ? 3 : 5);
}

interface ExpectedChange {
  readonly link: number;
  readonly ends: readonly [string, string];
}

/**
 * A parent-child link between two sites: neither side has a server policy, so setting the link's
 * encryption to `yes` changes both entries (and nothing else).
 */
function linkToChange(opts: NetworkOptions): ExpectedChange {
  const model = describeNetwork(opts);
  const role = new Map(model.servers.map((s) => [s.name, s.role]));
  const link = [...model.links]
    .reverse()
    .find((l) => l.kind === 'parent-child' && l.ends.every((e) => role.get(e) === 'site'));
  if (!link) throw new Error(`a network of ${opts.servers} servers has no link between two sites`);
  return { link: link.index, ends: link.ends };
}

/** Checks that a plan is exactly the two entry updates of the changed link. */
function expectTwoUpdates(report: ReconcileReport, change: ExpectedChange, what: string): void {
  const [a, b] = change.ends;
  const got = (report.changeList ?? []).map((c) => ({
    server: c.server,
    action: c.action,
    neighbor: c.neighbor,
    fields: c.fields,
  }));
  const want = [
    { server: a, action: 'update', neighbor: b, fields: ['encryption'] },
    { server: b, action: 'update', neighbor: a, fields: ['encryption'] },
  ].sort((x, y) => x.server.localeCompare(y.server));
  expectThat(
    report.changes === 2 &&
      report.planErrors.length === 0 &&
      JSON.stringify(got) === JSON.stringify(want),
    `${what}: the plan must be exactly two entry updates (encryption of ${a} <-> ${b})`,
    { changes: report.changes, summary: report.summary, got, errors: report.planErrors },
  );
}

async function measureSize(
  ctx: SuiteContext,
  servers: number,
  load: LoadWatch,
): Promise<PlanSizeResult> {
  const netOpts: NetworkOptions = { servers };
  const net = await benchNetwork(ctx.tmpDir, `n${servers}`, netOpts, ctx.log);
  const file = net.topologyFile;
  const state = path.join(ctx.tmpDir, 'plan', `n${servers}`, 'state');
  const env: NodeJS.ProcessEnv = { ...process.env, ...networkEnv(netOpts), NO_COLOR: '1' };
  delete env.AVNET_LOG_LEVEL;
  const n = formatCount(servers);

  // Set-up, untimed: apply the network once. With a cached state this finds nothing to do (and
  // repairs a state an interrupted run left changed); it also warms the page cache.
  ctx.log(`n=${n}: applying the network to ${path.relative(ctx.rootDir, state)} (set-up)`);
  const setup = await runReconcile(ctx, { file, mode: 'apply', backend: 'dir', state }, env);
  expectThat(
    setup.result.outcome === 'applied' || setup.result.outcome === 'in-sync',
    `n=${n}: set-up apply failed`,
    setup.result,
  );
  const validateModule = path.join(ctx.distDir, 'bench', 'tasks', 'validate-library.js');
  const planArgs = ['plan', file, '--state', state, '--format', 'json'];
  const measure: Record<Kind, () => Promise<ChildRun>> = {
    validateLibrary: async () => {
      const run = await runTask(
        ctx.distDir,
        validateModule,
        'validateLibraryTask',
        { file },
        {
          env,
        },
      );
      const r = run.result as { errors: number; warnings: number };
      expectThat(r.errors === 0 && r.warnings === 0, `n=${n}: validate found problems`, r);
      return run;
    },
    validateCli: async () => {
      const run = await runCli(ctx, ['validate', file, '--format', 'json'], env);
      const body = cliJson<{ errors: number; warnings: number }>(run, 'validate');
      expectThat(body.errors === 0 && body.warnings === 0, `n=${n}: validate CLI found problems`);
      return run;
    },
    planLibrary: async () => {
      const run = await runReconcile(ctx, { file, mode: 'plan', backend: 'dir', state }, env);
      expectThat(
        run.result.outcome === 'in-sync' && run.result.changes === 0,
        `n=${n}: the plan of the applied network must be empty`,
        run.result,
      );
      return run;
    },
    planCli: async () => {
      const run = await runCli(ctx, planArgs, env);
      const body = cliJson<{ changes: unknown[]; errors: unknown[] }>(run, 'plan');
      expectThat(
        body.changes.length === 0 && body.errors.length === 0,
        `n=${n}: the plan CLI must find no changes`,
      );
      return run;
    },
  };
  const runs = runsFor(ctx, servers);
  const all: Record<Kind, ChildRun[]> = {
    validateLibrary: [],
    validateCli: [],
    planLibrary: [],
    planCli: [],
  };
  for (let i = 0; i < runs; i++) {
    ctx.log(`n=${n}: no-change plan vs validate, run ${i + 1}/${runs}`);
    // Interleaved, so that a busy moment on the machine hits every kind alike.
    for (const kind of Object.keys(measure) as Kind[]) {
      load.sample();
      all[kind].push(await measure[kind]());
    }
  }
  const m = Object.fromEntries(
    (Object.keys(all) as Kind[]).map((k) => [k, summarizeRuns(LABELS[k], all[k])]),
  ) as Record<Kind, Measurement>;
  const planStages = medianStages(
    all.planLibrary.map((r) => (r.report.result as ReconcileReport).stages),
  );

  const change = await measureChange(ctx, servers, netOpts, file, state, env, runs, load);
  return {
    servers,
    links: setup.result.links,
    setupWrites: setup.result.writes,
    setupMs: setup.wallMs,
    measurements: m,
    planStages,
    ratios: {
      libraryTime: m.planLibrary.timeMs / m.validateLibrary.timeMs,
      libraryCpu: m.planLibrary.cpuMs / m.validateLibrary.cpuMs,
      cliWall: m.planCli.wallMs / m.validateCli.wallMs,
      cliCpu: m.planCli.cpuMs / m.validateCli.cpuMs,
    },
    change,
  };
}

/**
 * Plan and apply of a one-link change (encryption `yes` on a link between two sites), then the
 * change back with the CLI, so every run starts from the applied network.
 */
async function measureChange(
  ctx: SuiteContext,
  servers: number,
  netOpts: NetworkOptions,
  baseFile: string,
  state: string,
  env: NodeJS.ProcessEnv,
  runs: number,
  load: LoadWatch,
): Promise<ChangeResult> {
  const n = formatCount(servers);
  const change = linkToChange(netOpts);
  const changedOpts: NetworkOptions = {
    ...netOpts,
    modify: { kind: 'link-encryption', link: change.link, value: 'yes' },
  };
  // Beside topology.yaml, so that it names the same certificate files.
  const changedFile = path.join(path.dirname(baseFile), 'topology.link-encryption.yaml');
  await writeFile(changedFile, toYaml(describeNetwork(changedOpts).document));
  const changedEnv = { ...env, ...networkEnv(changedOpts) };
  const plans: ChildRun[] = [];
  const applies: ChildRun[] = [];
  const backs: ChildRun[] = [];
  let filesChanged: string[] = [];
  let applyWrites = 0;
  for (let i = 0; i < runs; i++) {
    ctx.log(`n=${n}: one-link change, run ${i + 1}/${runs}`);
    load.sample();
    const plan = await runReconcile(
      ctx,
      { file: changedFile, mode: 'plan', backend: 'dir', state },
      changedEnv,
    );
    expectTwoUpdates(plan.result, change, `n=${n}: plan of the one-link change`);
    plans.push(plan);

    const before = await stateRevisions(state);
    load.sample();
    const apply = await runReconcile(
      ctx,
      { file: changedFile, mode: 'apply', backend: 'dir', state },
      changedEnv,
    );
    const after = await stateRevisions(state);
    expectTwoUpdates(apply.result, change, `n=${n}: apply of the one-link change`);
    filesChanged = changedRevisions(before, after);
    applyWrites = apply.result.writes;
    expectThat(
      apply.result.outcome === 'applied' &&
        apply.result.writes === 2 &&
        apply.result.serversWritten === 2 &&
        apply.result.verifyChanges === 0 &&
        filesChanged.length === 2 &&
        filesChanged.every((f) => after.get(f) === before.get(f)! + 1),
      `n=${n}: the one-link apply must make exactly two server writes (one revision each)`,
      { result: apply.result, filesChanged },
    );
    applies.push(apply);

    // Back to the applied network, with the CLI: two writes again.
    load.sample();
    const back = await runCli(
      ctx,
      ['apply', baseFile, '--state', state, '--yes', '--format', 'json'],
      env,
    );
    const body = cliJson<{ outcome: string; writes: number; converged: boolean }>(
      back,
      'apply back',
    );
    expectThat(
      body.outcome === 'applied' && body.writes === 2 && body.converged === true,
      `n=${n}: changing the link back must make exactly two writes`,
      body,
    );
    backs.push(back);
  }
  return {
    link: change.link,
    ends: change.ends,
    planLibrary: summarizeRuns('plan (one link changed), library', plans),
    applyLibrary: summarizeRuns('apply (one link changed), library', applies),
    applyBackCli: summarizeRuns('apply (change back), CLI process', backs),
    planChanges: 2,
    applyWrites,
    filesChanged,
    applyStages: medianStages(applies.map((r) => (r.report.result as ReconcileReport).stages)),
  };
}

function goals(sizes: readonly PlanSizeResult[], busy: boolean): GoalResult[] {
  const out: GoalResult[] = [];
  const basis = busy ? ' (judged on CPU: machine busy)' : '';
  for (const s of sizes) {
    const n = formatCount(s.servers);
    const m = s.measurements;
    if (s.servers >= PLAN_GOALS.fromServers) {
      out.push({
        goal: `n=${n}: plan (no changes), library ≤ ${PLAN_GOALS.timeRatio}× validate`,
        measured: `${formatMs(m.planLibrary.timeMs)} vs ${formatMs(m.validateLibrary.timeMs)} = ${formatRatio(s.ratios.libraryTime)}, CPU ${formatRatio(s.ratios.libraryCpu)}${basis}`,
        pass: (busy ? s.ratios.libraryCpu : s.ratios.libraryTime) <= PLAN_GOALS.timeRatio,
      });
      out.push({
        goal: `n=${n}: plan (no changes), CLI ≤ ${PLAN_GOALS.timeRatio}× validate CLI`,
        measured: `${formatMs(m.planCli.wallMs)} vs ${formatMs(m.validateCli.wallMs)} = ${formatRatio(s.ratios.cliWall)}, CPU ${formatRatio(s.ratios.cliCpu)}${basis}`,
        pass: (busy ? s.ratios.cliCpu : s.ratios.cliWall) <= PLAN_GOALS.timeRatio,
      });
    }
    // Reaching this point means the assertions held: the suite stops on any other plan.
    out.push({
      goal: `n=${n}: one link changed → plan of exactly 2 entry updates, apply of exactly 2 writes`,
      measured: `${s.change.planChanges} updates (${s.change.ends.join(' ↔ ')}), ${s.change.applyWrites} writes, ${s.change.filesChanged.length} state files changed revision`,
      pass: s.change.applyWrites === 2 && s.change.filesChanged.length === 2,
    });
  }
  return out;
}

function report(sizes: readonly PlanSizeResult[], load: LoadWatch): string {
  const rows: string[][] = [];
  for (const s of sizes) {
    const n = formatCount(s.servers);
    const m = s.measurements;
    const row = (x: Measurement, ratio: string, cpuRatio: string) => [
      n,
      x.label,
      String(x.runs),
      formatMs(x.timeMs),
      formatMs(x.cpuMs),
      formatMs(x.wallMs),
      formatMb(x.maxRssBytes),
      ratio,
      cpuRatio,
    ];
    rows.push(row(m.validateLibrary, '1.00×', '1.00×'));
    rows.push(
      row(m.planLibrary, formatRatio(s.ratios.libraryTime), formatRatio(s.ratios.libraryCpu)),
    );
    rows.push(row(m.validateCli, '1.00×', '1.00×'));
    rows.push(row(m.planCli, formatRatio(s.ratios.cliWall), formatRatio(s.ratios.cliCpu)));
    const c = s.change;
    rows.push(
      row(
        c.planLibrary,
        formatRatio(c.planLibrary.timeMs / m.validateLibrary.timeMs),
        formatRatio(c.planLibrary.cpuMs / m.validateLibrary.cpuMs),
      ),
    );
    rows.push(
      row(
        c.applyLibrary,
        formatRatio(c.applyLibrary.timeMs / m.validateLibrary.timeMs),
        formatRatio(c.applyLibrary.cpuMs / m.validateLibrary.cpuMs),
      ),
    );
    rows.push(
      row(
        c.applyBackCli,
        formatRatio(c.applyBackCli.wallMs / m.validateCli.wallMs),
        formatRatio(c.applyBackCli.cpuMs / m.validateCli.cpuMs),
      ),
    );
  }
  const lines = [
    table(
      [
        'servers',
        'measurement',
        'runs',
        'time',
        'CPU',
        'wall',
        'peak RSS',
        'time/validate',
        'CPU/validate',
      ],
      rows,
    ),
    '',
    'time: median in-process time of the work for library runs, spawn to exit for CLI processes;',
    'ratios compare with validate of the same kind (library with library, CLI with CLI).',
    'The state is a dir backend folder holding the applied network; the one-link change sets',
    'encryption: yes on a link between two sites (2 entry updates, 2 writes), then the CLI',
    'changes it back (2 writes).',
  ];
  lines.push(...load.note('wall times are noisy; the time goals are judged on CPU'));
  lines.push('', 'Stages of the library runs (medians): check = load + validate + render.');
  lines.push(
    table(
      ['servers', 'run', 'check', 'read state', 'plan', 'apply', 'verify'],
      sizes.flatMap((s) => [
        [formatCount(s.servers), 'plan (no changes)', ...stageCells(s.planStages)],
        [formatCount(s.servers), 'apply (one link)', ...stageCells(s.change.applyStages)],
      ]),
    ),
  );
  for (const s of sizes) {
    lines.push(
      `n=${formatCount(s.servers)}: ${formatCount(s.links)} links; set-up apply ${formatMs(s.setupMs)} (${formatCount(s.setupWrites)} writes); changed link #${s.change.link} (${s.change.ends.join(' ↔ ')})`,
    );
  }
  return lines.join('\n');
}

function stageCells(s: ReconcileReport['stages']): string[] {
  return [s.checkMs, s.readMs, s.planMs, s.applyMs, s.verifyMs].map(formatMs);
}

/** `npm run bench -- plan`. */
export const planSuite: BenchSuite = {
  name: 'plan',
  description:
    'avnet plan against an applied dir state vs validate; a one-link change planned and applied',
  options: {
    sizes: `network sizes, comma-separated (default ${DEFAULT_PLAN_SIZES.join(',')})`,
    runs: 'runs per measurement (default 5, 3 from 10,000 servers)',
  },
  async run(ctx) {
    const sizes = intListOption(ctx.options, 'sizes', DEFAULT_PLAN_SIZES);
    const load = new LoadWatch();
    const results: PlanSizeResult[] = [];
    for (const servers of sizes) results.push(await measureSize(ctx, servers, load));
    const busy = load.busy;
    return {
      report: report(results, load),
      results: { loadAverage: load.peak, busy, goals: PLAN_GOALS, sizes: results },
      goals: goals(results, busy),
    };
  },
};
