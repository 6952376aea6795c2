/**
 * Issue 9.5: with more servers than Node's default listener limit (10), every call shares the
 * operation's abort signal; the client must not pile listeners on it
 * (MaxListenersExceededWarning), and must leave none behind.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBackend } from '../../src/backends/index.js';
import { generateServerCertificate } from '../../src/certs/index.js';
import { quietContext } from '../../src/model/index.js';
import type { Simulation } from '../../src/sim/index.js';
import { ADMIN, freePorts, simulate } from '../sim/helpers.js';

const COUNT = 30;
const names = Array.from({ length: COUNT }, (_, i) => `S${String(i + 1).padStart(2, '0')}`);
let root: string;
let sim: Simulation;
let endpoints: { name: string; version: number; api: string }[];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'avnet-many-'));
  await mkdir(path.join(root, 'certs'));
  // One key for every server certificate: Node makes it in milliseconds, forge only signs.
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const ports = await freePorts(COUNT * 2);
  const lines = ['apiVersion: avnet/v1', 'kind: Topology', 'servers:'];
  endpoints = [];
  for (const [i, n] of names.entries()) {
    const c = generateServerCertificate(n, { privateKeyPem: key });
    await writeFile(path.join(root, 'certs', `${n}.pem`), c.certificatePem);
    await writeFile(path.join(root, 'certs', `${n}.key`), c.privateKeyPem);
    const api = `https://127.0.0.1:${ports[2 * i + 1]}`;
    lines.push(
      `  ${n}:`,
      `    address: 127.0.0.1:${ports[2 * i]}`,
      `    api: ${api}`,
      `    certificates: [certs/${n}.pem]`,
    );
    endpoints.push({ name: n, version: 13, api });
  }
  lines.push('links: []', '');
  await writeFile(path.join(root, 'topology.yaml'), lines.join('\n'));
  sim = await simulate(path.join(root, 'topology.yaml'), { faults: { latencyMs: 5 } });
}, 60_000);

afterAll(async () => {
  await sim?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe(`the http backend with ${COUNT} servers`, () => {
  it('reads, writes and polls them all on one signal without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const abort = new AbortController();
    const ctx = quietContext({ signal: abort.signal });
    const b = new HttpBackend({
      endpoints,
      client: { ...ADMIN, ca: sim.caPem, concurrency: 8 },
    });
    try {
      const states = await Promise.all(names.map((n) => b.readServer(n, ctx)));
      expect(states.map((s) => s?.name)).toEqual(names);
      const written = await Promise.all(
        names.map((n) => b.applyChange(n, { expectedRevision: 0, protocol: 'enabled' }, ctx)),
      );
      expect(written.every((s) => s.revision === 1)).toBe(true);
      const views = await b.linkViews(ctx);
      expect(views).toHaveLength(COUNT);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setTimeout(r, 20));
      expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
      // Every listener added for a call was removed when it ended.
      expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
    } finally {
      process.off('warning', onWarning);
      await b.close();
    }
  });
});
