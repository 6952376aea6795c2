/** Medians of measured child processes, and the machine's load while they ran. */
import os from 'node:os';
import { median } from './format.js';
import type { ChildRun } from './measure.js';

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
  /** The report's line about a busy machine, if it was busy. */
  note(consequence = 'wall times are noisy'): string[] {
    return this.busy
      ? [`note: the machine was busy (load average up to ${this.peak.toFixed(1)}): ${consequence}.`]
      : [];
  }
}
