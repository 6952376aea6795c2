/**
 * Child-process entry of a task measurement: `node child.js MODULE_URL EXPORT ARGS_JSON`.
 * Imports the module, runs the exported task once, and reports times and peak memory on fd 3.
 */
import { writeSync } from 'node:fs';
import type { ChildReport } from './measure.js';

/** A task run in a child process: returns a JSON-able result and what it must keep alive. */
export type BenchTask = (args: never) => Promise<TaskOutcome> | TaskOutcome;

/** What a task returns. */
export interface TaskOutcome {
  /** Reported to the parent (JSON). */
  readonly result: unknown;
  /**
   * Data the task built, held until peak memory has been read, so that a measurement cannot
   * look smaller by letting the garbage collector free its results early.
   */
  readonly retained?: unknown;
}

const startupMs = performance.now();
const [moduleUrl, exportName, argsJson] = process.argv.slice(2);
if (!moduleUrl || !exportName || argsJson === undefined) {
  process.stderr.write('usage: child.js MODULE_URL EXPORT ARGS_JSON\n');
  process.exit(2);
}
const importStart = performance.now();
const mod = (await import(moduleUrl)) as Record<string, unknown>;
const task = mod[exportName];
if (typeof task !== 'function') {
  process.stderr.write(`${moduleUrl} has no task ${exportName}\n`);
  process.exit(2);
}
const workStart = performance.now();
const cpuStart = process.cpuUsage();
const outcome = (await (task as (a: unknown) => Promise<TaskOutcome>)(
  JSON.parse(argsJson) as unknown,
)) as TaskOutcome;
const workMs = performance.now() - workStart;
const workCpu = process.cpuUsage(cpuStart);
const cpu = process.cpuUsage();
const report: ChildReport = {
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  cpuMs: (cpu.user + cpu.system) / 1000,
  startupMs,
  importMs: workStart - importStart,
  workMs,
  workCpuMs: (workCpu.user + workCpu.system) / 1000,
  result: outcome.result,
};
// The parent reads fd 3 (AVNET_BENCH_REPORT_FD); run by hand (e.g. under --cpu-prof), stdout.
const fd = Number(process.env.AVNET_BENCH_REPORT_FD ?? 1);
writeSync(Number.isInteger(fd) && fd > 0 ? fd : 1, JSON.stringify(report) + (fd === 1 ? '\n' : ''));
// Read after the report: keeps `retained` reachable until maxRSS has been taken.
if (outcome.retained === Symbol.for('never')) process.stderr.write('');
