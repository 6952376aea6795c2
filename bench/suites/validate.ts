/**
 * The validate suite: `avnet validate` on generated networks against the floor (reading and
 * parsing the same YAML and certificates, nothing else), each measurement in its own process.
 */
import os from 'node:os';
import path from 'node:path';
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
import { runScript, runTask, type ChildRun } from '../lib/measure.js';
import { summarizeRuns, type Measurement } from '../lib/summary.js';
import {
  intListOption,
  intOption,
  type BenchSuite,
  type GoalResult,
  type SuiteContext,
} from '../lib/suite.js';

/** Sizes measured by default. */
export const DEFAULT_VALIDATE_SIZES = [100, 2000, 10000] as const;

/** Goals of the issue: time within 2× the floor from 2,000 servers, memory within 1.5× at 10,000. */
export const VALIDATE_GOALS = {
  timeRatio: 2,
  timeFromServers: 2000,
  memoryRatio: 1.5,
  memoryFromServers: 10000,
} as const;

type Kind = 'floor' | 'library' | 'cli';

/** Samples and medians of one kind of measurement at one size (time, CPU, wall, peak RSS). */
export type MeasurementSummary = Omit<Measurement, 'label'> & { readonly kind: Kind };

/** Results at one network size. */
export interface SizeResult {
  readonly servers: number;
  readonly links: number;
  readonly certificates: number;
  readonly topologyBytes: number;
  readonly floor: MeasurementSummary;
  readonly library: MeasurementSummary;
  readonly cli: MeasurementSummary;
  readonly ratios: {
    readonly libraryTime: number;
    readonly libraryCpu: number;
    readonly libraryRss: number;
    /** CLI process wall time / floor process wall time (both include Node start-up). */
    readonly cliWall: number;
    readonly cliRss: number;
  };
}

function runsFor(ctx: SuiteContext, servers: number): number {
  return intOption(ctx.options, 'runs') ?? (servers >= 10000 ? 3 : 5);
}

function summarize(kind: Kind, runs: readonly ChildRun[]): MeasurementSummary {
  const { label: _label, ...m } = summarizeRuns(kind, runs);
  return { kind, ...m };
}

interface LibraryResult {
  servers: number;
  links: number;
  errors: number;
  warnings: number;
  firstDiagnostics: string[];
  ruleMs?: Record<string, number>;
}

function expectClean(what: string, r: { errors: number; warnings: number }, detail: string) {
  if (r.errors !== 0 || r.warnings !== 0) {
    throw new Error(
      `${what}: the generated network must validate cleanly, got ${r.errors} errors and ${r.warnings} warnings\n${detail}`,
    );
  }
}

async function measureSize(ctx: SuiteContext, servers: number): Promise<SizeResult> {
  const net = await benchNetwork(ctx.tmpDir, `n${servers}`, { servers }, ctx.log);
  const file = net.topologyFile;
  const floorModule = path.join(ctx.distDir, 'bench', 'tasks', 'validate-floor.js');
  const libraryModule = path.join(ctx.distDir, 'bench', 'tasks', 'validate-library.js');
  const cliScript = path.join(ctx.rootDir, 'bin', 'avnet.js');
  const floor = () => runTask(ctx.distDir, floorModule, 'validateFloorTask', { file });
  const library = () => runTask(ctx.distDir, libraryModule, 'validateLibraryTask', { file });
  const cli = () =>
    runScript(ctx.distDir, cliScript, ['validate', file, '--format', 'json'], {
      cwd: ctx.rootDir,
    });

  // One untimed round first: the page cache then holds every file for all measurements alike.
  await floor();
  const runs = runsFor(ctx, servers);
  const all: Record<Kind, ChildRun[]> = { floor: [], library: [], cli: [] };
  let links = 0;
  let certificates = 0;
  for (let i = 0; i < runs; i++) {
    ctx.log(`n=${formatCount(servers)}: run ${i + 1}/${runs}`);
    // Interleaved, so that a busy moment on the machine hits every kind alike.
    const f = await floor();
    certificates = (f.result as { certificates: number }).certificates;
    all.floor.push(f);
    const l = await library();
    const lr = l.result as LibraryResult;
    expectClean(`library n=${servers}`, lr, lr.firstDiagnostics.join('\n'));
    links = lr.links;
    all.library.push(l);
    const c = await cli();
    checkCli(servers, c);
    all.cli.push(c);
  }
  const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
  const s = {
    floor: summarize('floor', all.floor),
    library: summarize('library', all.library),
    cli: summarize('cli', all.cli),
  };
  return {
    servers,
    links,
    certificates,
    topologyBytes: size,
    ...s,
    ratios: {
      libraryTime: s.library.timeMs / s.floor.timeMs,
      libraryCpu: s.library.cpuMs / s.floor.cpuMs,
      libraryRss: s.library.maxRssBytes / s.floor.maxRssBytes,
      cliWall: s.cli.wallMs / s.floor.wallMs,
      cliRss: s.cli.maxRssBytes / s.floor.maxRssBytes,
    },
  };
}

function checkCli(servers: number, run: ChildRun): void {
  let body: { valid?: boolean; errors?: number; warnings?: number; diagnostics?: unknown[] };
  try {
    body = JSON.parse(run.stdout) as typeof body;
  } catch {
    throw new Error(`CLI n=${servers}: no JSON on stdout (exit ${run.exitCode})\n${run.stderr}`);
  }
  if (run.exitCode !== 0 || body.valid !== true) {
    throw new Error(`CLI n=${servers}: exit ${run.exitCode}, valid=${String(body.valid)}`);
  }
  expectClean(
    `CLI n=${servers}`,
    { errors: body.errors ?? -1, warnings: body.warnings ?? -1 },
    JSON.stringify(body.diagnostics?.slice(0, 5)),
  );
}

async function nodeStartup(ctx: SuiteContext): Promise<number> {
  const walls: number[] = [];
  for (let i = 0; i < 5; i++) walls.push((await runScript(ctx.distDir, '-e', [''])).wallMs);
  return median(walls);
}

/** Per-rule check times at one size (one extra library run). */
async function ruleTimes(ctx: SuiteContext, servers: number): Promise<Record<string, number>> {
  const net = await benchNetwork(ctx.tmpDir, `n${servers}`, { servers }, ctx.log);
  const libraryModule = path.join(ctx.distDir, 'bench', 'tasks', 'validate-library.js');
  ctx.log(`n=${formatCount(servers)}: timing each rule`);
  const run = await runTask(ctx.distDir, libraryModule, 'validateLibraryTask', {
    file: net.topologyFile,
    ruleTimings: true,
  });
  return (run.result as LibraryResult).ruleMs ?? {};
}

/**
 * PASS/FAIL per goal. Time is judged on wall time, except on a busy machine (load average above
 * the core count), where wall time mostly measures the other processes: then on CPU time.
 */
function goals(sizes: readonly SizeResult[], busy: boolean): GoalResult[] {
  const out: GoalResult[] = [];
  const g = VALIDATE_GOALS;
  const basis = busy ? ' (judged on CPU: machine busy)' : '';
  for (const s of sizes) {
    const n = formatCount(s.servers);
    if (s.servers >= g.timeFromServers) {
      const lib = busy ? s.ratios.libraryCpu : s.ratios.libraryTime;
      out.push({
        goal: `n=${n}: library time ≤ ${g.timeRatio}× floor`,
        measured: `${formatMs(s.library.timeMs)} vs ${formatMs(s.floor.timeMs)} = ${formatRatio(s.ratios.libraryTime)}, CPU ${formatRatio(s.ratios.libraryCpu)}${basis}`,
        pass: lib <= g.timeRatio,
      });
      const cliCpu = s.cli.cpuMs / s.floor.cpuMs;
      out.push({
        goal: `n=${n}: CLI process ≤ ${g.timeRatio}× floor process`,
        measured: `${formatMs(s.cli.wallMs)} vs ${formatMs(s.floor.wallMs)} = ${formatRatio(s.ratios.cliWall)}, CPU ${formatRatio(cliCpu)}${basis}`,
        pass: (busy ? cliCpu : s.ratios.cliWall) <= g.timeRatio,
      });
    }
    if (s.servers >= g.memoryFromServers) {
      out.push({
        goal: `n=${n}: library peak RSS ≤ ${g.memoryRatio}× floor`,
        measured: `${formatMb(s.library.maxRssBytes)} vs ${formatMb(s.floor.maxRssBytes)} = ${formatRatio(s.ratios.libraryRss)}`,
        pass: s.ratios.libraryRss <= g.memoryRatio,
      });
      out.push({
        goal: `n=${n}: CLI peak RSS ≤ ${g.memoryRatio}× floor`,
        measured: `${formatMb(s.cli.maxRssBytes)} vs ${formatMb(s.floor.maxRssBytes)} = ${formatRatio(s.ratios.cliRss)}`,
        pass: s.ratios.cliRss <= g.memoryRatio,
      });
    }
  }
  return out;
}

function report(
  sizes: readonly SizeResult[],
  startupMs: number,
  rules: { servers: number; ms: Record<string, number> } | undefined,
  loadAverage: number,
): string {
  const rows: string[][] = [];
  for (const s of sizes) {
    const n = formatCount(s.servers);
    const row = (label: string, m: MeasurementSummary, time: string, cpu: string, rss: string) => [
      n,
      label,
      String(m.runs),
      formatMs(m.timeMs),
      formatMs(m.cpuMs),
      formatMs(m.wallMs),
      formatMb(m.maxRssBytes),
      time,
      cpu,
      rss,
    ];
    rows.push(row('floor (yaml + X509)', s.floor, '1.00×', '1.00×', '1.00×'));
    rows.push(
      row(
        'avnet library',
        s.library,
        formatRatio(s.ratios.libraryTime),
        formatRatio(s.ratios.libraryCpu),
        formatRatio(s.ratios.libraryRss),
      ),
    );
    rows.push(
      row(
        'avnet CLI (process)',
        s.cli,
        `${formatRatio(s.ratios.cliWall)} wall`,
        formatRatio(s.cli.cpuMs / s.floor.cpuMs),
        formatRatio(s.ratios.cliRss),
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
        'time/floor',
        'CPU/floor',
        'RSS/floor',
      ],
      rows,
    ),
    '',
    'time: median in-process time of the work (read, parse, validate); for the CLI, the process',
    `wall time. wall: spawn to exit, incl. Node start-up (an empty script takes ${formatMs(startupMs)}).`,
    'CPU: user + system time of the same span (all threads). Peak RSS: maxRSS of the process.',
    'CLI ratios compare with the floor process wall time.',
  ];
  if (loadAverage > os.availableParallelism()) {
    lines.push(
      `note: the machine was busy (load average up to ${loadAverage.toFixed(1)} on ${os.availableParallelism()} cores): wall times are noisy, CPU times less so; time goals are judged on CPU.`,
    );
  }
  for (const s of sizes) {
    lines.push(
      `n=${formatCount(s.servers)}: ${formatCount(s.links)} links, ${formatCount(s.certificates)} certificates, topology ${formatBytes(s.topologyBytes)}`,
    );
  }
  if (rules) {
    const top = Object.entries(rules.ms).slice(0, 8);
    const total = Object.values(rules.ms).reduce((a, b) => a + b, 0);
    lines.push(
      '',
      `Slowest rules at n=${formatCount(rules.servers)} (each rule's check, timed separately; all rules: ${formatMs(total)}):`,
      table(
        ['rule', 'time'],
        top.map(([id, ms]) => [id, formatMs(ms)]),
      ),
    );
  }
  return lines.join('\n');
}

/** `npm run bench -- validate`. */
export const validateSuite: BenchSuite = {
  name: 'validate',
  description: 'avnet validate (library and CLI) against the YAML + X509 floor, by network size',
  options: {
    sizes: `network sizes, comma-separated (default ${DEFAULT_VALIDATE_SIZES.join(',')})`,
    runs: 'runs per measurement (default 5, 3 from 10,000 servers)',
    'no-rules': 'skip the per-rule timing run at the largest size',
  },
  async run(ctx) {
    const sizes = intListOption(ctx.options, 'sizes', DEFAULT_VALIDATE_SIZES);
    const loadBefore = os.loadavg()[0] ?? 0;
    const startupMs = await nodeStartup(ctx);
    const results: SizeResult[] = [];
    for (const servers of sizes) results.push(await measureSize(ctx, servers));
    const largest = Math.max(...sizes);
    const rules =
      ctx.options['no-rules'] === undefined
        ? { servers: largest, ms: await ruleTimes(ctx, largest) }
        : undefined;
    const loadAverage = Math.max(loadBefore, os.loadavg()[0] ?? 0);
    const busy = loadAverage > os.availableParallelism();
    return {
      report: report(results, startupMs, rules, loadAverage),
      results: {
        nodeStartupMs: startupMs,
        loadAverage,
        busy,
        goals: VALIDATE_GOALS,
        sizes: results,
        rules,
      },
      goals: goals(results, busy),
    };
  },
};
