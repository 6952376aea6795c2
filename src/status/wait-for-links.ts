/** Waiting until every link of the topology is online (`apply --wait`), polling the backend. */
import type { Context } from '../model/index.js';
import { HttpAccessError } from '../backends/index.js';
import {
  collectLinkStatus,
  offlineLinks,
  type LinkReport,
  type StatusOptions,
} from './link-report.js';

/** Progress of a wait, after each poll. */
export interface WaitProgress {
  readonly online: number;
  readonly total: number;
  readonly elapsedMs: number;
  readonly report?: LinkReport;
  /** Set when the last poll failed (the wait goes on). */
  readonly error?: string;
}

/** Options of a wait. */
export interface WaitOptions extends StatusOptions {
  readonly timeoutMs: number;
  /** Pause between polls (default 500 ms). */
  readonly intervalMs?: number;
  readonly onProgress?: (p: WaitProgress) => void;
  /**
   * Ends the wait early when the links still offline are not expected to come up (e.g. they
   * involve a server the apply failed on); the outcome is then `settled`.
   */
  readonly settled?: (report: LinkReport) => boolean;
}

/** How a wait ended. */
export interface WaitResult {
  /** `error`: the backend refused access (credentials, TLS trust); waiting cannot help. */
  readonly outcome: 'online' | 'timeout' | 'aborted' | 'error' | 'settled';
  /** The last report (absent only when no poll ever succeeded). */
  readonly report?: LinkReport;
  /** The last poll's failure, when there was one. */
  readonly error?: string;
  readonly elapsedMs: number;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Polls link states until every declared link is online, the timeout passes, or the signal aborts. */
export async function waitForLinks(opts: WaitOptions, ctx: Context): Promise<WaitResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let report: LinkReport | undefined;
  let error: string | undefined;
  for (;;) {
    if (ctx.signal.aborted) return { outcome: 'aborted', report, error, elapsedMs: elapsed() };
    try {
      report = await collectLinkStatus(opts, ctx);
      error = undefined;
      const offline = offlineLinks(report, true).length;
      opts.onProgress?.({
        online: report.declared - offline,
        total: report.declared,
        elapsedMs: elapsed(),
        report,
      });
      if (offline === 0) return { outcome: 'online', report, elapsedMs: elapsed() };
      if (opts.settled?.(report)) return { outcome: 'settled', report, elapsedMs: elapsed() };
    } catch (err) {
      if (ctx.signal.aborted) return { outcome: 'aborted', report, error, elapsedMs: elapsed() };
      error = (err as Error).message;
      if (err instanceof HttpAccessError)
        return { outcome: 'error', report, error, elapsedMs: elapsed() };
      ctx.logger.warn({ err: error }, 'reading link states failed; still waiting');
      opts.onProgress?.({
        online: report ? report.declared - offlineLinks(report, true).length : 0,
        total: report?.declared ?? 0,
        elapsedMs: elapsed(),
        error,
      });
    }
    const left = opts.timeoutMs - elapsed();
    if (left <= 0) return { outcome: 'timeout', report, error, elapsedMs: elapsed() };
    await pause(Math.min(opts.intervalMs ?? 500, left), ctx.signal);
  }
}
