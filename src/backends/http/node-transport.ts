/**
 * One HTTPS exchange on `node:https`: a keep-alive agent with one TLS context for every
 * connection, a timer over the whole exchange (headers and body), abort, and a bound on the size
 * of the answer. Retries, deadlines and messages belong to the client above it.
 */
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';

/** What the transport needs to connect. */
export interface TransportOptions {
  /** PEM of the CA that signs the servers' certificates (system CAs when absent). */
  readonly ca?: string;
  readonly insecure?: boolean;
  /** Connections kept per server at most. */
  readonly maxSockets: number;
}

/** One request. */
export interface TransportRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** The exchange fails with code `AVNET_TIMEOUT` when it has not ended by then. */
  readonly timeoutMs: number;
  /** Aborting it ends the exchange with code `AVNET_ABORTED` (absent: it cannot be aborted). */
  readonly signal?: AbortSignal;
  /** Answers longer than this fail with code `AVNET_TOO_LARGE`. */
  readonly maxBytes: number;
}

/** An answer, whatever its status. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly text: string;
}

/** Sends requests; `close` drops idle connections. */
export interface Transport {
  send(req: TransportRequest): Promise<RawResponse>;
  close(): void;
}

/** An error with one of the transport's own codes. */
export function transportError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** Idle keep-alive connections are closed after this long (sooner when the server says so). */
export const IDLE_SOCKET_TIMEOUT_MS = 3_000;

/** TLS sessions kept for resumption: one per server, for networks of thousands of servers. */
export const MAX_CACHED_TLS_SESSIONS = 4096;

/** The hand-written transport on node:https. */
export class NodeTransport implements Transport {
  private readonly agent: https.Agent;

  constructor(opts: TransportOptions) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: Math.max(1, opts.maxSockets),
      // One context for every connection: by default each new connection (one per server at
      // least) would parse the CA file or load the system store again.
      secureContext: tls.createSecureContext(opts.ca !== undefined ? { ca: opts.ca } : {}),
      rejectUnauthorized: !opts.insecure,
      // Idle connections are closed after 3 s, or 1 s before the server's `Keep-Alive: timeout=N`
      // when that is sooner. Node applies the server's hint only when the agent has a timeout of
      // its own; without one, a connection reused just as the server closes it failed with
      // "socket hang up" (a wasted attempt: 24 in 6 runs of the sim-apply bench under load).
      // The timer only ever closes idle connections: requests keep their own timeout.
      timeout: IDLE_SOCKET_TIMEOUT_MS,
      // A reconnection resumes its server's TLS session instead of a full handshake. Node keeps
      // 100 by default, evicting the oldest: with more servers, read in the same order at every
      // stage, every reconnection missed it (200 servers read 3 times with idle gaps: ~20% more
      // CPU). A session is a few kilobytes.
      maxCachedSessions: MAX_CACHED_TLS_SESSIONS,
    });
  }

  close(): void {
    this.agent.destroy();
  }

  send(r: TransportRequest): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      if (r.signal?.aborted) return reject(transportError('AVNET_ABORTED', 'aborted'));
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        r.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const fail = (err: Error) => {
        finish(() => reject(err));
        req.destroy();
      };
      const req = https.request(r.url, { method: r.method, agent: this.agent, headers: r.headers });
      const timer = setTimeout(
        () => fail(transportError('AVNET_TIMEOUT', `no answer within ${r.timeoutMs} ms`)),
        r.timeoutMs,
      );
      const onAbort = () => fail(transportError('AVNET_ABORTED', 'aborted'));
      r.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => finish(() => reject(err)));
      req.on('response', (res) => {
        const tooLarge = () =>
          transportError('AVNET_TOO_LARGE', `the answer is larger than ${r.maxBytes} bytes`);
        // A length announced up front is refused before a byte of the body is read.
        if (Number(res.headers['content-length'] ?? 0) > r.maxBytes) return fail(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > r.maxBytes) return fail(tooLarge());
          chunks.push(c);
        });
        res.on('error', (err) => finish(() => reject(err)));
        res.on('aborted', () =>
          finish(() => reject(transportError('ECONNRESET', 'the answer was cut off'))),
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
      req.end(r.body);
    });
  }
}
