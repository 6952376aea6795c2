/** What a benchmark suite is: a named module the runner can list, select and run. */
import os from 'node:os';
import { execFileSync } from 'node:child_process';

/** Options from the command line (`--sizes 100,2000 --runs 3`), as strings. */
export type SuiteOptions = Readonly<Record<string, string>>;

/** What the runner hands a suite. */
export interface SuiteContext {
  /** Repository root. */
  readonly rootDir: string;
  /** Scratch space kept between runs (gitignored): `.bench-tmp/`. */
  readonly tmpDir: string;
  /** Compiled code: `dist/`. */
  readonly distDir: string;
  readonly options: SuiteOptions;
  /** Progress lines for the person watching (stderr). */
  log(message: string): void;
}

/** A goal of a suite and whether the measurement met it. */
export interface GoalResult {
  readonly goal: string;
  readonly measured: string;
  readonly pass: boolean;
}

/** What a suite returns: a table to print, machine-readable results, goals. */
export interface SuiteResult {
  /** Printed to stdout after the run. */
  readonly report: string;
  /** Written to bench/results/<suite>.json (with machine information added). */
  readonly results: unknown;
  readonly goals: readonly GoalResult[];
}

/** A benchmark suite. */
export interface BenchSuite {
  readonly name: string;
  readonly description: string;
  /** Options the suite understands, for `--help`. */
  readonly options?: Readonly<Record<string, string>>;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

/** The machine a benchmark ran on, recorded with every result. */
export interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly commit?: string;
  readonly date: string;
}

/** Describes this machine (and the checked-out commit, when git can tell). */
export function machineInfo(rootDir: string): MachineInfo {
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: rootDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    commit = undefined;
  }
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    ...(commit ? { commit } : {}),
    date: new Date().toISOString(),
  };
}

/** Reads a comma-separated list of positive integers option, or the default. */
export function intListOption(
  options: SuiteOptions,
  name: string,
  fallback: readonly number[],
): number[] {
  const raw = options[name];
  if (raw === undefined) return [...fallback];
  const values = raw.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`--${name} must be a comma-separated list of positive integers (got ${raw})`);
  }
  return values;
}

/** Reads a positive integer option, or undefined when absent. */
export function intOption(options: SuiteOptions, name: string): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}
