/**
 * The http backend against emulated servers: credentials and TLS trust, retries on transient
 * failures only, timeouts, Ctrl-C, idempotent writes whose answer was lost, revision conflicts,
 * bounded concurrency, and no credential or password in any log line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BackendError,
  ConflictError,
  HttpAccessError,
  HttpBackend,
  createBackend,
  type ServerEndpoint,
} from '../../src/backends/index.js';
import type { Logger } from '../../src/model/index.js';
import { quietContext } from '../../src/model/index.js';
import type { Simulation } from '../../src/sim/index.js';
import { sampleEntry } from '../backends/contract.js';
import {
  ADMIN,
  generateTopology,
  serverYaml,
  simulate,
  type GeneratedTopology,
} from '../sim/helpers.js';

const NAMES = ['A', 'B'] as const;
let topo: GeneratedTopology;
let sim: Simulation;
let endpoints: ServerEndpoint[];
const opened: HttpBackend[] = [];

function backend(
  client: Partial<ConstructorParameters<typeof HttpBackend>[0]['client']> = {},
): HttpBackend {
  const b = new HttpBackend({
    endpoints,
    client: { ...ADMIN, ca: sim.caPem, backoffBaseMs: 10, backoffMaxMs: 50, ...client },
  });
  opened.push(b);
  return b;
}

/** A logger that keeps every line at every level. */
function recordingLogger(lines: string[]): Logger {
  const rec =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push(JSON.stringify({ level, ...obj, msg }));
    };
  const logger: Logger = {
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
    child: () => logger,
  };
  return logger;
}

beforeAll(async () => {
  topo = await generateTopology(NAMES, (t) =>
    [
      'apiVersion: avnet/v1',
      'kind: Topology',
      'servers:',
      ...NAMES.map((n) => serverYaml(t, n)),
      '',
    ].join('\n'),
  );
  endpoints = NAMES.map((n) => ({ name: n, version: 13, api: topo.api(n) }));
});

afterAll(async () => {
  await topo?.cleanup();
});

afterEach(async () => {
  for (const b of opened.splice(0)) await b.close();
  await sim?.stop();
});

describe('http backend', () => {
  it('refuses wrong credentials at once, without retrying', async () => {
    sim = await simulate(topo.file);
    const b = backend({ password: 'wrong-password-123' });
    const err = await b.readServer('A', quietContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpAccessError);
    expect((err as Error).message).toMatch(
      /^A \(https:\/\/127\.0\.0\.1:\d+\/api\/neighbors\/state\.ds\) refused the administrator credentials \(HTTP 401\)/,
    );
    expect(sim.servers.get('A')!.requests).toBe(1);
    expect(b.client.attempts).toBe(1);
  });

  it('refuses an untrusted certificate unless insecure, and never retries it', async () => {
    sim = await simulate(topo.file);
    const untrusted = backend({ ca: undefined });
    const err = await untrusted.readServer('A', quietContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpAccessError);
    expect((err as Error).message).toMatch(/TLS certificate is not trusted/);
    expect(untrusted.client.attempts).toBe(1);
    const insecure = backend({ ca: undefined, insecure: true });
    expect((await insecure.readServer('A', quietContext()))?.name).toBe('A');
  });

  it('retries transient failures with backoff and gives up after the last retry', async () => {
    sim = await simulate(topo.file, { faults: { errorRate: 1 } });
    const b = backend({ retries: 2 });
    const err = await b.readServer('A', quietContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).transient).toBe(true);
    expect((err as Error).message).toMatch(
      /gave up after 3 attempts in [\d.]+ s: last answer HTTP 503: the server is temporarily unavailable \(injected fault\)$/,
    );
    expect(sim.servers.get('A')!.requests).toBe(3);
    sim.faults.set({ errorRate: 0.5 });
    const ok = backend({ retries: 10 });
    for (let i = 0; i < 5; i++) expect((await ok.readServer('B', quietContext()))?.name).toBe('B');
    expect(ok.client.attempts).toBeGreaterThan(5);
  });

  it('times out a request that takes too long', async () => {
    sim = await simulate(topo.file, { faults: { latencyMs: 400 } });
    const b = backend({ timeoutMs: 100, retries: 1 });
    await expect(b.readServer('A', quietContext())).rejects.toThrow(
      /gave up after 2 attempts in [\d.]+ s: no answer within 100 ms$/,
    );
  });

  it('stops a read at once when the operation is aborted', async () => {
    sim = await simulate(topo.file, { faults: { latencyMs: 3000 } });
    const b = backend();
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 100);
    await expect(b.readServer('A', quietContext({ signal: abort.signal }))).rejects.toThrow(
      /aborted/,
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('does not write twice when the answer to a write is lost', async () => {
    // First request: dropped after it was handled (0.1 < dropRate, 0.9 ≥ 0.5); then no faults.
    const seq = [0.1, 0.9];
    sim = await simulate(topo.file, {
      faults: { dropRate: 0.5 },
      random: () => seq.shift() ?? 0.99,
    });
    const b = backend();
    const state = await b.applyChange(
      'A',
      { expectedRevision: 0, upsert: [sampleEntry('B')] },
      quietContext(),
    );
    expect(state.revision).toBe(1);
    expect(sim.faults.injected.dropAfter).toBe(1);
    expect(sim.servers.get('A')!.writes).toBe(1);
    expect(sim.servers.get('A')!.requests).toBe(2);
    expect((await b.readServer('A', quietContext()))?.neighbors).toEqual([sampleEntry('B')]);
  });

  it('detects a change made by someone else and never overwrites it', async () => {
    sim = await simulate(topo.file);
    const me = backend();
    const other = backend();
    const ctx = quietContext();
    const planned = (await me.readServer('A', ctx))!.revision;
    await other.applyChange(
      'A',
      { expectedRevision: planned, upsert: [sampleEntry('B', { notify: true })] },
      ctx,
    );
    const err = await me
      .applyChange('A', { expectedRevision: planned, remove: ['B'] }, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ server: 'A', expected: 0, actual: 1 });
    expect((await me.readServer('A', ctx))?.neighbors).toEqual([
      sampleEntry('B', { notify: true }),
    ]);
  });

  it('keeps at most --concurrency requests in flight', async () => {
    sim = await simulate(topo.file, { faults: { latencyMs: 80 } });
    const b = backend({ concurrency: 2 });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => b.readServer(NAMES[i % 2]!, quietContext())),
    );
    expect(sim.stats.maxInFlight).toBe(2);
  });

  it('checks that a URL answers as the server the topology names there', async () => {
    sim = await simulate(topo.file);
    const swapped = new HttpBackend({
      endpoints: [{ name: 'A', version: 13, api: topo.api('B') }],
      client: { ...ADMIN, ca: sim.caPem },
    });
    opened.push(swapped);
    await expect(swapped.readServer('A', quietContext())).rejects.toThrow(
      /answers as server "B", not "A": check the api URL of A/,
    );
  });

  it('logs no credential and no link password, whatever happens', async () => {
    sim = await simulate(topo.file, {
      faults: { errorRate: 0.3 },
      random: (
        (s) => () =>
          (s = (s * 16807) % 2147483647) / 2147483647
      )(7),
    });
    const lines: string[] = [];
    const ctx = quietContext({ logger: recordingLogger(lines) });
    const b = backend({ retries: 10 });
    const entry = sampleEntry('B', { password: 'link-secret-never-logged' });
    await b.applyChange('A', { expectedRevision: 0, upsert: [entry] }, ctx);
    await b.readServer('A', ctx);
    await b.linkStatus(ctx);
    await backend({ password: 'bad-admin-password', retries: 0 })
      .readServer('A', ctx)
      .catch(() => undefined);
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(text).toMatch(/retrying/);
    for (const secret of [
      ADMIN.password,
      'bad-admin-password',
      'link-secret-never-logged',
      Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64'),
    ])
      expect(text).not.toContain(secret);
  });

  it('needs credentials from the environment and https:// URLs', async () => {
    const settings = { topologyDir: topo.dir, endpoints };
    await expect(createBackend('http', { ...settings, env: {} })).rejects.toThrow(
      /set AVNET_USER and AVNET_PASSWORD/,
    );
    const env = { AVNET_USER: 'u', AVNET_PASSWORD: 'p' };
    await expect(
      createBackend('http', {
        ...settings,
        env,
        endpoints: [{ name: 'A', version: 13, api: 'http://127.0.0.1:1' }],
      }),
    ).rejects.toThrow(/must use https:\/\//);
    await expect(
      createBackend('http', {
        ...settings,
        env,
        endpoints: [{ name: 'A', version: 13, api: 'https://u:pw@127.0.0.1:1' }],
      }),
    ).rejects.toThrow(/must not hold credentials/);
    await expect(
      createBackend('http', { ...settings, env, caFile: '/nonexistent/ca.pem' }),
    ).rejects.toThrow(/cannot read the CA file/);
  });
});
