/**
 * `avnet watch` as a library: reconcile on start, after every change of the topology or a file it
 * references (debounced), and on an interval to catch drift. Runs never overlap; a save that
 * changed no content is skipped; a broken save is reported and nothing is applied until it is
 * fixed. Aborting the context's signal finishes the running cycle, closes the watchers and
 * resolves.
 */
import path from 'node:path';
import type { Context } from '../model/index.js';
import {
  ranApply,
  readingOf,
  reconcileOnce,
  type ReconcileOptions,
  type ReconcileOutcome,
  type ReconcileResult,
} from '../engine/index.js';
import {
  chokidarFolderWatcher,
  type FileEvent,
  type FolderWatcher,
  type FolderWatcherFactory,
} from './folder-watcher.js';
import { digestFiles, sameDigests, watchedFilesOf } from './watched-files.js';

/** Why a cycle ran. `retry` follows a cycle that failed (a locked state, an unreachable server). */
export type WatchTrigger = 'start' | 'change' | 'interval' | 'retry';

/** How a cycle ended: a reconcile outcome, or `error` when the reconcile threw. */
export type WatchOutcome = ReconcileOutcome | 'error';

/** Timers, replaceable in tests. */
export interface WatchTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process timers. */
export const systemTimers: WatchTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** One reconcile of the topology: `apply` when the watch applies, `plan` otherwise. */
export type WatchReconcile = (mode: 'plan' | 'apply', ctx: Context) => Promise<ReconcileResult>;

/** A `WatchReconcile` that runs `reconcileOnce` (or `fn`) with fixed options; the lock names "watch". */
export function reconcileWith(
  options: Omit<ReconcileOptions, 'mode' | 'confirm'>,
  fn: (opts: ReconcileOptions, ctx: Context) => Promise<ReconcileResult> = reconcileOnce,
): WatchReconcile {
  return (mode, ctx) => fn({ ...options, mode, operation: 'watch' }, ctx);
}

/** Default debounce after the last file event, ms. */
export const DEFAULT_DEBOUNCE_MS = 300;

/** Default drift-check interval, ms (5 minutes). */
export const DEFAULT_INTERVAL_MS = 5 * 60_000;

/** Default delay before retrying a cycle that failed, ms. */
export const DEFAULT_RETRY_MS = 10_000;

/** Options of a watch. */
export interface WatchOptions {
  /** The topology file (relative paths resolve against the process working directory). */
  readonly file: string;
  /** Runs one reconcile; normally `reconcileOnce` with the command's options. */
  readonly reconcile: WatchReconcile;
  /** Apply changes (and heal drift on interval cycles); otherwise only plan. */
  readonly apply: boolean;
  readonly debounceMs?: number;
  /** Drift-check interval in ms; 0 turns interval cycles off. */
  readonly intervalMs?: number;
  readonly retryMs?: number;
  readonly timers?: WatchTimers;
  /** How files are watched; chokidar on their folders by default. */
  readonly folderWatcher?: FolderWatcherFactory;
  /** Called after every cycle (print the plan here); awaited before the next cycle starts. */
  readonly onCycle?: (cycle: WatchCycle) => void | Promise<void>;
  /** Called when a change-triggered run is skipped because no watched content changed. */
  readonly onSkip?: (files: readonly string[]) => void;
  /** Called once, when the files the first reconcile found are being watched (before its report). */
  readonly onReady?: (files: readonly string[]) => void;
}

/** What one cycle did, as logged and handed to `onCycle`. */
export interface WatchCycle {
  /** 1, 2, ... */
  readonly number: number;
  readonly trigger: WatchTrigger;
  /** Files whose change triggered the cycle, relative to the topology's folder. */
  readonly files: readonly string[];
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly outcome: WatchOutcome;
  /** Changes in the plan (0 when there was no plan). */
  readonly changes: number;
  /** True when an apply ran (the plan had changes and `apply` is on); see `outcome` for how it went. */
  readonly applied: boolean;
  /** The reconcile's result; absent when it threw or when `stillInvalid`. */
  readonly result?: ReconcileResult;
  readonly error?: Error;
  /**
   * An interval cycle while the topology is invalid and unchanged: nothing was read or applied,
   * and the diagnostics are those already reported.
   */
  readonly stillInvalid?: boolean;
  /** When the next cycle is due (now, if a change is queued), or null if none is scheduled. */
  readonly nextRunAt: Date | null;
}

/** What a whole watch did, when it ends. */
export interface WatchSummary {
  readonly cycles: number;
  readonly skipped: number;
  readonly applied: number;
  readonly lastOutcome?: WatchOutcome;
}

interface Request {
  trigger: WatchTrigger;
  files: Set<string>;
}

/** Which trigger a merged request reports: a change wins, so its files are named. */
const TRIGGER_RANK: Record<WatchTrigger, number> = { change: 3, start: 2, retry: 1, interval: 0 };

class WatchLoop {
  private readonly timers: WatchTimers;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly intervalMs: number;
  private readonly retryMs: number;
  private readonly topologyFile: string;
  private readonly rootDir: string;
  private readonly watcher: FolderWatcher;

  private files: string[];
  private missingFolders: string[] = [];
  /** Digests of the watched files as the last run read them; undefined forces the next run. */
  private lastDigests: Map<string, string> | undefined;
  private lastOutcome: WatchOutcome | undefined;
  private running = false;
  private stopping = false;
  private queued: Request | undefined;
  private pendingFiles = new Set<string>();
  private debounceHandle: unknown;
  private debounceStartedAt: number | undefined;
  private timerHandle: unknown;
  private timerAt: Date | undefined;
  private cycles = 0;
  private skipped = 0;
  private appliedCycles = 0;
  private finished!: () => void;

  constructor(
    private readonly opts: WatchOptions,
    private readonly ctx: Context,
  ) {
    this.timers = opts.timers ?? systemTimers;
    this.debounceMs = Math.max(0, opts.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    // A file saved again and again (a generator in a loop) still gets a run now and then.
    this.maxWaitMs = Math.max(2_000, this.debounceMs * 10);
    this.intervalMs = Math.max(0, opts.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.retryMs = Math.max(1, opts.retryMs ?? DEFAULT_RETRY_MS);
    this.topologyFile = path.resolve(opts.file);
    this.rootDir = path.dirname(this.topologyFile);
    this.files = [this.topologyFile];
    this.watcher = (opts.folderWatcher ?? chokidarFolderWatcher)(
      (file, event) => this.onFileEvent(file, event),
      (err) => this.ctx.logger.warn({ err: err.message }, 'file watcher error'),
    );
  }

  async run(): Promise<WatchSummary> {
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    if (this.ctx.signal.aborted) return this.summary();
    this.missingFolders = await this.watcher.watch(this.files);
    const onAbort = () => this.stop();
    this.ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (this.ctx.signal.aborted) this.stop();
    else this.request({ trigger: 'start', files: new Set() });
    await done;
    this.ctx.signal.removeEventListener('abort', onAbort);
    await this.watcher.close();
    return this.summary();
  }

  private summary(): WatchSummary {
    return {
      cycles: this.cycles,
      skipped: this.skipped,
      applied: this.appliedCycles,
      ...(this.lastOutcome ? { lastOutcome: this.lastOutcome } : {}),
    };
  }

  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.clearDebounce();
    this.clearTimer();
    this.queued = undefined;
    if (!this.running) this.finished();
  }

  private onFileEvent(file: string, event: FileEvent): void {
    if (this.stopping) return;
    this.ctx.logger.debug({ file: this.display(file), event }, 'watched file changed');
    this.pendingFiles.add(file);
    const now = this.ctx.clock.now().getTime();
    this.debounceStartedAt ??= now;
    if (this.debounceHandle !== undefined) this.timers.clearTimeout(this.debounceHandle);
    const waited = now - this.debounceStartedAt;
    const delay = waited >= this.maxWaitMs ? 0 : this.debounceMs;
    this.debounceHandle = this.timers.setTimeout(() => {
      const files = this.pendingFiles;
      this.clearDebounce();
      this.request({ trigger: 'change', files });
    }, delay);
  }

  private clearDebounce(): void {
    if (this.debounceHandle !== undefined) this.timers.clearTimeout(this.debounceHandle);
    this.debounceHandle = undefined;
    this.debounceStartedAt = undefined;
    this.pendingFiles = new Set();
  }

  private clearTimer(): void {
    if (this.timerHandle !== undefined) this.timers.clearTimeout(this.timerHandle);
    this.timerHandle = undefined;
    this.timerAt = undefined;
  }

  /** Starts a cycle now, or queues exactly one more after the running one. */
  private request(req: Request): void {
    if (this.stopping) return;
    if (this.running) {
      if (!this.queued) this.queued = { trigger: req.trigger, files: new Set(req.files) };
      else {
        for (const f of req.files) this.queued.files.add(f);
        if (TRIGGER_RANK[req.trigger] > TRIGGER_RANK[this.queued.trigger]) {
          this.queued.trigger = req.trigger;
        }
      }
      return;
    }
    this.running = true;
    void this.cycle(req);
  }

  private schedule(trigger: 'interval' | 'retry', ms: number): Date {
    this.clearTimer();
    const at = new Date(this.ctx.clock.now().getTime() + ms);
    this.timerHandle = this.timers.setTimeout(() => {
      this.timerHandle = undefined;
      this.timerAt = undefined;
      if (this.pendingFiles.size > 0) {
        // A save is waiting out its debounce: this run reads it anyway, so name it as the trigger.
        const files = this.pendingFiles;
        this.clearDebounce();
        this.request({ trigger: 'change', files });
      } else this.request({ trigger, files: new Set() });
    }, ms);
    this.timerAt = at;
    return at;
  }

  private display(file: string): string {
    const rel = path.relative(this.rootDir, file);
    return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
  }

  private async cycle(req: Request): Promise<void> {
    const startedAt = this.ctx.clock.now();
    const t0 = performance.now();
    const files = [...req.files].map((f) => this.display(f)).sort();
    let result: ReconcileResult | undefined;
    let error: Error | undefined;
    let stillInvalid = false;
    let ran = false;
    try {
      const digests = await digestFiles(this.files);
      const unchanged = sameDigests(this.lastDigests, digests);
      if (req.trigger === 'change' && unchanged) {
        this.skipped++;
        this.ctx.logger.debug({ files }, 'watch: nothing changed, run skipped');
        this.opts.onSkip?.(files);
      } else if (req.trigger === 'interval' && unchanged && this.lastOutcome === 'invalid') {
        stillInvalid = true;
        ran = true;
      } else {
        ran = true;
        this.clearTimer();
        this.lastDigests = digests;
        try {
          result = await this.opts.reconcile(this.opts.apply ? 'apply' : 'plan', this.ctx);
        } catch (err) {
          error = err instanceof Error ? err : new Error(String(err));
        }
        if (result?.checked.loaded.parsedOk)
          await this.follow(watchedFilesOf(result.checked.loaded));
        else if (this.missingFolders.length > 0) await this.follow(this.files);
        if (this.cycles === 0) this.opts.onReady?.(this.files.map((f) => this.display(f)));
      }
    } catch (err) {
      // Fingerprinting or re-watching failed (a folder vanished): report it as the cycle's error.
      ran = true;
      error = err instanceof Error ? err : new Error(String(err));
    }

    const outcome: WatchOutcome | undefined = stillInvalid
      ? 'invalid'
      : error
        ? 'error'
        : result?.outcome;
    const retry = result ? needsRetry(result) : outcome === 'error';
    if (retry) {
      // The next change must not be skipped as "unchanged": the last run did not succeed.
      this.lastDigests = undefined;
    }
    if (ran && this.queued && this.queued.files.size === 0) {
      // An interval or retry tick that came while this cycle ran: this cycle read the actual state
      // (or found the files still broken) already, so a second read right now would add nothing.
      this.queued = undefined;
    }
    let nextRunAt: Date | null = null;
    if (!ran) {
      // A skipped run read nothing: the pending interval (or retry) timer stays as it was.
      nextRunAt = this.queued ? this.ctx.clock.now() : (this.timerAt ?? null);
    } else if (!this.stopping) {
      if (this.queued) nextRunAt = this.ctx.clock.now();
      else if (retry) {
        nextRunAt = this.schedule(
          'retry',
          this.intervalMs > 0 ? Math.min(this.retryMs, this.intervalMs) : this.retryMs,
        );
      } else if (this.intervalMs > 0) nextRunAt = this.schedule('interval', this.intervalMs);
    }

    if (ran && outcome) {
      this.cycles++;
      this.lastOutcome = outcome;
      const applied = result !== undefined && ranApply(result);
      if (applied) this.appliedCycles++;
      const cycle: WatchCycle = {
        number: this.cycles,
        trigger: req.trigger,
        files,
        startedAt,
        durationMs: Math.round(performance.now() - t0),
        outcome,
        changes: (result && readingOf(result)?.plan.changes.length) ?? 0,
        applied,
        ...(result ? { result } : {}),
        ...(error ? { error } : {}),
        ...(stillInvalid ? { stillInvalid } : {}),
        nextRunAt,
      };
      this.ctx.logger.info(
        {
          cycle: cycle.number,
          trigger: cycle.trigger,
          files: cycle.files,
          changes: cycle.changes,
          applied: cycle.applied,
          outcome: cycle.outcome,
          durationMs: cycle.durationMs,
          nextRunAt: nextRunAt?.toISOString() ?? null,
          ...(error ? { error: error.message } : {}),
        },
        'watch cycle',
      );
      try {
        await this.opts.onCycle?.(cycle);
      } catch (err) {
        this.ctx.logger.error({ err: (err as Error).message }, 'watch: reporting a cycle failed');
      }
    }

    this.running = false;
    if (this.stopping) {
      this.finished();
      return;
    }
    const next = this.queued;
    this.queued = undefined;
    if (next) this.request(next);
  }

  /**
   * Watches a new set of files (a certificate path was added or removed). Files already watched
   * keep the digest taken before the run, so a save during the run is never mistaken for
   * "unchanged"; new files are digested once they are watched.
   */
  private async follow(files: string[]): Promise<void> {
    const changed =
      files.length !== this.files.length ||
      files.some((f, i) => f !== this.files[i]) ||
      this.missingFolders.length > 0;
    if (!changed || this.stopping) return;
    this.files = files;
    this.missingFolders = await this.watcher.watch(files);
    if (this.missingFolders.length > 0) {
      this.ctx.logger.warn(
        { folders: this.missingFolders.map((d) => this.display(d)) },
        'watch: folders of referenced files do not exist; they are checked again on each cycle',
      );
    }
    if (this.lastDigests) {
      const previous = this.lastDigests;
      const added = files.filter((f) => !previous.has(f));
      const fresh = await digestFiles(added);
      this.lastDigests = new Map(
        files.map((f) => [f, previous.get(f) ?? (fresh.get(f) as string)]),
      );
    }
  }
}

/**
 * True when a cycle did not get through and is worth retrying soon: a server failed or could not
 * be read, or the state is locked by another operation.
 */
function needsRetry(result: ReconcileResult): boolean {
  return (
    result.outcome === 'failed' ||
    result.outcome === 'incomplete' ||
    (result.outcome === 'refused' && result.refusal.reason === 'locked')
  );
}

/** Watches a topology and reconciles on every change and interval until `ctx.signal` aborts. */
export async function watchTopology(opts: WatchOptions, ctx: Context): Promise<WatchSummary> {
  return new WatchLoop(opts, ctx).run();
}
