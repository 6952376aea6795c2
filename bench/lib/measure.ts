/**
 * Measurements in child processes, one process per measurement, so that peak memory (maxRSS)
 * belongs to that measurement alone. The child reports a JSON object on file descriptor 3; the
 * parent adds the wall time from spawn to exit (which includes Node's start-up).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Environment variable telling the preload and the task runner to report on fd 3. */
export const REPORT_FD_ENV = 'AVNET_BENCH_REPORT_FD';

/** What every child reports. */
export interface ChildReport {
  /** Peak resident set size of the child, in bytes. */
  readonly maxRssBytes: number;
  /** CPU time (user + system, all threads) of the whole process, ms. */
  readonly cpuMs: number;
  /** Time from process start to the first line of our code (Node start-up), ms. */
  readonly startupMs: number;
  /** Task runs only: time to import the task module, ms. */
  readonly importMs?: number;
  /** Task runs only: time spent in the task itself, ms. */
  readonly workMs?: number;
  /** Task runs only: CPU time spent in the task itself, ms. */
  readonly workCpuMs?: number;
  /** Task runs only: what the task returned. */
  readonly result?: unknown;
}

/** One finished child process. */
export interface ChildRun {
  readonly report: ChildReport;
  /** From spawn to exit, ms. */
  readonly wallMs: number;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node ...args` and collects its fd-3 report. */
export function runNode(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // BENCH_CPU_PROF=DIR writes a V8 CPU profile of every measured child into DIR.
    const profileDir = process.env.BENCH_CPU_PROF;
    const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const child = spawn(process.execPath, [...flags, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env, [REPORT_FD_ENV]: '3' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const rep: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => rep.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const raw = Buffer.concat(rep).toString('utf8');
      let report: ChildReport;
      try {
        report = JSON.parse(raw) as ChildReport;
      } catch {
        reject(
          new Error(
            `child ${args.join(' ')} exited with ${code} without a report\n${stderr.slice(-2000)}`,
          ),
        );
        return;
      }
      resolve({ report, wallMs, exitCode: code, stdout, stderr });
    });
  });
}

/** Runs an exported task function of a compiled bench module in a fresh process. */
export async function runTask(
  distDir: string,
  modulePath: string,
  exportName: string,
  args: unknown,
  opts: { env?: NodeJS.ProcessEnv; nodeFlags?: readonly string[] } = {},
): Promise<ChildRun & { result: unknown }> {
  const runner = path.join(distDir, 'bench', 'lib', 'child.js');
  const run = await runNode(
    [
      ...(opts.nodeFlags ?? []),
      runner,
      pathToFileURL(modulePath).href,
      exportName,
      JSON.stringify(args),
    ],
    { env: opts.env },
  );
  if (run.exitCode !== 0) {
    throw new Error(
      `task ${exportName} failed (exit ${run.exitCode}):\n${run.stderr.slice(-2000)}`,
    );
  }
  return { ...run, result: run.report.result };
}

/**
 * Runs a script (e.g. the CLI) with the memory-reporting preload, so any program can be measured
 * without changing it.
 */
export function runScript(
  distDir: string,
  script: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ChildRun> {
  const preload = pathToFileURL(path.join(distDir, 'bench', 'lib', 'report-preload.js')).href;
  return runNode(['--import', preload, script, ...args], opts);
}
