/**
 * Outgoing notifications of `avnet serve` (../shared/spec/serve.md, "Notifications"): every
 * `--notify` URL receives each notification as a JSON POST, signed when a secret is configured,
 * retried with backoff on network errors, 5xx and 429. A receiver that is down never blocks the
 * caller: each URL has its own bounded queue and delivers in order in the background.
 *
 * The notification's `text` is the caller's (the serve loop knows what happened); the notifier
 * only keeps it to one line.
 */
import { randomUUID } from 'node:crypto';
import { signBody } from './webhooks.js';
import { readFileSync } from 'node:fs';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { systemClock, type Clock, type Logger } from '../model/index.js';
import { packageFile } from '../util/package-root.js';
import type { Notification } from './serve-model.js';

/** Sends notifications; never blocks and never throws. */
export interface Notifier {
  /** Queues `n` for every URL and returns at once. Ignored after close(). */
  notify(n: Notification): void;
  /** Stops every retry and request and drops what is still queued; resolves quickly. */
  close(): Promise<void>;
}

/** How deliveries are retried. */
export interface RetryPolicy {
  /** Waits between tries (before jitter); tries = waits + 1. */
  readonly delaysMs: readonly number[];
  /** Every try of one notification starts within this time of the first. */
  readonly budgetMs: number;
  /** ± this fraction of each wait, at random, so receivers are not hit in lockstep. */
  readonly jitter: number;
  /** One try gives up after this long without an answer. */
  readonly timeoutMs: number;
  /** Queued notifications per URL; beyond it the oldest is dropped with a warning. */
  readonly maxPending: number;
}

/** 5 tries: at once, then after about 1 s, 4 s, 15 s and 40 s, all starting within 2 minutes. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  delaysMs: [1_000, 4_000, 15_000, 40_000],
  budgetMs: 120_000,
  jitter: 0.2,
  timeoutMs: 10_000,
  maxPending: 100,
};

/** What createNotifier needs. */
export interface NotifierOptions {
  readonly urls: readonly string[];
  /** Signs each body: `X-Avnet-Signature: sha256=HEX`, HMAC-SHA256 of the raw body. */
  readonly secret?: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** A number in [0, 1) for jitter; Math.random by default. */
  readonly random?: () => number;
  /** The global fetch by default. */
  readonly fetchImpl?: typeof fetch;
  /** `avnet/VERSION` by default. */
  readonly userAgent?: string;
  readonly retry?: Partial<RetryPolicy>;
  /** Waits `ms` or until `signal` aborts (then rejects); an unref'd timer by default. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A `--notify` URL taken apart: where to POST, what to log, and its credentials as a header. */
interface Receiver {
  /** The URL without user:password (fetch refuses URLs that carry credentials). */
  readonly url: string;
  /** scheme://host[:port] only: a path or query may hold a token (Slack, Teams). */
  readonly origin: string;
  /** `Basic …` from the URL's user:password, or undefined. */
  readonly authorization: string | undefined;
}

function parseReceiver(raw: string): Receiver | { problem: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { problem: 'is not a URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return { problem: 'must be an http:// or https:// URL' };
  }
  let authorization: string | undefined;
  if (u.username || u.password) {
    let user: string;
    let password: string;
    try {
      user = decodeURIComponent(u.username);
      password = decodeURIComponent(u.password);
    } catch {
      return { problem: 'has credentials that are not valid percent-encoding' };
    }
    authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  return { url: u.href, origin: `${u.protocol}//${u.host}`, authorization };
}

/** Why a `--notify` URL cannot be used, without repeating it (it may hold a token), or null. */
export function checkNotifyUrl(raw: string): string | null {
  const r = parseReceiver(raw);
  return 'problem' in r ? r.problem : null;
}

/** The receiver's address as logs show it: scheme://host[:port], never credentials, path or query. */
export function notifyUrlForLogs(raw: string): string {
  const r = parseReceiver(raw);
  return 'problem' in r ? '(invalid URL)' : r.origin;
}

/** `sha256=HEX`: HMAC-SHA256 of the raw body with the secret, as X-Avnet-Signature carries it. */
export function notificationSignature(body: string | Uint8Array, secret: string): string {
  // The same signature as the generic webhook receiver checks: one sender format for both.
  return signBody(secret, body);
}

let version: string | undefined;
function defaultUserAgent(): string {
  version ??= (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string })
    .version;
  return `avnet/${version}`;
}

/** The unref'd default wait: a receiver that is down never keeps the process alive. */
function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return sleepFor(ms, undefined, { signal, ref: false });
}

/** One notification ready to send: the exact bytes, signed once for every URL. */
interface Delivery {
  readonly event: Notification['event'];
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** How one try ended. */
type TryResult =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      readonly retry: boolean;
      readonly reason: string;
      readonly retryAfterMs?: number;
    };

/** Retry-After as milliseconds from now (delta-seconds or an HTTP date), or undefined. */
function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** A network failure as words that cannot hold the URL (fetch's messages may quote it). */
function networkReason(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs / 1000} s`;
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)
    ? `network error (${code})`
    : 'network error';
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Creates a notifier for these URLs; throws, naming the URL by its position only, if one is unusable. */
export function createNotifier(opts: NotifierOptions): Notifier {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const fetchImpl = opts.fetchImpl ?? fetch;
  const sleep = opts.sleep ?? defaultSleep;
  const userAgent = opts.userAgent ?? defaultUserAgent();
  const logger = opts.logger;
  const stop = new AbortController();
  const maxTries = policy.delaysMs.length + 1;

  const receivers = opts.urls.map((raw, i) => {
    const r = parseReceiver(raw);
    if ('problem' in r) throw new Error(`notification URL #${i + 1} ${r.problem}`);
    return r;
  });

  interface Target {
    readonly receiver: Receiver;
    readonly queue: Delivery[];
    running: Promise<void> | null;
  }
  const targets: Target[] = receivers.map((receiver) => ({ receiver, queue: [], running: null }));

  const wait = async (ms: number): Promise<boolean> => {
    try {
      await sleep(ms, stop.signal);
      return !stop.signal.aborted;
    } catch {
      return false;
    }
  };

  const tryOnce = async (receiver: Receiver, d: Delivery): Promise<TryResult> => {
    const request = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort();
    }, policy.timeoutMs);
    timer.unref();
    const onStop = (): void => request.abort();
    stop.signal.addEventListener('abort', onStop, { once: true });
    try {
      const headers: Record<string, string> = { ...d.headers };
      if (receiver.authorization) headers['authorization'] = receiver.authorization;
      const res = await fetchImpl(receiver.url, {
        method: 'POST',
        headers,
        body: d.body,
        // A redirect would carry the body and signature to wherever the receiver points.
        redirect: 'manual',
        signal: request.signal,
      });
      // The answer's body is of no interest; cancelling it frees the connection.
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      const reason = `answered HTTP ${res.status}`;
      if (res.status === 429 || res.status >= 500) {
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), clock.now().getTime());
        return { ok: false, retry: true, reason, retryAfterMs };
      }
      if (res.status >= 300 && res.status < 400) {
        return { ok: false, retry: false, reason: `${reason} (redirects are not followed)` };
      }
      return { ok: false, retry: false, reason };
    } catch (err) {
      return { ok: false, retry: true, reason: networkReason(err, timedOut, policy.timeoutMs) };
    } finally {
      clearTimeout(timer);
      stop.signal.removeEventListener('abort', onStop);
    }
  };

  const deliver = async (receiver: Receiver, d: Delivery): Promise<void> => {
    const deadline = clock.now().getTime() + policy.budgetMs;
    const fields = { url: receiver.origin, event: d.event };
    for (let tries = 1; ; tries++) {
      const result = await tryOnce(receiver, d);
      if (stop.signal.aborted) return;
      if (result.ok) {
        logger.debug({ ...fields, tries, status: result.status }, 'notification delivered');
        return;
      }
      const giveUp = (why: string): void =>
        logger.warn(
          { ...fields, tries, reason: result.reason },
          `notification not delivered: ${why}`,
        );
      if (!result.retry) return giveUp(`${result.reason}, not retried`);
      if (tries >= maxTries) return giveUp(`${result.reason} after ${tries} tries`);
      const remaining = deadline - clock.now().getTime();
      const base = policy.delaysMs[tries - 1] ?? 0;
      let delay = Math.round(base * (1 + policy.jitter * (2 * random() - 1)));
      if (result.retryAfterMs !== undefined) {
        if (result.retryAfterMs > remaining) {
          return giveUp(
            `${result.reason}, asked to retry after ${seconds(result.retryAfterMs)}, past the ${seconds(policy.budgetMs)} budget`,
          );
        }
        delay = Math.max(delay, result.retryAfterMs);
      }
      if (remaining <= 0) {
        return giveUp(`${result.reason}, no time left of the ${seconds(policy.budgetMs)} budget`);
      }
      // The last try still starts within the budget.
      if (!(await wait(Math.max(0, Math.min(delay, remaining))))) return;
    }
  };

  const pump = async (target: Target): Promise<void> => {
    try {
      for (let d = target.queue.shift(); d && !stop.signal.aborted; d = target.queue.shift()) {
        await deliver(target.receiver, d);
      }
    } catch (err) {
      // Only a throwing logger or fetch replacement gets here; the queue must not stall on it.
      logger.error(
        { url: target.receiver.origin, error: err instanceof Error ? err.name : typeof err },
        'notification delivery stopped unexpectedly',
      );
    } finally {
      target.running = null;
      if (target.queue.length > 0 && !stop.signal.aborted) target.running = pump(target);
    }
  };

  let closing: Promise<void> | undefined;
  return {
    notify(n) {
      if (stop.signal.aborted || targets.length === 0) return;
      // One human line, as a chat tool shows it; a git error may span several.
      const text = n.text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ').trim();
      const body = Buffer.from(JSON.stringify({ ...n, text }), 'utf8');
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': userAgent,
        'x-avnet-event': n.event,
        // The same id on every try and URL, so a receiver can drop a duplicate after a lost answer.
        'x-avnet-delivery': randomUUID(),
      };
      if (opts.secret !== undefined) {
        headers['x-avnet-signature'] = notificationSignature(body, opts.secret);
      }
      const delivery: Delivery = { event: n.event, body, headers };
      for (const target of targets) {
        target.queue.push(delivery);
        if (target.queue.length > policy.maxPending) {
          const dropped = target.queue.shift()!;
          logger.warn(
            { url: target.receiver.origin, event: dropped.event, pending: policy.maxPending },
            'notification dropped: the receiver is too far behind',
          );
        }
        target.running ??= pump(target);
      }
    },

    close() {
      closing ??= stopAll();
      return closing;
    },
  };

  async function stopAll(): Promise<void> {
    stop.abort();
    for (const target of targets) {
      const left = target.queue.length;
      target.queue.length = 0;
      if (left > 0) {
        logger.warn(
          { url: target.receiver.origin, pending: left },
          'notifications not delivered: stopping',
        );
      }
    }
    await Promise.all(targets.map((t) => t.running));
  }
}
