/**
 * HTTPS client for the management API: Basic authentication sent pre-emptively on every request,
 * TLS verified against a CA (unless explicitly insecure), a timeout per attempt, retries with
 * exponential backoff and full jitter on transient failures only, and a bound on requests in
 * flight. Credentials travel only in the Authorization header and are never logged or put in
 * error messages; request bodies (which may hold link passwords) are never logged either.
 */
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { DEFAULT_CONCURRENCY, type Context } from '../../model/index.js';
import { BackendError } from '../backend.js';
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
  'ERR_STREAM_PREMATURE_CLOSE',
  'AVNET_TIMEOUT',
]);

const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** Largest response accepted. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = Math.max(1, size);
  }
  async acquire(signal: AbortSignal | undefined): Promise<() => void> {
    if (this.free > 0) {
      this.free--;
      return () => this.release();
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(wake);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
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

interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/** Why one attempt failed, classified. */
interface AttemptFailure {
  transient: boolean;
  access?: boolean;
  message: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The management API client; one per backend, shared by all servers. */
export class HttpClient {
  private readonly agent: https.Agent;
  private readonly auth: string;
  private readonly slots: Semaphore;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  /** Requests sent (attempts), for tests and benchmarks. */
  attempts = 0;

  constructor(private readonly opts: HttpClientOptions) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY),
      // One context for every connection: by default each new connection (one per server at
      // least) would parse the CA file or load the system store again.
      secureContext: tls.createSecureContext(opts.ca !== undefined ? { ca: opts.ca } : {}),
      rejectUnauthorized: !opts.insecure,
    });
    this.auth = 'Basic ' + Buffer.from(`${opts.user}:${opts.password}`, 'utf8').toString('base64');
    this.slots = new Semaphore(opts.concurrency ?? DEFAULT_CONCURRENCY);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = opts.retries ?? 5;
    this.baseMs = opts.backoffBaseMs ?? 100;
    this.maxMs = opts.backoffMaxMs ?? 2_000;
    this.random = opts.random ?? Math.random;
  }

  /** Closes idle connections. */
  close(): void {
    this.agent.destroy();
  }

  /** Calls a script; resolves to the envelope of a 2xx answer, retrying transient failures. */
  async call<T>(call: ApiCall, ctx: Context): Promise<Envelope<T>> {
    const url = buildUrl(call.baseUrl, call.script);
    const where = `${call.server} (${url.origin})`;
    for (let attempt = 0; ; attempt++) {
      if (ctx.signal.aborted) throw new BackendError('aborted', call.server, false);
      let failure: AttemptFailure;
      const release = await this.slots.acquire(ctx.signal).catch(() => undefined);
      if (!release) throw new BackendError('aborted', call.server, false);
      const started = performance.now();
      try {
        this.attempts++;
        const res = await this.once(url, call, ctx);
        const ms = Math.round(performance.now() - started);
        ctx.logger.debug(
          { server: call.server, script: call.script, status: res.status, ms, attempt },
          'api call',
        );
        const envelope = parseEnvelope(res.text);
        if (res.status >= 200 && res.status < 300) {
          if (!envelope) {
            throw new BackendError(
              `${where} did not answer with a Dr.Web API response (HTTP ${res.status})`,
              call.server,
              false,
            );
          }
          return envelope as Envelope<T>;
        }
        const message = envelope?.error?.message ?? `HTTP ${res.status}`;
        if (TRANSIENT_STATUSES.has(res.status)) {
          failure = {
            transient: true,
            message: `HTTP ${res.status}: ${message}`,
            retryAfterMs: retryAfter(res.headers['retry-after']),
          };
        } else {
          throw new ApiStatusError(
            `${where}: ${message} (HTTP ${res.status})`,
            call.server,
            res.status,
            envelope?.error?.errno,
            envelope,
          );
        }
      } catch (err) {
        if (err instanceof ApiStatusError || err instanceof BackendError) throw err;
        failure = this.classify(err, where);
        if (!failure.transient) {
          const E = failure.access ? HttpAccessError : BackendError;
          throw new E(failure.message, call.server, false, { cause: err });
        }
      } finally {
        release();
      }
      if (attempt >= this.retries || (call.write && ctx.signal.aborted)) {
        throw new BackendError(
          `${where}: ${failure.message} (gave up after ${attempt + 1} attempt${attempt === 0 ? '' : 's'})`,
          call.server,
          true,
          { cause: failure.cause },
        );
      }
      const delay = Math.max(
        failure.retryAfterMs ?? 0,
        backoffDelay(attempt, this.baseMs, this.maxMs, this.random),
      );
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
      await sleep(delay, ctx.signal).catch(() => {
        throw new BackendError('aborted', call.server, false);
      });
    }
  }

  private classify(err: unknown, where: string): AttemptFailure {
    const e = err as NodeJS.ErrnoException;
    const code = e.code ?? '';
    if (code === 'AVNET_ABORTED') return { transient: false, message: 'aborted', cause: err };
    if (TLS_VERIFY_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_CERT')) {
      return {
        transient: false,
        access: true,
        message: `${where}: the server's TLS certificate is not trusted (${code}); pass --ca FILE with the CA that signed it (avnet sim writes it to --tls-dir/ca.pem), or --insecure to skip verification`,
        cause: err,
      };
    }
    if (code === 'AVNET_TIMEOUT') {
      return { transient: true, message: `no answer within ${this.timeoutMs} ms`, cause: err };
    }
    if (TRANSIENT_CODES.has(code) || /socket hang up/i.test(e.message ?? '')) {
      return { transient: true, message: code || e.message, cause: err };
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

  private once(url: URL, call: ApiCall, ctx: Context): Promise<RawResponse> {
    const body =
      call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body), 'utf8');
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
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        fn();
      };
      const req = https.request(url, { method: call.method, agent: this.agent, headers });
      const timer = setTimeout(() => {
        req.destroy(Object.assign(new Error('timeout'), { code: 'AVNET_TIMEOUT' }));
      }, this.timeoutMs);
      // Reads stop at once on Ctrl-C; a write already sent is left to finish (or time out), so
      // the server's answer, and with it the revision it reached, is not lost.
      const onAbort = () => {
        if (!call.write)
          req.destroy(Object.assign(new Error('aborted'), { code: 'AVNET_ABORTED' }));
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => finish(() => reject(err)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err) => finish(() => reject(err)));
        res.on('aborted', () =>
          finish(() =>
            reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })),
          ),
        );
        res.on('end', () =>
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          ),
        );
      });
      req.end(body);
    });
  }
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

function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  return Number.isFinite(seconds) ? Math.min(30_000, Math.max(0, seconds * 1000)) : undefined;
}
