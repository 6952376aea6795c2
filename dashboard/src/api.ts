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

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;

/**
 * Follows `api/v1/events` until `signal` aborts: read with fetch and a stream reader (so the
 * bearer token can be sent), reconnecting by itself with a growing delay when the stream is
 * lost, and stopping only on 401 (a new token restarts it).
 */
export async function followEvents(
  path: string,
  handlers: StreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  let delay = FIRST_RETRY_MS;
  let serverRetry: number | null = null;
  let lost = false;
  while (!signal.aborted) {
    // While reconnecting the page keeps saying it is disconnected until the stream is back.
    if (!lost) handlers.onState({ kind: 'connecting' });
    let reason: string;
    const hadToken = token() !== null;
    try {
      const res = await fetch(path, {
        headers: headers('text/event-stream'),
        cache: 'no-store',
        signal,
      });
      if (res.status === 401) {
        handlers.onState({ kind: 'unauthorized', hadToken });
        return;
      }
      if (!res.ok || !res.body) throw new ApiError(res.status, await errorMessage(res));
      handlers.onState({ kind: 'live', since: Date.now() });
      lost = false;
      delay = FIRST_RETRY_MS;
      const parser = new SseParser(handlers.onEvent, (ms) => (serverRetry = ms));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(value);
      }
      reason = 'the event stream ended';
    } catch (e) {
      if (signal.aborted) return;
      reason =
        e instanceof ApiError
          ? `serve answered ${e.message}`
          : 'the connection to avnet serve was lost';
    }
    lost = true;
    const wait = Math.min(MAX_RETRY_MS, serverRetry ?? delay);
    handlers.onState({ kind: 'disconnected', reason, retryAt: Date.now() + wait });
    await sleep(wait, signal);
    delay = Math.min(MAX_RETRY_MS, delay * 2);
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
