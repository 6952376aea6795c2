/** When to try a failed fetch again: the serve loop's retry schedule, pure. */

/** The first retry's delay. */
export const FETCH_BACKOFF_BASE_MS = 5_000;

/** The cap when fetching on an interval is off (`--git-interval 0`): retries still happen. */
export const FETCH_BACKOFF_DEFAULT_CAP_MS = 5 * 60_000;

/**
 * Delay before fetch attempt `attempt + 1` after `attempt` consecutive failures (1 = the first
 * failure): 5 s, 10 s, 20 s, ... doubling, capped at `capMs` (the `--git-interval`; 5 min when
 * that is 0), then jittered down by up to 20 % so that many agents behind one git server do not
 * retry in step. Never more than the cap, never less than 1 s. `random` is `Math.random` in use.
 */
export function fetchBackoff(
  attempt: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const cap = Math.max(capMs > 0 ? capMs : FETCH_BACKOFF_DEFAULT_CAP_MS, 1_000);
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // 2^30 × 5 s is already far beyond any cap; a larger exponent would only overflow.
  const raw = FETCH_BACKOFF_BASE_MS * 2 ** Math.min(n - 1, 30);
  const delay = Math.min(raw, cap);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(1_000, Math.round(delay * (1 - 0.2 * r)));
}
