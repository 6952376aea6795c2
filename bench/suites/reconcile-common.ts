/** Helpers shared by the plan, apply and sim-apply suites: measurements of reconciles in children. */
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { median } from '../lib/format.js';
import { runScript, runTask, type ChildRun } from '../lib/measure.js';
import type { SuiteContext } from '../lib/suite.js';
import type { ReconcileArgs, ReconcileReport } from '../tasks/reconcile.js';

/** Samples and medians of one kind of measurement. */
export interface Measurement {
  readonly label: string;
  readonly runs: number;
  /** In-process time of the work (tasks) or spawn-to-exit time (CLI processes), ms. */
  readonly timeMs: number;
  /** CPU time (user + system) of the same span, ms. */
  readonly cpuMs: number;
  /** Spawn to exit, ms (includes Node start-up). */
  readonly wallMs: number;
  readonly maxRssBytes: number;
  readonly samples: readonly {
    readonly timeMs: number;
    readonly cpuMs: number;
    readonly wallMs: number;
    readonly maxRssBytes: number;
  }[];
}

/** Medians of child runs: task runs use their in-process work time, scripts their wall time. */
export function summarizeRuns(label: string, runs: readonly ChildRun[]): Measurement {
  const samples = runs.map((r) => ({
    timeMs: r.report.workMs ?? r.wallMs,
    cpuMs: r.report.workCpuMs ?? r.report.cpuMs,
    wallMs: r.wallMs,
    maxRssBytes: r.report.maxRssBytes,
  }));
  return {
    label,
    runs: runs.length,
    timeMs: median(samples.map((s) => s.timeMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    wallMs: median(samples.map((s) => s.wallMs)),
    maxRssBytes: median(samples.map((s) => s.maxRssBytes)),
    samples,
  };
}

/** The highest one-minute load average seen; sampled around measurements. */
export class LoadWatch {
  private max = os.loadavg()[0] ?? 0;
  /** Takes a sample now. */
  sample(): void {
    this.max = Math.max(this.max, os.loadavg()[0] ?? 0);
  }
  /** The highest load average sampled. */
  get peak(): number {
    this.sample();
    return this.max;
  }
  /** True when the machine was busier than its cores: wall times then measure the others. */
  get busy(): boolean {
    return this.peak > os.availableParallelism();
  }
}

/** Runs `reconcileTask` (bench/tasks/reconcile.ts) in a fresh process. */
export async function runReconcile(
  ctx: SuiteContext,
  args: ReconcileArgs,
  env: NodeJS.ProcessEnv,
): Promise<ChildRun & { result: ReconcileReport }> {
  const module = path.join(ctx.distDir, 'bench', 'tasks', 'reconcile.js');
  const run = await runTask(ctx.distDir, module, 'reconcileTask', args, { env });
  return run as ChildRun & { result: ReconcileReport };
}

/** Runs `node bin/avnet.js ARGS` with peak memory and CPU reported; fails on an unexpected exit. */
export async function runCli(
  ctx: SuiteContext,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  expectExit = 0,
): Promise<ChildRun> {
  const cli = path.join(ctx.rootDir, 'bin', 'avnet.js');
  const run = await runScript(ctx.distDir, cli, args, { cwd: ctx.rootDir, env });
  if (run.exitCode !== expectExit) {
    throw new Error(
      `avnet ${args.join(' ')} exited with ${run.exitCode} (expected ${expectExit})\n${run.stderr.slice(-3000)}`,
    );
  }
  return run;
}

/** Parses a JSON document a CLI run printed. */
export function cliJson<T>(run: ChildRun, what: string): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(
      `${what}: no JSON on stdout (exit ${run.exitCode})\n${run.stderr.slice(-2000)}`,
    );
  }
}

/** The revision of every server state file in a dir-backend folder, by file name. */
export async function stateRevisions(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
  for (let i = 0; i < files.length; i += 256) {
    const batch = files.slice(i, i + 256);
    const texts = await Promise.all(batch.map((f) => readFile(path.join(dir, f), 'utf8')));
    batch.forEach((f, j) => out.set(f, (JSON.parse(texts[j]!) as { revision: number }).revision));
  }
  return out;
}

/** Files whose revision differs between two snapshots (or that appeared or vanished). */
export function changedRevisions(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}

/** Throws with a readable message when a condition of a measurement does not hold. */
export function expectThat(condition: boolean, message: string, detail?: unknown): void {
  if (!condition) {
    throw new Error(
      detail === undefined
        ? message
        : `${message}\n${JSON.stringify(detail, null, 2).slice(0, 4000)}`,
    );
  }
}
