/** Helpers shared by the plan, apply and sim-apply suites: measurements of reconciles in children. */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { median } from '../lib/format.js';
import { runScript, runTask, type ChildRun } from '../lib/measure.js';
import type { SuiteContext } from '../lib/suite.js';
import type { ReconcileArgs, ReconcileReport } from '../tasks/reconcile.js';

/** Medians of the stage times of several reconcile reports. */
export function medianStages(
  list: readonly ReconcileReport['stages'][],
): ReconcileReport['stages'] {
  const pick = (k: keyof ReconcileReport['stages']) => median(list.map((s) => s[k]));
  return {
    checkMs: pick('checkMs'),
    readMs: pick('readMs'),
    planMs: pick('planMs'),
    applyMs: pick('applyMs'),
    verifyMs: pick('verifyMs'),
  };
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
