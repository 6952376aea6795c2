/**
 * Talking to `avnet serve`: JSON requests and the event stream, with the bearer token of this
 * tab. URLs are relative to the page, so the dashboard also works behind a path prefix.
 */
import { SseParser, type SseEvent } from './sse-parser.js';

const TOKEN_KEY = 'avnet-dashboard-token';

/** The token kept for this tab (sessionStorage: gone when the tab closes), or null. */
export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Keeps (or, with null, forgets) the token for this tab. */
export function storeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage refused (private mode): the token lives as long as the page.
  }
  memoryToken = token;
}

let memoryToken: string | null = null;

function token(): string | null {
  return storedToken() ?? memoryToken;
}

function headers(accept: string): Record<string, string> {
  const t = token();
  return t ? { Accept: accept, Authorization: `Bearer ${t}` } : { Accept: accept };
}

/** serve answered 401: no token, or the wrong one. */
export class AuthError extends Error {
  constructor(readonly hadToken: boolean) {
    super(hadToken ? 'the token was refused' : 'a token is needed');
  }
}

/** Any other failed request, with the reason serve gave. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON
  }
  return `${res.status} ${res.statusText}`.trim();
}

/** GET a JSON endpoint of serve (`api/v1/...`). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const hadToken = token() !== null;
  let res: Response;
  try {
    res = await fetch(path, { headers: headers('application/json'), cache: 'no-store', signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(0, 'avnet serve cannot be reached');
  }
  if (res.status === 401) throw new AuthError(hadToken);
  if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
  return (await res.json()) as T;
}

/** The event stream's state, as the page reports it. */
export type StreamState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'live'; readonly since: number }
  | { readonly kind: 'disconnected'; readonly reason: string; readonly retryAt: number }
  | { readonly kind: 'unauthorized'; readonly hadToken: boolean };

/** What the stream tells its owner. */
export interface StreamHandlers {
  onEvent(event: SseEvent): void;
  onState(state: StreamState): void;
}

/** How the stream reconnects and when it gives a silent connection up (tests shorten them). */
export interface FollowOptions {
  /** First wait after a loss, doubled each time up to `maxRetryMs`. */
  readonly firstRetryMs?: number;
  readonly maxRetryMs?: number;
  /**
   * A stream that brings nothing (not even serve's heartbeat comment, every 15 s) for this long
   * is taken as lost: a proxy or a sleeping laptop can leave a dead connection open.
   */
  readonly idleMs?: number;
  readonly fetch?: typeof fetch;
}

/** Defaults: retry after 0.5 s, 1 s, 2 s, 4 s, then every 5 s; idle after 45 s (3 heartbeats). */
export const FOLLOW_DEFAULTS = { firstRetryMs: 500, maxRetryMs: 5000, idleMs: 45_000 } as const;

/**
 * Follows `api/v1/events` until `signal` aborts: read with fetch and a stream reader (so the
 * bearer token can be sent), reconnecting by itself with a growing delay when the stream is
 * lost or falls silent, and stopping only on 401 (a new token restarts it).
 */
export async function followEvents(
  path: string,
  handlers: StreamHandlers,
  signal: AbortSignal,
  options: FollowOptions = {},
): Promise<void> {
  const firstRetry = options.firstRetryMs ?? FOLLOW_DEFAULTS.firstRetryMs;
  const maxRetry = options.maxRetryMs ?? FOLLOW_DEFAULTS.maxRetryMs;
  const idleMs = options.idleMs ?? FOLLOW_DEFAULTS.idleMs;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  let delay = firstRetry;
  let serverRetry: number | null = null;
  let lost = false;
  while (!signal.aborted) {
    // While reconnecting the page keeps saying it is disconnected until the stream is back.
    if (!lost) handlers.onState({ kind: 'connecting' });
    let reason: string;
    const hadToken = token() !== null;
    // One controller per connection: the watchdog drops this connection, not the whole loop.
    const conn = new AbortController();
    const stop = () => conn.abort();
    signal.addEventListener('abort', stop, { once: true });
    let idle = false;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        idle = true;
        conn.abort();
      }, idleMs);
    };
    try {
      const res = await doFetch(path, {
        headers: headers('text/event-stream'),
        cache: 'no-store',
        signal: conn.signal,
      });
      if (res.status === 401) {
        handlers.onState({ kind: 'unauthorized', hadToken });
        return;
      }
      if (!res.ok || !res.body) throw new ApiError(res.status, await errorMessage(res));
      handlers.onState({ kind: 'live', since: Date.now() });
      lost = false;
      delay = firstRetry;
      const parser = new SseParser(handlers.onEvent, (ms) => (serverRetry = ms));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      arm();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arm();
        parser.push(value);
      }
      reason = 'the event stream ended';
    } catch (e) {
      if (signal.aborted) return;
      reason = idle
        ? `no data from avnet serve for ${Math.round(idleMs / 1000)} s`
        : e instanceof ApiError
          ? `serve answered ${e.message}`
          : 'the connection to avnet serve was lost';
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener('abort', stop);
    }
    lost = true;
    const wait = Math.min(maxRetry, serverRetry ?? delay);
    handlers.onState({ kind: 'disconnected', reason, retryAt: Date.now() + wait });
    await sleep(wait, signal);
    delay = Math.min(maxRetry, delay * 2);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
