/**
 * One emulated Dr.Web Server: its state (protocol, pending restart, revision, neighbor entries),
 * its management API listener and its server-protocol listener, and the links it keeps with its
 * neighbors. For every entry that holds an address the server dials (retrying with backoff); it
 * accepts the connections of neighbors that dial it. A link is online while a session that passed
 * every check of the handshake (link-protocol.ts) is open; every write that touches an entry, the
 * protocol or a restart closes the sessions it affects so that they are checked again.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import type { Clock, Logger, NeighborEntry, ServerState, Tri } from '../model/index.js';
import {
  freshServerState,
  mirrorType,
  negotiatedPolicy,
  parseAddress,
  policiesConflict,
} from '../model/index.js';
import {
  ERRNO,
  LINK_REASONS,
  type LinkReason,
  type LinkView,
  type ServerIdentity,
} from '../backends/http/wire.js';
import type { FaultController } from './faults.js';
import { isLoopbackHost, type SimServerSpec } from './sim-config.js';
import { applyWrite, type SimChange } from './sim-state.js';
import {
  LINK_PROTOCOL_VERSION,
  LinkReadError,
  MessageReader,
  abort,
  fingerprintsOf,
  keyId,
  passwordProof,
  peerFingerprint,
  proofsEqual,
  send,
  shortFp,
  type LinkMessage,
} from './link-protocol.js';

/** What every emulated server of a simulation shares. */
export interface EmulatedServerDeps {
  readonly spec: SimServerSpec;
  /** Certificate and key of the management API's HTTPS (signed by the simulation's CA). */
  readonly httpsIdentity: { readonly certPem: string; readonly keyPem: string };
  readonly faults: FaultController;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: () => number;
  /** Reconnect backoff of dialers: first ceiling and largest ceiling, in milliseconds. */
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /** How long one handshake step may take. */
  readonly handshakeTimeoutMs: number;
  /** Called with every link password the server learns (the CLI redacts them from its logs). */
  readonly onSecret?: (value: string) => void;
  /** State to start from (`--state DIR`); a fresh server otherwise. */
  readonly initial?: ServerState;
}

/** An error with an API error number, raised while handling a request. */
export class SimRequestError extends Error {
  override readonly name = 'SimRequestError';
  constructor(
    readonly code: { readonly errno: number; readonly status: number },
    message: string,
    readonly data: unknown = null,
  ) {
    super(message);
  }
}

/** Whether the server speaks the server protocol. */
export type RunState = 'running' | 'protocol-disabled' | 'restart-pending';

interface StoredView {
  readonly reason: LinkReason;
  readonly detail: string;
  readonly remote: boolean;
  readonly since: string;
}

interface Session {
  readonly neighbor: string;
  readonly socket: TLSSocket;
  readonly role: 'dialer' | 'acceptor';
  readonly keyId: string;
  readonly snapshot: string;
  readonly encrypted: boolean;
  readonly compressed: boolean;
  readonly since: string;
  closing: boolean;
}

type DialOutcome = 'online' | 'failed' | 'duplicate' | 'gone';

function runStateOf(s: ServerState): RunState {
  if (s.protocol !== 'enabled') return 'protocol-disabled';
  return s.pendingRestart ? 'restart-pending' : 'running';
}

/** A reason and detail received from the other server, kept only if well-formed. */
function fromWire(code: unknown, detail: unknown): { reason: LinkReason; detail: string } {
  const reason =
    typeof code === 'string' && code in LINK_REASONS ? (code as LinkReason) : 'connection-lost';
  return { reason, detail: String(detail ?? '').slice(0, 300) };
}

function entryKey(e: NeighborEntry | undefined): string {
  return e ? JSON.stringify(e) : '';
}

/** A stable UUID for a server name, so a restarted simulation keeps its servers' identities. */
export function serverUuid(name: string): string {
  const h = createHash('sha256').update(`avnet-sim:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

class Dialer {
  private stopped = false;
  private attempt = 0;
  private wakeFn: (() => void) | undefined;

  constructor(
    private readonly server: EmulatedServer,
    readonly neighbor: string,
    private readonly backoff: { baseMs: number; maxMs: number },
    private readonly random: () => number,
  ) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /** Something changed: try again now. */
  wake(): void {
    this.attempt = 0;
    const w = this.wakeFn;
    this.wakeFn = undefined;
    w?.();
  }

  private wait(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        if (this.wakeFn === done) this.wakeFn = undefined;
        resolve();
      };
      if (ms !== undefined) {
        timer = setTimeout(done, ms);
        timer.unref();
      }
      this.wakeFn = done;
    });
  }

  private async loop(): Promise<void> {
    let probed = false;
    while (!this.stopped) {
      if (this.server.hasSession(this.neighbor)) {
        // Both sides hold an address (peer `dial: both`): like the real servers, this side still
        // connects once per session, is refused, and both log "Link with the same key id is
        // already activated"; the link stays up on the first connection.
        if (!probed && this.server.sessionRole(this.neighbor) === 'acceptor') {
          probed = true;
          await this.server.dialOnce(this.neighbor);
          continue;
        }
        await this.wait();
        continue;
      }
      probed = false;
      const outcome = await this.server.dialOnce(this.neighbor);
      if (this.stopped) return;
      if (outcome === 'online') {
        this.attempt = 0;
        continue;
      }
      if (outcome === 'gone') {
        await this.wait();
        continue;
      }
      const ceiling = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** this.attempt);
      this.attempt = Math.min(this.attempt + 1, 30);
      // Half fixed, half jitter: dialers of many servers do not retry in lock-step.
      await this.wait(Math.floor(ceiling / 2 + (this.random() * ceiling) / 2));
    }
  }
}

/** Connects with TLS, resolving once the handshake is done. */
function connectTls(
  opts: tls.ConnectionOptions & { host: string; port: number },
  timeoutMs: number,
  track: (s: Socket) => void,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(opts);
    track(socket);
    const timer = setTimeout(() => {
      socket.destroy(
        Object.assign(new Error(`connect ETIMEDOUT ${opts.host}:${opts.port}`), {
          code: 'ETIMEDOUT',
        }),
      );
    }, timeoutMs);
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}

/** One emulated server. */
export class EmulatedServer {
  readonly name: string;
  readonly uuid: string;
  readonly spec: SimServerSpec;
  /** Writes applied (each bumped the revision); replays of an idempotent request do not count. */
  writes = 0;
  /** Management requests received (including failed and dropped ones). */
  requests = 0;
  /** Connection attempts this server made to its neighbors' addresses (TLS handshakes started). */
  dials = 0;
  /** Connections accepted by the management API (a client that reuses connections adds none). */
  apiConnections = 0;
  private currentState: ServerState;
  private readonly started = Date.now();
  private mgmt: https.Server | undefined;
  private proto: tls.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Map<string, Session>();
  private readonly stored = new Map<string, StoredView>();
  private readonly dialers = new Map<string, Dialer>();
  private down = true;
  private readonly ownFingerprint: string;
  /** Made once: building a TLS context (parsing the key) per dial dominated a big network's CPU. */
  private dialContext: tls.SecureContext | undefined;

  constructor(
    private readonly deps: EmulatedServerDeps,
    private readonly handler: (
      server: EmulatedServer,
      req: IncomingMessage,
      res: ServerResponse,
    ) => void,
  ) {
    this.spec = deps.spec;
    this.name = deps.spec.name;
    this.uuid = serverUuid(this.name);
    this.ownFingerprint = deps.spec.fingerprint256;
    this.currentState = deps.initial ?? freshServerState(this.name, deps.spec.version);
    for (const e of this.currentState.neighbors) if (e.password) deps.onSecret?.(e.password);
  }

  /** The server's current state. */
  get state(): ServerState {
    return this.currentState;
  }

  /** True while the server is down (not listening). */
  get isDown(): boolean {
    return this.down;
  }

  /** Identity sent in every response head. */
  identity(): ServerIdentity {
    return { name: this.name, version: `${this.currentState.version}.0.0`, uuid: this.uuid };
  }

  /** Seconds since the simulation started this server. */
  uptime(): number {
    return Math.floor((Date.now() - this.started) / 1000);
  }

  /** Whether the server protocol runs. */
  runState(): RunState {
    return runStateOf(this.currentState);
  }

  /** Starts listening on both addresses and starts dialing. */
  async start(): Promise<void> {
    if (!this.down) return;
    const { spec } = this;
    const mgmt = https.createServer(
      { cert: this.deps.httpsIdentity.certPem, key: this.deps.httpsIdentity.keyPem },
      (req, res) => this.handler(this, req, res),
    );
    mgmt.on('connection', (s: Socket) => {
      this.apiConnections++;
      this.track(s);
      s.setNoDelay(true);
    });
    mgmt.on('tlsClientError', (_err, s) => s.destroy());
    const proto = tls.createServer(
      {
        cert: spec.certificatePem,
        key: spec.keyPem,
        requestCert: true,
        // Certificates are pinned per entry after the TLS handshake, not checked against a CA.
        rejectUnauthorized: false,
      },
      (socket) => void this.accept(socket),
    );
    proto.on('connection', (s: Socket) => this.track(s));
    proto.on('tlsClientError', (_err, s) => s.destroy());
    await listen(mgmt, spec.api.host, spec.api.port, `${this.name}'s management API`);
    try {
      await listen(proto, spec.address.host, spec.address.port, `${this.name}'s server protocol`);
    } catch (err) {
      await closeServer(mgmt);
      throw err;
    }
    this.dialContext ??= tls.createSecureContext({ cert: spec.certificatePem, key: spec.keyPem });
    this.mgmt = mgmt;
    this.proto = proto;
    this.down = false;
    this.deps.logger.info(
      { server: this.name, address: `${spec.address.host}:${spec.address.port}`, api: spec.apiUrl },
      'server listening',
    );
    this.syncDialers();
  }

  /** Stops listening, closes every connection and stops dialing (the server is down). */
  async stop(): Promise<void> {
    if (this.down) return;
    this.down = true;
    for (const d of this.dialers.values()) d.stop();
    this.dialers.clear();
    for (const s of this.sessions.values()) s.closing = true;
    this.sessions.clear();
    this.stored.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const closing = [this.mgmt, this.proto].filter((s) => s !== undefined);
    this.mgmt?.closeAllConnections();
    this.mgmt = undefined;
    this.proto = undefined;
    await Promise.all(closing.map((s) => closeServer(s)));
    this.deps.logger.info({ server: this.name }, 'server stopped');
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  /** The entry for a neighbor. */
  entry(neighbor: string): NeighborEntry | undefined {
    return this.currentState.neighbors.find((e) => e.name === neighbor);
  }

  /** True while a link session with the neighbor is open. */
  hasSession(neighbor: string): boolean {
    return this.sessions.has(neighbor);
  }

  /** Which side of the open session with the neighbor this server is. */
  sessionRole(neighbor: string): 'dialer' | 'acceptor' | undefined {
    return this.sessions.get(neighbor)?.role;
  }

  /**
   * Applies one write (sim-state.ts: checked, revision compared, revision bumped) and re-checks the
   * links it affects; throws SimRequestError with the API's answer when nothing is done.
   */
  commit(change: SimChange): ServerState {
    const prev = this.currentState;
    const outcome = applyWrite(prev, change);
    switch (outcome.kind) {
      case 'invalid':
        throw new SimRequestError(ERRNO.badRequest, `invalid change: ${outcome.message}`);
      case 'conflict':
        throw new SimRequestError(
          ERRNO.revisionConflict,
          `revision is ${outcome.revision}, not ${change.expectedRevision}: the server changed since it was read`,
          { revision: outcome.revision },
        );
      case 'exists':
        throw new SimRequestError(
          ERRNO.neighborExists,
          `an entry for ${outcome.name} already exists`,
        );
      case 'missing':
        throw new SimRequestError(ERRNO.neighborNotFound, `no entry for ${outcome.name}`);
    }
    const next = outcome.state;
    this.currentState = next;
    this.writes++;
    for (const e of change.upsert ?? []) if (e.password) this.deps.onSecret?.(e.password);
    this.deps.logger.info(
      {
        server: this.name,
        revision: next.revision,
        ...(change.protocol ? { protocol: change.protocol } : {}),
        ...(change.restart ? { restart: true } : {}),
        ...(change.upsert?.length ? { upserted: change.upsert.map((e) => e.name) } : {}),
        ...(change.remove?.length ? { removed: change.remove } : {}),
      },
      'change applied',
    );
    this.afterWrite(prev, next, change.restart === true);
    return next;
  }

  private afterWrite(prev: ServerState, next: ServerState, restarted: boolean): void {
    if (restarted || runStateOf(prev) !== runStateOf(next)) {
      for (const n of [...this.sessions.keys()]) this.closeSession(n, 'the server restarted');
      this.stored.clear();
    } else {
      const before = new Map(prev.neighbors.map((e) => [e.name, entryKey(e)]));
      for (const [n, s] of [...this.sessions]) {
        if (entryKey(this.entry(n)) !== s.snapshot) this.closeSession(n, 'its entry changed');
      }
      for (const n of [...this.stored.keys()]) {
        if (before.get(n) !== entryKey(this.entry(n))) this.stored.delete(n);
      }
    }
    this.syncDialers();
  }

  private closeSession(neighbor: string, why: string): void {
    const s = this.sessions.get(neighbor);
    if (!s) return;
    s.closing = true;
    this.sessions.delete(neighbor);
    s.socket.destroy();
    this.deps.logger.info({ server: this.name, neighbor, why }, 'link closed');
  }

  private syncDialers(): void {
    const want = new Set(
      !this.down && this.runState() === 'running'
        ? this.currentState.neighbors.filter((e) => e.address).map((e) => e.name)
        : [],
    );
    for (const [n, d] of this.dialers) {
      if (!want.has(n)) {
        d.stop();
        this.dialers.delete(n);
      }
    }
    for (const n of want) {
      const d = this.dialers.get(n);
      if (d) d.wake();
      else {
        const nd = new Dialer(this, n, this.deps.backoff, this.deps.random);
        this.dialers.set(n, nd);
        nd.start();
      }
    }
  }

  private record(neighbor: string, reason: LinkReason, detail: string, remote: boolean): void {
    const prev = this.stored.get(neighbor);
    if (prev?.reason === reason && prev.detail === detail) return;
    this.stored.set(neighbor, {
      reason,
      detail,
      remote,
      since: this.deps.clock.now().toISOString(),
    });
    const level = reason === 'connecting' || reason === 'connection-lost' ? 'debug' : 'info';
    this.deps.logger[level]({ server: this.name, neighbor, reason, detail }, 'link offline');
  }

  private openSession(
    neighbor: string,
    socket: TLSSocket,
    role: Session['role'],
    kid: string,
    snapshot: string,
    theirs: { encryption: Tri; compression: Tri },
  ): void {
    const entry = this.entry(neighbor)!;
    const session: Session = {
      neighbor,
      socket,
      role,
      keyId: kid,
      snapshot,
      encrypted: negotiatedPolicy(entry.encryption ?? 'possible', theirs.encryption),
      compressed: negotiatedPolicy(entry.compression ?? 'possible', theirs.compression),
      since: this.deps.clock.now().toISOString(),
      closing: false,
    };
    this.sessions.set(neighbor, session);
    this.stored.delete(neighbor);
    socket.setKeepAlive(true, 5_000);
    this.deps.logger.info({ server: this.name, neighbor, role }, 'link online');
    if (role === 'acceptor') this.dialers.get(neighbor)?.wake();
    socket.on('close', () => {
      if (this.sessions.get(neighbor) !== session) return;
      this.sessions.delete(neighbor);
      if (!session.closing) {
        this.record(neighbor, 'connection-lost', `the connection with ${neighbor} closed`, false);
      }
      this.dialers.get(neighbor)?.wake();
    });
  }

  /**
   * When both servers dial each other (peer `dial: both`), two connections can cross. Both sides
   * keep the one dialed by the server whose name sorts first and refuse the other, so they always
   * agree on one connection.
   */
  private crossing(neighbor: string, dialer: string): 'none' | 'refuse' | 'replace' {
    const s = this.sessions.get(neighbor);
    if (!s) return 'none';
    const existingDialer = s.role === 'dialer' ? this.name : neighbor;
    return existingDialer !== dialer && dialer < existingDialer ? 'replace' : 'refuse';
  }

  /** Another session of this server with the same key id, if any (a duplicate-key-id collision). */
  private keyHolder(kid: string, neighbor: string): string | undefined {
    for (const s of this.sessions.values()) {
      if (s.keyId === kid && s.neighbor !== neighbor) return s.neighbor;
    }
    return undefined;
  }

  private conflict(
    entry: NeighborEntry,
    theirs: { encryption: Tri; compression: Tri },
    other: string,
  ): { reason: LinkReason; detail: string } | undefined {
    for (const field of ['encryption', 'compression'] as const) {
      const mine = entry[field] ?? 'possible';
      if (policiesConflict(mine, theirs[field])) {
        return {
          reason: field === 'encryption' ? 'encryption-mismatch' : 'compression-mismatch',
          detail: `${this.name} says ${field} ${mine}, ${other} says ${theirs[field]}`,
        };
      }
    }
    return undefined;
  }

  /** One connection attempt to a neighbor this server dials. */
  async dialOnce(neighbor: string): Promise<DialOutcome> {
    const entry = this.entry(neighbor);
    if (!entry?.address || this.down || this.runState() !== 'running' || !this.dialContext) {
      return 'gone';
    }
    const addr = parseAddress(entry.address);
    if (!addr) {
      this.record(neighbor, 'unreachable', `"${entry.address}" is not host:port`, false);
      return 'failed';
    }
    const where = `${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`;
    if (!isLoopbackHost(addr.host)) {
      // The emulator never sends traffic off this machine, whatever an entry says.
      this.record(
        neighbor,
        'unreachable',
        `${where} is not a loopback address; the emulator connects only to 127.0.0.0/8, ::1 or localhost`,
        false,
      );
      return 'failed';
    }
    const snapshot = entryKey(entry);
    const timeout = this.deps.handshakeTimeoutMs;
    if (!this.stored.has(neighbor) && !this.sessions.has(neighbor)) {
      this.record(neighbor, 'connecting', `${this.name} is connecting to ${where}`, false);
    }
    let socket: TLSSocket;
    this.dials++;
    try {
      socket = await connectTls(
        {
          host: addr.host,
          port: addr.port,
          secureContext: this.dialContext,
          rejectUnauthorized: false,
        },
        timeout,
        (s) => this.track(s),
      );
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const detail = /^connect /.test(e.message) ? e.message : `${e.code ?? e.message} ${where}`;
      if (entryKey(this.entry(neighbor)) === snapshot && !this.down) {
        this.record(neighbor, 'unreachable', detail, false);
      }
      return 'failed';
    }
    if (this.down) {
      socket.destroy();
      return 'gone';
    }
    const reader = new MessageReader(socket);
    const pw = entry.password ?? '';
    const fail = (reason: LinkReason, detail: string): DialOutcome => {
      abort(socket, reason, detail, this.name);
      this.record(neighbor, reason, detail, false);
      return 'failed';
    };
    const remote = (m: Extract<LinkMessage, { t: 'abort' }>): DialOutcome => {
      socket.destroy();
      if (m.code === 'already-connected') {
        this.deps.logger.warn(
          { server: this.name, neighbor },
          'Link with the same key id is already activated',
        );
        return 'duplicate';
      }
      const w = fromWire(m.code, m.detail);
      this.record(neighbor, w.reason, w.detail, true);
      return 'failed';
    };
    try {
      const fp = peerFingerprint(socket);
      if (!fp || !fingerprintsOf(entry.neighborCertificates).has(fp)) {
        return fail(
          'certificate-mismatch',
          `the server at ${where} presented a certificate (sha256 ${shortFp(fp)}) that ${this.name}'s entry for ${neighbor} does not list`,
        );
      }
      const nonce = randomBytes(16).toString('hex');
      send(socket, {
        t: 'hello',
        v: LINK_PROTOCOL_VERSION,
        from: this.name,
        to: neighbor,
        type: entry.type,
        nonce,
      });
      const m1 = await reader.next(timeout);
      if (m1.t === 'abort') return remote(m1);
      if (m1.t !== 'challenge') return fail('unreachable', `${where} does not speak the protocol`);
      if (
        !proofsEqual(m1.proof, passwordProof(pw, 'acceptor', nonce, m1.nonce, this.name, neighbor))
      ) {
        return fail(
          'wrong-password',
          `${neighbor} proved a different password than ${this.name}'s entry for it holds`,
        );
      }
      send(socket, {
        t: 'proof',
        proof: passwordProof(pw, 'dialer', nonce, m1.nonce, this.name, neighbor),
        encryption: entry.encryption ?? 'possible',
        compression: entry.compression ?? 'possible',
      });
      const m2 = await reader.next(timeout);
      if (m2.t === 'abort') return remote(m2);
      if (m2.t !== 'welcome') return fail('unreachable', `${where} does not speak the protocol`);
      const bad = this.conflict(entry, m2, neighbor);
      if (bad) return fail(bad.reason, bad.detail);
      const kid = keyId(pw, this.ownFingerprint);
      const holder = this.keyHolder(kid, neighbor);
      if (holder) {
        return fail(
          'duplicate-key-id',
          `${this.name}'s link with ${holder} already uses the same password and certificate (key id)`,
        );
      }
      const cross = this.crossing(neighbor, this.name);
      if (cross === 'refuse') {
        abort(socket, 'already-connected', `${this.name} already has a link with ${neighbor}`);
        return 'duplicate';
      }
      if (entryKey(this.entry(neighbor)) !== snapshot || this.runState() !== 'running') {
        socket.destroy();
        return 'failed';
      }
      if (cross === 'replace') this.closeSession(neighbor, 'replaced by the connection it dialed');
      send(socket, { t: 'ready' });
      this.openSession(neighbor, socket, 'dialer', kid, snapshot, m2);
      return 'online';
    } catch (err) {
      socket.destroy();
      if (entryKey(this.entry(neighbor)) !== snapshot) return 'failed';
      if (err instanceof LinkReadError) {
        this.record(
          neighbor,
          err.kind === 'timeout' ? 'unreachable' : 'connection-lost',
          err.kind === 'timeout'
            ? `${where} did not answer the handshake in time`
            : `the connection to ${where} closed during the handshake`,
          false,
        );
      } else {
        this.record(neighbor, 'connection-lost', `handshake with ${where} failed`, false);
      }
      return 'failed';
    }
  }

  private async accept(socket: TLSSocket): Promise<void> {
    if (this.deps.faults.dropHandshake()) {
      socket.destroy();
      return;
    }
    const reader = new MessageReader(socket);
    const timeout = this.deps.handshakeTimeoutMs;
    try {
      const hello = await reader.next(timeout);
      if (hello.t === 'abort') {
        // The dialer refused us (our certificate): note it on our entry for it, if we have one.
        if (typeof hello.from === 'string' && this.entry(hello.from)) {
          const w = fromWire(hello.code, hello.detail);
          this.record(hello.from, w.reason, w.detail, true);
        }
        socket.destroy();
        return;
      }
      if (hello.t !== 'hello' || typeof hello.from !== 'string') {
        socket.destroy();
        return;
      }
      const from = hello.from;
      if (hello.to !== this.name) {
        abort(socket, 'wrong-server', `the address dialed for ${hello.to} is ${this.name}'s`);
        return;
      }
      const run = this.runState();
      if (run !== 'running') {
        abort(
          socket,
          run,
          run === 'protocol-disabled'
            ? `${this.name} has the Dr.Web Server protocol disabled`
            : `${this.name} has the protocol enabled but waits for a restart`,
        );
        return;
      }
      const entry = this.entry(from);
      if (!entry) {
        this.deps.logger.info(
          { server: this.name, neighbor: from },
          'refused a connection from a server without an entry',
        );
        abort(socket, 'one-sided', `${this.name} has no neighbor entry for ${from}`);
        return;
      }
      const snapshot = entryKey(entry);
      const local = (reason: LinkReason, detail: string) => {
        abort(socket, reason, detail);
        this.record(from, reason, detail, false);
      };
      const fp = peerFingerprint(socket);
      if (!fp || !fingerprintsOf(entry.neighborCertificates).has(fp)) {
        local(
          'certificate-mismatch',
          `${from} presented a certificate (sha256 ${shortFp(fp)}) that ${this.name}'s entry for ${from} does not list`,
        );
        return;
      }
      if (entry.type !== mirrorType(hello.type)) {
        local(
          'type-mismatch',
          `${from} sees ${this.name} as ${hello.type}, ${this.name} sees ${from} as ${entry.type}`,
        );
        return;
      }
      const pw = entry.password ?? '';
      const nonce = randomBytes(16).toString('hex');
      send(socket, {
        t: 'challenge',
        nonce,
        proof: passwordProof(pw, 'acceptor', String(hello.nonce), nonce, from, this.name),
      });
      const proof = await reader.next(timeout);
      if (proof.t === 'abort') {
        socket.destroy();
        if (proof.code !== 'already-connected') {
          const w = fromWire(proof.code, proof.detail);
          this.record(from, w.reason, w.detail, true);
        }
        return;
      }
      if (proof.t !== 'proof') {
        socket.destroy();
        return;
      }
      if (
        !proofsEqual(
          String(proof.proof),
          passwordProof(pw, 'dialer', String(hello.nonce), nonce, from, this.name),
        )
      ) {
        local(
          'wrong-password',
          `${from} proved a different password than ${this.name}'s entry for it holds`,
        );
        return;
      }
      const bad = this.conflict(entry, proof, from);
      if (bad) {
        local(bad.reason, bad.detail);
        return;
      }
      const kid = keyId(pw, this.ownFingerprint);
      const holder = this.keyHolder(kid, from);
      if (holder) {
        local(
          'duplicate-key-id',
          `${this.name}'s link with ${holder} already uses the same password and certificate (key id)`,
        );
        return;
      }
      if (this.crossing(from, from) === 'refuse') {
        // Both sides dial: the second connection is refused, the link stays up on the first.
        this.deps.logger.warn(
          { server: this.name, neighbor: from },
          'Link with the same key id is already activated',
        );
        abort(socket, 'already-connected', `${this.name} already has a link with ${from}`);
        return;
      }
      send(socket, {
        t: 'welcome',
        encryption: entry.encryption ?? 'possible',
        compression: entry.compression ?? 'possible',
      });
      const ready = await reader.next(timeout);
      if (ready.t === 'abort') {
        socket.destroy();
        if (ready.code !== 'already-connected') {
          const w = fromWire(ready.code, ready.detail);
          this.record(from, w.reason, w.detail, true);
        }
        return;
      }
      if (
        ready.t !== 'ready' ||
        entryKey(this.entry(from)) !== snapshot ||
        this.runState() !== 'running' ||
        this.crossing(from, from) === 'refuse'
      ) {
        socket.destroy();
        return;
      }
      if (this.sessions.has(from))
        this.closeSession(from, 'replaced by the connection it accepted');
      this.openSession(from, socket, 'acceptor', kid, snapshot, proof);
    } catch {
      socket.destroy();
    }
  }

  /** This server's view of each of its entries. */
  linkViews(): LinkView[] {
    const run = this.runState();
    return this.currentState.neighbors.map((e): LinkView => {
      const base = { neighbor: e.name, type: e.type, dials: Boolean(e.address) };
      if (run !== 'running') {
        return {
          ...base,
          state: 'offline',
          reason: run,
          detail:
            run === 'protocol-disabled'
              ? `${this.name} has the Dr.Web Server protocol disabled`
              : `${this.name} has the protocol enabled but waits for a restart`,
          remote: false,
          since: new Date(this.started).toISOString(),
        };
      }
      const s = this.sessions.get(e.name);
      if (s) {
        return {
          ...base,
          state: 'online',
          reason: null,
          detail: null,
          remote: false,
          since: s.since,
          encrypted: s.encrypted,
          compressed: s.compressed,
        };
      }
      const v = this.stored.get(e.name);
      if (v) return { ...base, state: 'offline', ...v };
      return {
        ...base,
        state: 'offline',
        reason: base.dials ? 'connecting' : 'not-connected',
        detail: base.dials
          ? `${this.name} is connecting to ${e.address}`
          : `waiting for ${e.name} to connect to ${this.name}`,
        remote: false,
        since: new Date(this.started).toISOString(),
      };
    });
  }
}

function listen(
  server: https.Server | tls.Server,
  host: string,
  port: number,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `cannot listen on ${host}:${port} for ${what}: the address is in use`
            : `cannot listen on ${host}:${port} for ${what}: ${err.code ?? err.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}

function closeServer(server: https.Server | tls.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
