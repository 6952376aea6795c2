/**
 * The emulated management API (schemas/drweb-api.openapi.yaml): Dr.Web Server Web API conventions
 * (`/api/<object>/<script>.ds`, `format=json`, pre-emptive Basic authentication checked on every
 * request and never challenged, `{ head, data }` envelope with `error { errno, message }`) plus the
 * neighbor operations. Writes need the revision they were planned against (If-Match or `revision`
 * in the body) and are refused with 412 when it moved. A write carrying an Idempotency-Key that was
 * already handled answers the stored response instead of writing again. Request bodies may hold
 * link passwords: they are never logged, and no error message quotes a value.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, NeighborEntry, ProtocolState } from '../model/index.js';
import {
  API_SCRIPTS,
  API_VERSION,
  ERRNO,
  type ApiScript,
  type Envelope,
  type ServerSummary,
  type StatusData,
} from '../backends/http/wire.js';
import { SimRequestError, type EmulatedServer } from './emulated-server.js';
import type { FaultController } from './faults.js';
import { entryProblem, type SimChange } from './sim-state.js';

/** Administrator credentials the emulated servers accept. */
export interface SimCredentials {
  readonly user: string;
  readonly password: string;
}

/** Largest request body accepted. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Longest Idempotency-Key accepted (the OpenAPI document's maxLength). */
const MAX_IDEMPOTENCY_KEY = 200;

/** Idempotency keys remembered per server. */
const IDEMPOTENCY_MEMORY = 1000;

interface StoredResponse {
  readonly fingerprint: string;
  readonly status: number;
  readonly body: string;
  readonly etag?: number;
}

type Handled = { status: number; data: unknown; etag?: number };

const READS: ReadonlySet<string> = new Set([
  API_SCRIPTS.summary,
  API_SCRIPTS.state,
  API_SCRIPTS.status,
]);
const WRITES: ReadonlySet<string> = new Set([
  API_SCRIPTS.apply,
  API_SCRIPTS.add,
  API_SCRIPTS.change,
  API_SCRIPTS.remove,
  API_SCRIPTS.protocol,
  API_SCRIPTS.restart,
]);

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Request counters of a simulation (tests check bounded concurrency with them). */
export interface RequestStats {
  inFlight: number;
  maxInFlight: number;
}

/** Builds the request handler shared by every emulated server of a simulation. */
export function createManagementHandler(deps: {
  readonly credentials: SimCredentials;
  readonly faults: FaultController;
  readonly logger: Logger;
  readonly stats?: RequestStats;
}): (server: EmulatedServer, req: IncomingMessage, res: ServerResponse) => void {
  const stats = deps.stats ?? { inFlight: 0, maxInFlight: 0 };
  const expected = digest(`${deps.credentials.user}:${deps.credentials.password}`);
  const memory = new WeakMap<EmulatedServer, Map<string, StoredResponse>>();

  const authorized = (header: string | undefined): boolean => {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!m) return false;
    // Constant-time comparison of digests: no early exit on the first differing byte.
    return timingSafeEqual(digest(Buffer.from(m[1]!, 'base64').toString('utf8')), expected);
  };

  const envelope = (server: EmulatedServer, data: unknown, error?: SimRequestError): string => {
    const body: Envelope = {
      head: {
        status: error ? 'error' : 'ok',
        timestamp: new Date().toISOString(),
        api: { version: API_VERSION },
        server: server.identity(),
      },
      data: error ? error.data : data,
      ...(error ? { error: { errno: error.code.errno, message: error.message } } : {}),
    };
    return JSON.stringify(body);
  };

  return (server, req, res) => {
    const started = performance.now();
    server.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let counted = true;
    const done = () => {
      if (counted) stats.inFlight--;
      counted = false;
    };
    res.once('close', done);
    void (async () => {
      const url = new URL(req.url ?? '/', 'https://sim.invalid');
      const log = (status: number, extra: object = {}) =>
        deps.logger.debug(
          {
            server: server.name,
            method: req.method,
            path: url.pathname,
            status,
            ms: Math.round(performance.now() - started),
            ...extra,
          },
          'api request',
        );
      const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, {
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-store',
          ...headers,
        });
        res.end(body);
        log(status);
      };
      const fail = (err: SimRequestError, headers: Record<string, string> = {}) =>
        reply(err.code.status, envelope(server, null, err), headers);

      const latency = deps.faults.get().latencyMs;
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const fault = deps.faults.nextRequest();
      if (fault === 'drop-before') {
        log(0, { fault });
        req.socket.destroy();
        return;
      }
      if (fault === 'error') {
        fail(
          new SimRequestError(
            ERRNO.unavailable,
            'the server is temporarily unavailable (injected fault)',
          ),
        );
        return;
      }
      if (!authorized(req.headers.authorization)) {
        // Like the real server: 401 with an error envelope, never a WWW-Authenticate challenge.
        fail(new SimRequestError(ERRNO.unauthorized, 'authentication failed'));
        return;
      }
      const format = url.searchParams.get('format');
      if (format !== null && format !== 'json') {
        fail(new SimRequestError(ERRNO.unsupportedFormat, 'only format=json is supported'));
        return;
      }
      const m = /^\/api\/([a-z]+\/[a-z_]+)\.ds$/.exec(url.pathname);
      const script = m?.[1] as ApiScript | undefined;
      if (!script || (!READS.has(script) && !WRITES.has(script))) {
        fail(new SimRequestError(ERRNO.unknownScript, `no such script: ${url.pathname}`));
        return;
      }
      const isWrite = WRITES.has(script);
      const allowed = isWrite ? 'POST' : 'GET';
      if (req.method !== allowed) {
        // RFC 9110: a 405 names the methods the resource does support.
        fail(new SimRequestError(ERRNO.methodNotAllowed, `${url.pathname} takes ${allowed}`), {
          Allow: allowed,
        });
        return;
      }
      let text = '';
      if (isWrite) {
        const body = await readBody(req).catch((err: Error) => err);
        if (body instanceof Error) {
          if (body instanceof SimRequestError) fail(body);
          else req.socket.destroy();
          return;
        }
        text = body;
      }
      const key = isWrite ? headerValue(req.headers['idempotency-key']) : undefined;
      if (key !== undefined && key.length > MAX_IDEMPOTENCY_KEY) {
        fail(
          new SimRequestError(
            ERRNO.badRequest,
            `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY} characters`,
          ),
        );
        return;
      }
      let stored = key ? memory.get(server)?.get(key) : undefined;
      const fingerprint = key
        ? digest(`${script}\n${req.headers['if-match'] ?? ''}\n${text}`).toString('hex')
        : '';
      if (stored && stored.fingerprint !== fingerprint) {
        fail(
          new SimRequestError(
            ERRNO.idempotencyMismatch,
            'this Idempotency-Key was used for a different request',
          ),
        );
        return;
      }
      if (!stored) {
        let status: number;
        let body: string;
        let etag: number | undefined;
        try {
          const handled = isWrite
            ? handleWrite(server, script, text, headerValue(req.headers['if-match']))
            : handleRead(server, script);
          status = handled.status;
          body = envelope(server, handled.data);
          etag = handled.etag;
        } catch (err) {
          const e =
            err instanceof SimRequestError
              ? err
              : new SimRequestError(ERRNO.internal, 'internal error');
          if (!(err instanceof SimRequestError)) {
            deps.logger.error(
              { server: server.name, err: (err as Error).message },
              'request failed',
            );
          }
          status = e.code.status;
          body = envelope(server, null, e);
        }
        stored = { fingerprint, status, body, etag };
        if (key && status < 500) remember(memory, server, key, stored);
      } else {
        deps.logger.debug({ server: server.name, script }, 'replayed an idempotent write');
      }
      if (fault === 'drop-after') {
        log(0, { fault });
        req.socket.destroy();
        return;
      }
      reply(
        stored.status,
        stored.body,
        stored.etag !== undefined ? { ETag: `"${stored.etag}"` } : {},
      );
    })().catch((err: unknown) => {
      deps.logger.error({ server: server.name, err: (err as Error).message }, 'request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}

function remember(
  memory: WeakMap<EmulatedServer, Map<string, StoredResponse>>,
  server: EmulatedServer,
  key: string,
  value: StoredResponse,
): void {
  let m = memory.get(server);
  if (!m) memory.set(server, (m = new Map()));
  m.set(key, value);
  if (m.size > IDEMPOTENCY_MEMORY) m.delete(m.keys().next().value!);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new SimRequestError(ERRNO.payloadTooLarge, `request body over ${MAX_BODY_BYTES} bytes`),
        );
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function handleRead(server: EmulatedServer, script: ApiScript): Handled {
  const state = server.state;
  switch (script) {
    case API_SCRIPTS.summary: {
      const summary: ServerSummary = {
        name: server.name,
        uuid: server.uuid,
        version: server.identity().version,
        versionMajor: state.version,
        protocol: state.protocol,
        pendingRestart: state.pendingRestart,
        revision: state.revision,
        neighbors: state.neighbors.length,
        uptime: server.uptime(),
      };
      return { status: 200, data: summary };
    }
    case API_SCRIPTS.state:
      return { status: 200, data: state, etag: state.revision };
    default: {
      const data: StatusData = {
        protocol: state.protocol,
        pendingRestart: state.pendingRestart,
        links: server.linkViews(),
      };
      return { status: 200, data };
    }
  }
}

function bad(message: string): SimRequestError {
  return new SimRequestError(ERRNO.badRequest, message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkEntry(v: unknown, server: string, where: string): NeighborEntry {
  const problem = entryProblem(v, where);
  if (problem) throw bad(`invalid change: ${problem}`);
  const entry = v as NeighborEntry;
  if (entry.name === server) {
    throw bad(`invalid change: ${where}: a server cannot be its own neighbor`);
  }
  return entry;
}

/** Parses `If-Match: "3"` (or W/"3", or 3). */
function parseIfMatch(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(?:W\/)?"?(-?\d+)"?$/.exec(v.trim());
  if (!m) throw bad('If-Match must be a revision number, e.g. "3"');
  return Number(m[1]);
}

/** Scripts whose request body may be left out (an empty body reads as `{}`). */
const BODY_OPTIONAL: ReadonlySet<string> = new Set([API_SCRIPTS.restart]);

/**
 * A write, answered in the order of the OpenAPI document: a malformed request (400) before a
 * missing revision (428), then the server's own checks (412, 409, 404) before the write is done.
 */
function handleWrite(
  server: EmulatedServer,
  script: ApiScript,
  text: string,
  ifMatch: string | undefined,
): Handled {
  let body: unknown;
  if (text.trim() === '') {
    if (!BODY_OPTIONAL.has(script)) throw bad('the request needs a JSON body');
    body = {};
  } else {
    try {
      body = JSON.parse(text);
    } catch {
      throw bad('the request body is not valid JSON');
    }
  }
  if (!isObject(body)) throw bad('the request body must be a JSON object');
  const fromHeader = parseIfMatch(ifMatch);
  const fromBody = body.revision;
  if (fromBody !== undefined && (typeof fromBody !== 'number' || !Number.isInteger(fromBody)))
    throw bad('revision must be an integer');
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody)
    throw bad('If-Match and revision disagree');
  const change = toChange(server, script, body);
  const expectedRevision = fromHeader ?? (fromBody as number | undefined);
  if (expectedRevision === undefined) {
    throw new SimRequestError(
      ERRNO.revisionRequired,
      'a write needs the revision it was planned against (If-Match header or revision field)',
    );
  }
  // Checked and applied in one synchronous step: no other request can interleave.
  const next = server.commit({ ...change, expectedRevision });
  return { status: 200, data: next, etag: next.revision };
}

/** The change a write's body asks for (its shape checked; the server checks the rest). */
function toChange(
  server: EmulatedServer,
  script: ApiScript,
  body: Record<string, unknown>,
): Omit<SimChange, 'expectedRevision'> {
  switch (script) {
    case API_SCRIPTS.apply: {
      const out: {
        protocol?: ProtocolState;
        restart?: boolean;
        upsert?: NeighborEntry[];
        remove?: string[];
      } = {};
      if (body.protocol !== undefined) {
        if (body.protocol !== 'enabled' && body.protocol !== 'disabled')
          throw bad('protocol must be "enabled" or "disabled"');
        out.protocol = body.protocol;
      }
      if (body.restart !== undefined) {
        if (typeof body.restart !== 'boolean') throw bad('restart must be a boolean');
        out.restart = body.restart;
      }
      if (body.upsert !== undefined) {
        if (!Array.isArray(body.upsert)) throw bad('upsert must be a list of entries');
        out.upsert = body.upsert.map((e, i) => checkEntry(e, server.name, `upsert[${i}]`));
      }
      if (body.remove !== undefined) {
        if (!Array.isArray(body.remove) || !body.remove.every((n) => typeof n === 'string'))
          throw bad('remove must be a list of neighbor names');
        out.remove = body.remove as string[];
      }
      return out;
    }
    case API_SCRIPTS.add: {
      const entry = checkEntry(body.entry, server.name, 'entry');
      return { upsert: [entry], mustBeAbsent: [entry.name] };
    }
    case API_SCRIPTS.change: {
      const entry = checkEntry(body.entry, server.name, 'entry');
      return { upsert: [entry], mustExist: [entry.name] };
    }
    case API_SCRIPTS.remove:
      if (typeof body.name !== 'string' || body.name === '')
        throw bad('name must be the neighbor to delete');
      return { remove: [body.name], mustExist: [body.name] };
    case API_SCRIPTS.protocol:
      if (body.state !== 'enabled' && body.state !== 'disabled')
        throw bad('state must be "enabled" or "disabled"');
      return { protocol: body.state };
    default:
      return { restart: true };
  }
}
