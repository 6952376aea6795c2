/**
 * HTTPS client for the management API: Basic authentication sent pre-emptively on every request,
 * TLS verified against a CA (unless explicitly insecure), a timeout per attempt and an overall
 * deadline per call, retries with exponential backoff and full jitter on transient failures only,
 * and a bound on requests in flight. Credentials travel only in the Authorization header and are
 * never logged or put in error messages; request bodies (which may hold link passwords) are never
 * logged either.
 */
import { STATUS_CODES } from 'node:http';
import { excessiveNestingAt, MAX_NESTING } from '../../load/nesting-depth.js';
import { DEFAULT_CONCURRENCY, type Context } from '../../model/index.js';
import { BackendError } from '../backend.js';
import { NodeTransport, type RawResponse, type Transport } from './node-transport.js';
import { scriptPath, type ApiScript, type Envelope } from './wire.js';

/** Settings of the client. */
export interface HttpClientOptions {
  readonly user: string;
  readonly password: string;
  /** PEM of the CA that signs the servers' certificates (system CAs when absent). */
  readonly ca?: string;
  /** Skip certificate verification (explicit opt-in only). */
  readonly insecure?: boolean;
  /** Per-attempt timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt for transient failures (default 5). */
  readonly retries?: number;
  /** First backoff ceiling (default 100 ms); doubles per retry up to `backoffMaxMs`. */
  readonly backoffBaseMs?: number;
  /** Largest backoff ceiling (default 2 s). */
  readonly backoffMaxMs?: number;
  /** Requests in flight at once, over all servers (default 8). */
  readonly concurrency?: number;
  /** Largest answer accepted (default 32 MiB). */
  readonly maxResponseBytes?: number;
  /** Random source in [0, 1) for jitter (tests pass a fixed one). */
  readonly random?: () => number;
}

/** One API call. */
export interface ApiCall {
  /** Server name, for messages. */
  readonly server: string;
  /** The server's `api` URL. */
  readonly baseUrl: string;
  readonly script: ApiScript;
  readonly method: 'GET' | 'POST';
  readonly body?: unknown;
  /** Revision the write expects (sent as `If-Match: "N"`). */
  readonly ifMatch?: number;
  /** Same key on every retry of one write, so a write whose answer was lost is not done twice. */
  readonly idempotencyKey?: string;
  /** A write: once sent it is allowed to finish when the operation is aborted. */
  readonly write?: boolean;
}

/** A non-2xx answer that is not retried: the caller maps it (412 → conflict, 401 → credentials). */
export class ApiStatusError extends Error {
  override readonly name = 'ApiStatusError';
  constructor(
    message: string,
    readonly server: string,
    readonly status: number,
    readonly errno: number | undefined,
    readonly envelope: Envelope | undefined,
    /** The call, as messages name it: `A (https://host:port/api/neighbors/state.ds)`. */
    readonly where: string,
  ) {
    super(message);
  }
}

/**
 * The server cannot be trusted or refuses us: a wrong CA, certificate or credentials. It concerns
 * avnet's own configuration rather than one server's state, so no retry and no per-link report.
 */
export class HttpAccessError extends BackendError {}

/** The delay before retry `attempt` (0-based): full jitter over an exponentially growing ceiling. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** The longest a call may take with its retries, whatever --timeout and the retry count say. */
export const MAX_CALL_DEADLINE_MS = 5 * 60_000;

/**
 * The overall deadline of one call: each attempt its full timeout and each backoff its ceiling,
 * i.e. timeout × (retries + 1) + backoffMax × retries, capped at 5 minutes but never below one
 * timeout. Retries, backoff and Retry-After waits all spend it, so a server that keeps saying
 * "later" cannot stall a run beyond it; ordinary backoff never eats into an attempt's timeout.
 */
export function callDeadline(timeoutMs: number, retries: number, backoffMaxMs: number): number {
  const full = timeoutMs * (retries + 1) + backoffMaxMs * retries;
  return Math.max(timeoutMs, Math.min(full, MAX_CALL_DEADLINE_MS));
}

/** HTTP statuses worth retrying: the server is busy or briefly unavailable. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Socket errors worth retrying. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'AVNET_TIMEOUT',
]);

/** Verification failures meaning "signed by no CA avnet trusts". */
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** Largest answer accepted by default: a server's whole state is a few hundred kilobytes. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** `A (https://host:port/api/neighbors/state.ds)`: the call, without its query. */
export function describeCall(server: string, url: URL): string {
  return `${server} (${url.origin}${url.pathname})`;
}

/** Seconds for messages: `1.8`, `0.25`, `30`. */
function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(2)));
}

class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = Math.max(1, size);
  }
  /** Resolves with the release function; rejects when `signal` (a per-call one) aborts first. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    if (this.free > 0) {
      this.free--;
      return () => this.release();
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(wake);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
    return () => this.release();
  }
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * One abort listener per signal, however many calls wait on it: every call of a run shares the
 * operation's signal, and a listener per call (30 servers at once) trips Node's
 * MaxListenersExceededWarning. The listener goes when its last watcher does.
 */
class AbortFanout {
  private readonly watched = new WeakMap<AbortSignal, { fns: Set<() => void>; fire: () => void }>();

  /** Runs `fn` once when `signal` aborts; returns the function that stops watching. */
  watch(signal: AbortSignal, fn: () => void): () => void {
    let entry = this.watched.get(signal);
    if (!entry) {
      const fns = new Set<() => void>();
      const fire = () => {
        this.watched.delete(signal);
        for (const f of [...fns]) f();
      };
      entry = { fns, fire };
      this.watched.set(signal, entry);
      signal.addEventListener('abort', fire, { once: true });
    }
    const { fns, fire } = entry;
    fns.add(fn);
    return () => {
      fns.delete(fn);
      if (fns.size === 0 && this.watched.get(signal) === entry) {
        this.watched.delete(signal);
        signal.removeEventListener('abort', fire);
      }
    };
  }
}

function abortError(): BackendError {
  return new BackendError('aborted', undefined, false);
}

/** Waits, unless the signal aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why one attempt failed, classified. */
interface AttemptFailure {
  transient: boolean;
  access?: boolean;
  /** For a transient failure: what happened, without the call (`HTTP 503: busy`, `ECONNRESET`). */
  message: string;
  /** The failure was an HTTP answer (reported as "last answer ..."). */
  answered?: boolean;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The management API client; one per backend, shared by all servers. */
export class HttpClient {
  private readonly transport: Transport;
  private readonly auth: string;
  private readonly slots: Semaphore;
  private readonly aborts = new AbortFanout();
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly deadlineMs: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly maxBytes: number;
  private readonly random: () => number;
  /** Requests sent (attempts), for tests and benchmarks. */
  attempts = 0;

  constructor(private readonly opts: HttpClientOptions) {
    const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
    // node:https rather than undici: in the sim-apply bench undici used more client CPU in every
    // pair of runs (1.1-3x) and was slower in 4 of 6 (docs/sim-and-http.md, "Why node:https").
    this.transport = new NodeTransport({
      ca: opts.ca,
      insecure: opts.insecure,
      maxSockets: concurrency,
    });
    this.auth = 'Basic ' + Buffer.from(`${opts.user}:${opts.password}`, 'utf8').toString('base64');
    this.slots = new Semaphore(concurrency);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = opts.retries ?? 5;
    this.baseMs = opts.backoffBaseMs ?? 100;
    this.maxMs = opts.backoffMaxMs ?? 2_000;
    this.deadlineMs = callDeadline(this.timeoutMs, this.retries, this.maxMs);
    this.maxBytes = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.random = opts.random ?? Math.random;
  }

  /** Closes idle connections. */
  close(): void {
    this.transport.close();
  }

  /** Calls a script; resolves to the envelope of a 2xx answer, retrying transient failures. */
  async call<T>(call: ApiCall, ctx: Context): Promise<Envelope<T>> {
    if (ctx.signal.aborted) throw new BackendError('aborted', call.server, false);
    // A controller of the call's own, fed by one shared listener on the operation's signal: the
    // slot queue, the backoff waits and the request listen to it, never to ctx.signal directly.
    const local = new AbortController();
    const unwatch = this.aborts.watch(ctx.signal, () => local.abort());
    try {
      return await this.attemptAll<T>(call, ctx, local.signal);
    } finally {
      unwatch();
    }
  }

  private async attemptAll<T>(
    call: ApiCall,
    ctx: Context,
    signal: AbortSignal,
  ): Promise<Envelope<T>> {
    const url = buildUrl(call.baseUrl, call.script);
    const where = describeCall(call.server, url);
    const body =
      call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body), 'utf8');
    // The deadline counts the call's own time (attempts and waits between them), not the time
    // it queues behind other servers' calls for a slot under --concurrency.
    let spent = 0;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw new BackendError('aborted', call.server, false);
      let failure: AttemptFailure;
      const release = await this.slots.acquire(signal).catch(() => undefined);
      if (!release) throw new BackendError('aborted', call.server, false);
      const started = performance.now();
      // The last attempts get only what is left of the deadline.
      const attemptTimeout = Math.max(
        1,
        Math.floor(Math.min(this.timeoutMs, this.deadlineMs - spent)),
      );
      try {
        this.attempts++;
        const res = await this.transport.send({
          url,
          method: call.method,
          headers: this.headers(call, body),
          body,
          timeoutMs: attemptTimeout,
          // Reads stop at once on Ctrl-C; a write already sent is left to finish (or time out),
          // so the server's answer, and with it the revision it reached, is not lost.
          signal: call.write ? undefined : signal,
          maxBytes: this.maxBytes,
        });
        ctx.logger.debug(
          {
            server: call.server,
            script: call.script,
            status: res.status,
            ms: Math.round(performance.now() - started),
            attempt,
          },
          'api call',
        );
        const answered = this.answer<T>(res, call, where);
        if ('envelope' in answered) return answered.envelope;
        failure = answered.failure;
      } catch (err) {
        if (err instanceof ApiStatusError || err instanceof BackendError) throw err;
        failure = this.classify(err, where, url);
        if (
          attemptTimeout < this.timeoutMs &&
          (err as NodeJS.ErrnoException).code === 'AVNET_TIMEOUT'
        )
          failure.message += ` (what was left of the call's ${seconds(this.deadlineMs)} s deadline)`;
        if (!failure.transient) {
          const E = failure.access ? HttpAccessError : BackendError;
          throw new E(failure.message, call.server, false, { cause: err });
        }
      } finally {
        release();
        spent += performance.now() - started;
      }
      const delay = Math.max(
        failure.retryAfterMs ?? 0,
        backoffDelay(attempt, this.baseMs, this.maxMs, this.random),
      );
      const outOfTime = spent + delay >= this.deadlineMs;
      if (attempt >= this.retries || outOfTime || (call.write && signal.aborted)) {
        const n = attempt + 1;
        const last = failure.answered ? `last answer ${failure.message}` : failure.message;
        const why =
          outOfTime && attempt < this.retries && (failure.retryAfterMs ?? 0) >= delay
            ? ` (waiting the ${seconds(delay)} s it asked for would pass the call's ${seconds(this.deadlineMs)} s deadline)`
            : '';
        throw new BackendError(
          `${where}: gave up after ${n} attempt${n === 1 ? '' : 's'} in ${seconds(spent)} s: ${last}${why}`,
          call.server,
          true,
          { cause: failure.cause },
        );
      }
      // Info, not warn: a retry that succeeds is routine; the final failure is what gets reported.
      ctx.logger.info(
        {
          server: call.server,
          script: call.script,
          attempt: attempt + 1,
          delayMs: delay,
          reason: failure.message,
        },
        'transient failure, retrying',
      );
      const waitStarted = performance.now();
      await sleep(delay, signal).catch(() => {
        throw new BackendError('aborted', call.server, false);
      });
      spent += performance.now() - waitStarted;
    }
  }

  private headers(call: ApiCall, body: Buffer | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: this.auth,
    };
    if (body) {
      headers['Content-Type'] = 'application/json; charset=utf-8';
      headers['Content-Length'] = String(body.length);
    }
    if (call.ifMatch !== undefined) headers['If-Match'] = `"${call.ifMatch}"`;
    if (call.idempotencyKey) headers['Idempotency-Key'] = call.idempotencyKey;
    return headers;
  }

  /** A 2xx answer's envelope, a transient failure to retry, or throws for anything else. */
  private answer<T>(
    res: RawResponse,
    call: ApiCall,
    where: string,
  ): { envelope: Envelope<T> } | { failure: AttemptFailure } {
    const ok = res.status >= 200 && res.status < 300;
    if (excessiveNestingAt(res.text, MAX_NESTING) !== undefined) {
      // JSON.parse copes with any depth, but everything that walks the result afterwards
      // (validation, copies) recurses and would end in "Maximum call stack size exceeded".
      throw new BackendError(
        `${where} answered JSON nested deeper than ${MAX_NESTING} levels (HTTP ${res.status}); a Dr.Web API answer is a few levels deep`,
        call.server,
        false,
      );
    }
    const envelope = parseEnvelope(res.text);
    if (ok) {
      if (!envelope) {
        throw new BackendError(
          `${where} did not answer with a Dr.Web API response (HTTP ${res.status})`,
          call.server,
          false,
        );
      }
      return { envelope: envelope as Envelope<T> };
    }
    const text = httpText(res.status, envelope?.error?.message);
    if (TRANSIENT_STATUSES.has(res.status)) {
      return {
        failure: {
          transient: true,
          answered: true,
          message: text,
          retryAfterMs: retryAfter(res.headers['retry-after']),
        },
      };
    }
    throw new ApiStatusError(
      `${where}: ${text}`,
      call.server,
      res.status,
      envelope?.error?.errno,
      envelope,
      where,
    );
  }

  private classify(err: unknown, where: string, url: URL): AttemptFailure {
    const e = err as NodeJS.ErrnoException;
    const code = e.code ?? '';
    if (code === 'AVNET_ABORTED') return { transient: false, message: 'aborted', cause: err };
    const tls = tlsFailure(e, where, url.hostname, this.opts.ca !== undefined);
    if (tls) return { transient: false, access: true, message: tls, cause: err };
    if (code === 'AVNET_TOO_LARGE') {
      return { transient: false, message: `${where}: ${e.message}`, cause: err };
    }
    if (code === 'AVNET_TIMEOUT') return { transient: true, message: e.message, cause: err };
    if (TRANSIENT_CODES.has(code) || /socket hang up/i.test(e.message ?? '')) {
      return { transient: true, message: e.message || code, cause: err };
    }
    if (code.startsWith('ERR_SSL') || /ssl|tls/i.test(e.message ?? '')) {
      return {
        transient: false,
        message: `${where}: TLS failed (${code || e.message})`,
        cause: err,
      };
    }
    return { transient: false, message: `${where}: ${code || e.message}`, cause: err };
  }
}

/** `HTTP 404: unknown script`, or `HTTP 500 Internal Server Error` when the answer says nothing. */
function httpText(status: number, message: string | undefined): string {
  return message
    ? `HTTP ${status}: ${message}`
    : `HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;
}

/**
 * The message of a certificate verification failure, or undefined for other errors. The causes
 * call for different fixes, so each is named: a certificate that does not name the host in the
 * api URL (fix the URL or the certificate, not --ca), one signed by another CA, an expired one.
 */
export function tlsFailure(
  e: NodeJS.ErrnoException & {
    host?: string;
    cert?: { subjectaltname?: string; subject?: { CN?: string } };
  },
  where: string,
  fallbackHost: string,
  caGiven: boolean,
): string | undefined {
  const code = e.code ?? '';
  const cert = `${where}: the server's TLS certificate`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    const names = certificateNames(e.cert);
    const host = e.host ?? fallbackHost;
    return `${cert} does not name the host avnet connected to (${code}): connected to ${host}; the certificate names ${names}. Use a host the certificate names in the api URL, or have the certificate reissued for ${host}`;
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return `${cert} has expired (${code}); the server needs a renewed certificate (check this machine's clock too)`;
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return `${cert} is not valid yet (${code}); check the clocks of this machine and the server`;
  }
  if (UNTRUSTED_CODES.has(code)) {
    return caGiven
      ? `${cert} is not trusted: it is not signed by the CA given with --ca (${code}); pass the CA that signed it, or use the server's own certificate if it is self-signed`
      : `${cert} is not trusted (${code}); pass --ca FILE with the CA that signed it (avnet sim writes it to --tls-dir/ca.pem), or --insecure to skip verification`;
  }
  if (code.startsWith('CERT_') || code.startsWith('ERR_TLS_CERT')) {
    return `${cert} was refused (${code})`;
  }
  return undefined;
}

/** `DNS:a.example, IP:10.0.0.1` from a peer certificate, or what its subject says when it has no SAN. */
function certificateNames(
  cert: { subjectaltname?: string; subject?: { CN?: string } } | undefined,
): string {
  const san = cert?.subjectaltname;
  if (san)
    return san
      .split(/,\s*/)
      .map((n) => n.replace(/^IP Address:/, 'IP:'))
      .join(', ');
  const cn = cert?.subject?.CN;
  return cn ? `no alternative names, only the subject CN=${cn}` : 'no host at all';
}

/** The URL of a script under a server's api URL (its path prefix kept, `format=json` added). */
export function buildUrl(baseUrl: string, script: ApiScript): URL {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const url = new URL(base.origin + prefix + scriptPath(script));
  url.searchParams.set('format', 'json');
  return url;
}

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const v = JSON.parse(text) as Envelope;
    return v && typeof v === 'object' && v.head && typeof v.head === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After in ms: delta seconds or an HTTP date; the call's deadline bounds what is waited. */
function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
