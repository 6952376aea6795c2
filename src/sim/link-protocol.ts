/**
 * The emulated server protocol between two servers, over TLS where each side presents its own
 * certificate: newline-delimited JSON messages, a mutual challenge–response proving the shared
 * password without sending it (HMAC-SHA256 over both nonces, both names and the role), and the
 * entry parameters needed to detect mismatches. Message flow (D dials, A accepts):
 *
 *   D → A  hello     { from, to, type, nonce }
 *   A → D  challenge { nonce, proof = HMAC(pw, "acceptor", nD, nA, D, A) }
 *   D → A  proof     { proof = HMAC(pw, "dialer", ...), encryption, compression }
 *   A → D  welcome   { encryption, compression }
 *   D → A  ready
 *
 * Either side may instead send `abort { code, detail }` and close; the code is a link reason.
 */
import { X509Certificate, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { NeighborType, Tri } from '../model/index.js';
import type { LinkReason } from '../backends/http/wire.js';

/** Version of the message format. */
export const LINK_PROTOCOL_VERSION = 1;

/** Longest accepted message line. */
const MAX_LINE = 64 * 1024;

/** A protocol message. */
export type LinkMessage =
  | {
      t: 'hello';
      v: number;
      from: string;
      to: string;
      type: NeighborType;
      nonce: string;
    }
  | { t: 'challenge'; nonce: string; proof: string }
  | { t: 'proof'; proof: string; encryption: Tri; compression: Tri }
  | { t: 'welcome'; encryption: Tri; compression: Tri }
  | { t: 'ready' }
  | { t: 'abort'; code: LinkReason | 'already-connected'; detail: string; from?: string };

/** Why reading a message failed. */
export class LinkReadError extends Error {
  override readonly name = 'LinkReadError';
  constructor(
    message: string,
    readonly kind: 'closed' | 'timeout' | 'invalid',
  ) {
    super(message);
  }
}

/** Reads newline-delimited JSON messages from a socket, one at a time. */
export class MessageReader {
  private buffer = '';
  private readonly queue: LinkMessage[] = [];
  private waiter: ((m: LinkMessage | LinkReadError) => void) | undefined;
  private failure: LinkReadError | undefined;

  constructor(socket: TLSSocket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => this.fail(new LinkReadError('connection closed', 'closed')));
    socket.on('error', (err) => this.fail(new LinkReadError(err.message, 'closed')));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_LINE && !this.buffer.includes('\n')) {
      this.fail(new LinkReadError('message too long', 'invalid'));
      return;
    }
    let i: number;
    while ((i = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 1);
      let msg: LinkMessage;
      try {
        msg = JSON.parse(line) as LinkMessage;
      } catch {
        this.fail(new LinkReadError('malformed message', 'invalid'));
        return;
      }
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(msg);
      } else this.queue.push(msg);
    }
  }

  private fail(err: LinkReadError): void {
    if (this.failure) return;
    this.failure = err;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(err);
    }
  }

  /** The next message; rejects when the connection closes or nothing arrives in time. */
  next(timeoutMs: number): Promise<LinkMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new LinkReadError(`no answer within ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      this.waiter = (m) => {
        clearTimeout(timer);
        if (m instanceof LinkReadError) reject(m);
        else resolve(m);
      };
    });
  }
}

/** Sends one message. */
export function send(socket: TLSSocket, msg: LinkMessage): void {
  if (!socket.destroyed) socket.write(JSON.stringify(msg) + '\n');
}

/** Sends an abort and closes the connection gracefully. */
export function abort(
  socket: TLSSocket,
  code: LinkReason | 'already-connected',
  detail: string,
  from?: string,
): void {
  send(socket, { t: 'abort', code, detail, ...(from ? { from } : {}) });
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** The proof of knowing the password for one role of one handshake. */
export function passwordProof(
  password: string,
  role: 'dialer' | 'acceptor',
  dialerNonce: string,
  acceptorNonce: string,
  dialer: string,
  acceptor: string,
): string {
  return createHmac('sha256', password)
    .update(JSON.stringify([role, dialerNonce, acceptorNonce, dialer, acceptor]))
    .digest('hex');
}

/** Compares two proofs in constant time. */
export function proofsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** SHA-256 fingerprints of PEM certificates (unparseable ones are skipped). */
export function fingerprintsOf(pems: readonly string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const pem of pems ?? []) {
    const fp = fingerprintOfPem(pem);
    if (fp) out.add(fp);
  }
  return out;
}

/**
 * Fingerprints by PEM text: every handshake checks the peer against its entry's certificates, and
 * parsing them each time was a large part of a big simulation's CPU time.
 */
const fingerprintCache = new Map<string, string | null>();
const FINGERPRINT_CACHE_SIZE = 20_000;

function fingerprintOfPem(pem: string): string | undefined {
  let fp = fingerprintCache.get(pem);
  if (fp === undefined) {
    try {
      fp = new X509Certificate(pem).fingerprint256;
    } catch {
      fp = null; // an unparseable certificate pins nothing
    }
    if (fingerprintCache.size >= FINGERPRINT_CACHE_SIZE) fingerprintCache.clear();
    fingerprintCache.set(pem, fp);
  }
  return fp ?? undefined;
}

/** The fingerprint of the certificate the other side presented on a TLS socket. */
export function peerFingerprint(socket: TLSSocket): string | undefined {
  const cert = socket.getPeerCertificate();
  // Node computes the SHA-256 fingerprint of the DER itself (same format as X509Certificate's).
  return cert?.raw ? cert.fingerprint256 : undefined;
}

/** A short fingerprint for messages. */
export function shortFp(fp: string | undefined): string {
  return fp ? fp.split(':').slice(0, 8).join(':') : 'none';
}

/**
 * The key id of a link on one server: its password with the server's own certificate. Two links of
 * one server with the same key id collide (the vendor forbids one password + certificate pair on
 * several links); the guide's "Link with the same key id is already activated" is the log line of
 * a peer link dialed from both sides, which still works.
 * Kept in memory only: a hash of a password is never sent or logged.
 */
export function keyId(password: string, ownFingerprint: string): string {
  return createHash('sha256').update(password).update('\0').update(ownFingerprint).digest('hex');
}
