/**
 * The http backend against hand-written management API servers on loopback (real HTTPS): the
 * causes of TLS failures told apart, the overall deadline of a call, the server's identity on
 * every answer, writes that did not move the revision, error texts, nesting and size bounds.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BackendError,
  HttpAccessError,
  HttpBackend,
  type HttpClientOptions,
} from '../../src/backends/index.js';
import { quietContext } from '../../src/model/index.js';
import { keepBackend, withBackend } from '../../src/engine/index.js';
import {
  createTestPki,
  envelope,
  freshState,
  startLoopbackApi,
  type Answer,
  type KeyAndCert,
  type LoopbackApi,
  type SeenRequest,
  type TestPki,
} from './loopback-api.js';

const ADMIN = { user: 'admin', password: 'faults-admin-pässword-31c9' };
const UUID = '6f1c2b9e-0d7a-4c55-9a43-1f0e8b2d7c11';
let pki: TestPki;
let loopback: KeyAndCert;
const running: LoopbackApi[] = [];
const backends: HttpBackend[] = [];

beforeAll(() => {
  pki = createTestPki();
  loopback = pki.issue(['127.0.0.1', 'localhost']);
});

afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
  for (const s of running.splice(0)) await s.close();
});

async function api(
  handle: (req: SeenRequest, n: number) => Answer | Promise<Answer>,
  tls: KeyAndCert = loopback,
): Promise<LoopbackApi> {
  const s = await startLoopbackApi(tls, handle);
  running.push(s);
  return s;
}

function backendFor(s: LoopbackApi, client: Partial<HttpClientOptions> = {}): HttpBackend {
  const b = new HttpBackend({
    endpoints: [{ name: 'A', version: 13, api: s.url }],
    client: { ...ADMIN, ca: pki.caPem, backoffBaseMs: 5, backoffMaxMs: 20, ...client },
  });
  backends.push(b);
  return b;
}

/** The server A answering its state, as a well-behaved server does. */
const stateOfA = (revision = 0): Answer => ({
  body: envelope({ name: 'A', uuid: UUID }, freshState('A', revision)),
});

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('TLS failures are told apart', () => {
  it('reports a certificate that names other hosts as a name mismatch, with both sides', async () => {
    const s = await api(() => stateOfA(), pki.issue(['other.example', '10.9.8.7']));
    const b = backendFor(s);
    const err = await failure(b.readServer('A', quietContext()));
    expect(err).toBeInstanceOf(HttpAccessError);
    expect(err.message).toContain(`${s.url}/api/neighbors/state.ds`);
    expect(err.message).toMatch(/does not name the host avnet connected to/);
    expect(err.message).toMatch(/connected to 127\.0\.0\.1; the certificate names/);
    expect(err.message).toContain('DNS:other.example');
    expect(err.message).toContain('IP:10.9.8.7');
    expect(err.message).not.toMatch(/--ca|not trusted/);
    expect(b.client.attempts).toBe(1);
  });

  it('says a certificate from another CA is not signed by the CA given with --ca', async () => {
    const other = createTestPki('another CA');
    const s = await api(() => stateOfA(), other.issue(['127.0.0.1']));
    const err = await failure(backendFor(s).readServer('A', quietContext()));
    expect(err).toBeInstanceOf(HttpAccessError);
    expect(err.message).toMatch(/is not signed by the CA given with --ca/);
    expect(err.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  it('says an expired certificate has expired', async () => {
    const day = 86_400_000;
    const s = await api(
      () => stateOfA(),
      pki.issue(['127.0.0.1'], {
        notBefore: new Date(Date.now() - 40 * day),
        notAfter: new Date(Date.now() - 10 * day),
      }),
    );
    const err = await failure(backendFor(s).readServer('A', quietContext()));
    expect(err).toBeInstanceOf(HttpAccessError);
    expect(err.message).toMatch(/TLS certificate has expired \(CERT_HAS_EXPIRED\)/);
    expect(err.message).not.toMatch(/--ca/);
  });

  it('asks for --ca when none was given and the certificate is not trusted', async () => {
    const s = await api(() => stateOfA());
    const err = await failure(backendFor(s, { ca: undefined }).readServer('A', quietContext()));
    expect(err).toBeInstanceOf(HttpAccessError);
    expect(err.message).toMatch(
      /is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); pass --ca FILE/,
    );
  });
});

describe('the overall deadline of a call', () => {
  it('gives up on a server that always says "later" within the budget, with its last answer', async () => {
    const s = await api(() => ({
      status: 503,
      headers: { 'Retry-After': '30' },
      body: envelope({ name: 'A', uuid: UUID }, null, {
        errno: 9,
        message: 'the server is busy',
      }),
    }));
    // Budget: 300 ms × (5 retries + 1) + 20 ms × 5 = 1.9 s; Retry-After 30 s cannot fit in it.
    const b = backendFor(s, { timeoutMs: 300, retries: 5 });
    const started = performance.now();
    const err = await failure(b.readServer('A', quietContext()));
    expect(performance.now() - started).toBeLessThan(1900);
    expect(s.requests).toHaveLength(1);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).transient).toBe(true);
    expect(err.message).toMatch(
      /^A \(https:\/\/127\.0\.0\.1:\d+\/api\/neighbors\/state\.ds\): gave up after 1 attempt in \d+(\.\d+)? s: last answer HTTP 503: the server is busy \(waiting the 30 s it asked for would pass the call's 1\.9 s deadline\)$/,
    );
  });

  it('stops retrying short Retry-After waits when the deadline runs out', async () => {
    const s = await api(() => ({ status: 503, headers: { 'Retry-After': '1' }, body: 'busy' }));
    // Budget: 400 ms × (9 + 1) + 20 ms × 9 = 4.18 s: one-second waits allow 5 attempts, not 10.
    const b = backendFor(s, { timeoutMs: 400, retries: 9 });
    const started = performance.now();
    const err = await failure(b.readServer('A', quietContext()));
    expect(performance.now() - started).toBeLessThan(4180);
    expect(s.requests.length).toBeGreaterThanOrEqual(4);
    expect(s.requests.length).toBeLessThanOrEqual(5);
    expect(err.message).toMatch(
      new RegExp(
        `gave up after ${s.requests.length} attempts in \\d+(\\.\\d+)? s: last answer HTTP 503 Service Unavailable \\(waiting the 1 s it asked for would pass the call's 4\\.18 s deadline\\)$`,
      ),
    );
  });

  it('gives the last attempt only what is left of the budget', async () => {
    // First a 503 asking for a second's wait, then no answer at all: budget 600 ms × 2 + 20 ms.
    const s = await api((_r, n) =>
      n === 0 ? { status: 503, headers: { 'Retry-After': '1' } } : new Promise<Answer>(() => {}),
    );
    const b = backendFor(s, { timeoutMs: 600, retries: 1 });
    const started = performance.now();
    const err = await failure(b.readServer('A', quietContext()));
    expect(performance.now() - started).toBeLessThan(1400);
    expect(err.message).toMatch(
      /gave up after 2 attempts in 1\.\d+ s: no answer within \d+ ms \(what was left of the call's 1\.22 s deadline\)$/,
    );
  });
});

describe('kept-alive connections', () => {
  it("closes an idle connection before the server's announced keep-alive timeout ends it", async () => {
    // The server announces `Keep-Alive: timeout=2` and closes idle connections after 2 s. A
    // client that reuses one just as the server closes it fails with "socket hang up" (a wasted
    // attempt, seen under load in the sim-apply bench); the client must drop it first.
    const s = await startLoopbackApi(loopback, () => stateOfA(), { keepAliveTimeoutMs: 2000 });
    running.push(s);
    const b = backendFor(s);
    await b.readServer('A', quietContext());
    await b.readServer('A', quietContext());
    expect(s.connections).toMatchObject({ opened: 1, endedByClient: 0 });
    await new Promise((r) => setTimeout(r, 1600));
    expect(s.connections).toMatchObject({ opened: 1, endedByClient: 1 });
    await b.readServer('A', quietContext());
    expect(s.connections.opened).toBe(2);
  });

  it('resumes the TLS sessions of more than 100 servers when it reconnects', async () => {
    // Node's agent keeps 100 TLS sessions by default: with more servers than that, reconnecting
    // after idle connections were closed made a full handshake every time (visible as CPU in the
    // sim-apply bench, 200 servers).
    const names = Array.from({ length: 120 }, (_, i) => `S${i}`);
    const servers = await Promise.all(
      names.map((n) =>
        startLoopbackApi(
          loopback,
          () => ({ body: envelope({ name: n, uuid: UUID }, freshState(n)) }),
          { keepAliveTimeoutMs: 2000 },
        ),
      ),
    );
    running.push(...servers);
    const b = new HttpBackend({
      endpoints: names.map((n, i) => ({ name: n, version: 13, api: servers[i]!.url })),
      client: { ...ADMIN, ca: pki.caPem },
    });
    backends.push(b);
    const readAll = async () => {
      for (const n of names) await b.readServer(n, quietContext());
    };
    await readAll();
    // The client closes each idle connection 1 s before the server's keep-alive timeout (2 s).
    await new Promise((r) => setTimeout(r, 1300));
    await readAll();
    const opened = servers.reduce((sum, s) => sum + s.connections.opened, 0);
    const resumed = servers.reduce((sum, s) => sum + s.connections.resumed, 0);
    expect(opened).toBe(240);
    expect(resumed).toBe(120);
  });

  it('lets an answer take longer than the idle timeout (only --timeout limits a request)', async () => {
    const s = await api(async () => {
      await new Promise((r) => setTimeout(r, 3300));
      return stateOfA();
    });
    const b = backendFor(s, { timeoutMs: 6000, retries: 0 });
    expect((await b.readServer('A', quietContext()))?.name).toBe('A');
  });
});

describe('the server identity is checked on every answer', () => {
  it('refuses an answer without head.server', async () => {
    const s = await api(() => ({ body: envelope(undefined, freshState('A')) }));
    const err = await failure(backendFor(s).readServer('A', quietContext()));
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toMatch(
      /^A \(https:\/\/127\.0\.0\.1:\d+\/api\/neighbors\/state\.ds\) answered without head\.server/,
    );
  });

  it('refuses an answer whose head.server has no uuid or no name', async () => {
    const s = await api((_r, n) => ({
      body: envelope(n === 0 ? { name: 'A' } : { uuid: UUID }, freshState('A')),
    }));
    const b = backendFor(s);
    expect((await failure(b.readServer('A', quietContext()))).message).toMatch(
      /answered without head\.server\.uuid/,
    );
    expect((await failure(b.readServer('A', quietContext()))).message).toMatch(
      /answered without head\.server\.name/,
    );
  });

  it('refuses a server whose uuid changes between calls of one run', async () => {
    const other = '0b7d3e55-2f1a-4e8b-b6a0-94c2d1e3f777';
    const s = await api((_r, n) => ({
      body: envelope({ name: 'A', uuid: n === 0 ? UUID : other }, freshState('A')),
    }));
    const b = backendFor(s);
    expect((await b.readServer('A', quietContext()))?.name).toBe('A');
    const err = await failure(b.readServer('A', quietContext()));
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toContain(
      `the server at ${s.url}/api/neighbors/state.ds changed identity (uuid ${UUID} then ${other})`,
    );
    // A new reconcile on a kept backend starts afresh: the new server is simply read.
    b.forgetIdentities();
    expect((await b.readServer('A', quietContext()))?.name).toBe('A');
  });

  it('a backend kept across reconciles (watch, serve) judges each run on its own', async () => {
    const other = '0b7d3e55-2f1a-4e8b-b6a0-94c2d1e3f777';
    const s = await api((_r, n) => ({
      body: envelope({ name: 'A', uuid: n === 0 ? UUID : other }, freshState('A')),
    }));
    const b = backendFor(s);
    const keeper = keepBackend(async () => b);
    const endpoints = [{ name: 'A', version: 13, api: s.url }];
    const read = () => withBackend(keeper, endpoints, (x) => x.readServer('A', quietContext()));
    expect((await read())?.name).toBe('A');
    // The server was replaced between two reconciles: the second run reads the new one.
    expect((await read())?.name).toBe('A');
  });

  it('checks the identity of a refusal too (a 412 from another server is no conflict)', async () => {
    const s = await api(() => ({
      status: 412,
      body: envelope({ name: 'B', uuid: UUID }, { revision: 4 }, { errno: 7, message: 'stale' }),
    }));
    const err = await failure(
      backendFor(s).applyChange('A', { expectedRevision: 3, remove: ['X'] }, quietContext()),
    );
    expect(err.message).toMatch(/answers as server "B", not "A"/);
  });

  it('treats a write answered 200 without a new revision as failed', async () => {
    const s = await api(() => stateOfA(3));
    const err = await failure(
      backendFor(s).applyChange('A', { expectedRevision: 3, remove: ['X'] }, quietContext()),
    );
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toMatch(
      /^A \(https:\/\/127\.0\.0\.1:\d+\/api\/neighbors\/apply\.ds\) answered the write with revision 3, not above the expected 3: the change may not have been applied, so it counts as failed$/,
    );
  });
});

describe('error texts and bounds', () => {
  it('says each HTTP error once, with the full URL of the call and no query', async () => {
    const s = await api((_r, n) =>
      n === 0
        ? { status: 500, body: envelope({ name: 'A', uuid: UUID }, null) }
        : n === 1
          ? { status: 500, body: '<html>oops</html>' }
          : {
              status: 404,
              body: envelope({ name: 'A', uuid: UUID }, null, {
                errno: 3,
                message: 'unknown script',
              }),
            },
    );
    const b = backendFor(s);
    const messages: string[] = [];
    for (let i = 0; i < 3; i++)
      messages.push((await failure(b.readServer('A', quietContext()))).message);
    const where = `A (${s.url}/api/neighbors/state.ds)`;
    expect(messages).toEqual([
      `${where}: HTTP 500 Internal Server Error`,
      `${where}: HTTP 500 Internal Server Error`,
      `${where}: HTTP 404: unknown script`,
    ]);
    for (const m of messages) {
      expect(m.match(/HTTP \d{3}/g)).toHaveLength(1);
      expect(m).not.toContain('format=json');
    }
  });

  it('refuses a deeply nested answer with a clear error, not a stack overflow', async () => {
    const depth = 200_000;
    const s = await api(() => ({
      body: `{"head":{"status":"ok","timestamp":"t","api":{"version":"1.0"},"server":{"name":"A","uuid":"${UUID}","version":"13"}},"data":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    }));
    const err = await failure(backendFor(s).readServer('A', quietContext()));
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).not.toMatch(/call stack/);
    expect(err.message).toMatch(
      /^A \(https:\/\/127\.0\.0\.1:\d+\/api\/neighbors\/state\.ds\) answered JSON nested deeper than 100 levels/,
    );
  });

  it('bounds the size of an answer', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const s = await api((_r, n) => ({
      // The first answer says its length up front; the second is chunked and just keeps going.
      headers: n === 0 ? { 'Content-Length': String(big.length) } : undefined,
      body: big,
    }));
    const b = backendFor(s, { maxResponseBytes: 1024 * 1024 });
    for (let i = 0; i < 2; i++) {
      const err = await failure(b.readServer('A', quietContext()));
      expect(err.message).toMatch(/answer is larger than 1048576 bytes/);
    }
    expect(b.client.attempts).toBe(2);
  });
});
