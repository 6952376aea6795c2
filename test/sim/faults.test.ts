/**
 * Fault injection: an apply of the enterprise example against emulated servers that fail 20% of
 * requests, drop 10% of connections and add latency still converges with exactly the writes a
 * fault-free apply makes; a server that stays down is reported while the rest converge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpBackend } from '../../src/backends/index.js';
import { reconcileOnce } from '../../src/engine/index.js';
import { loadTopology } from '../../src/load/index.js';
import { quietContext } from '../../src/model/index.js';
import type { Simulation } from '../../src/sim/index.js';
import { collectLinkStatus, waitForLinks } from '../../src/status/index.js';
import {
  ENTERPRISE_SECRETS,
  copyExample,
  httpBackendFor,
  simulate,
  type TopologyCopy,
} from './helpers.js';
import { planOf, applyOf } from '../helpers/outcome.js';

const ctx = quietContext();
let copy: TopologyCopy | undefined;
let sim: Simulation | undefined;
let backend: HttpBackend | undefined;

afterEach(async () => {
  await backend?.close();
  await sim?.stop();
  await copy?.cleanup();
  backend = sim = copy = undefined;
});

/** A seeded PRNG (mulberry32), so the injected faults are reproducible in kind and number. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function apply(file: string, b: HttpBackend) {
  return reconcileOnce(
    { file, mode: 'apply', env: ENTERPRISE_SECRETS, backend: async () => b },
    ctx,
  );
}

describe('fault injection', () => {
  it('converges under 20% errors, 10% drops and latency, without a duplicate write', async () => {
    copy = await copyExample('enterprise');
    sim = await simulate(copy.file, {
      faults: { errorRate: 0.2, dropRate: 0.1, latencyMs: 15 },
      random: seeded(42),
    });
    backend = await httpBackendFor(sim, copy.file, { retries: 8, timeoutMs: 5000 });
    const result = await apply(copy.file, backend);
    expect(applyOf(result).apply.servers.map((s) => [s.server, s.status, s.error ?? ''])).toEqual(
      ['APAC', 'EU', 'HQ', 'LEGACY', 'US'].map((s) => [s, 'applied', '']),
    );
    expect(result.outcome).toBe('applied');
    expect(applyOf(result).verify.status).toBe('converged');
    // Faults really happened, some after a write was done (its answer lost)...
    expect(sim.faults.injected.error).toBeGreaterThan(0);
    expect(sim.faults.injected.dropAfter + sim.faults.injected.dropBefore).toBeGreaterThan(0);
    // ...yet every server took exactly enable + restart + entries, as without faults.
    for (const s of sim.servers.values()) {
      expect([s.name, s.writes, s.state.revision]).toEqual([s.name, 3, 3]);
    }
    const topology = (await loadTopology(copy.file)).topology;
    const waited = await waitForLinks({ topology, backend, timeoutMs: 20_000 }, ctx);
    expect(waited.report?.links.filter((l) => l.state !== 'online')).toEqual([]);
    expect(waited.outcome).toBe('online');
  });

  it('reports a server that stays down while the others converge', async () => {
    copy = await copyExample('enterprise');
    sim = await simulate(copy.file, { down: ['LEGACY'] });
    backend = await httpBackendFor(sim, copy.file, { retries: 2 });
    const result = await apply(copy.file, backend);
    expect(result.outcome).toBe('failed');
    expect(planOf(result).errors.map((e) => e.server)).toEqual(['LEGACY']);
    expect(planOf(result).errors[0]?.message).toMatch(/gave up after 3 attempts.*ECONNREFUSED/);
    expect(applyOf(result).apply.servers.every((s) => s.status === 'applied')).toBe(true);
    const topology = (await loadTopology(copy.file)).topology;
    const waited = await waitForLinks({ topology, backend, timeoutMs: 3000 }, ctx);
    expect(waited.outcome).toBe('timeout');
    const byName = new Map(waited.report!.links.map((l) => [`${l.a}-${l.b}`, l]));
    for (const up of ['HQ-EU', 'HQ-US', 'HQ-APAC', 'EU-US'])
      expect(byName.get(up)?.state).toBe('online');
    const legacy = byName.get('APAC-LEGACY')!;
    expect(legacy.state).toBe('offline');
    expect(legacy.reason).toMatch(/^(server-unreachable|unreachable)$/);
    expect(legacy.detail).toContain('LEGACY');

    // Waiting only for what can come up ends as soon as the down server's link is all that is left.
    const settled = await waitForLinks(
      {
        topology,
        backend,
        timeoutMs: 10_000,
        settled: (r) => r.links.every((l) => l.state === 'online' || l.b === 'LEGACY'),
      },
      ctx,
    );
    expect(settled.outcome).toBe('settled');

    // Back up: the next apply finishes the job.
    await sim.setDown('LEGACY', false);
    const again = await apply(copy.file, backend);
    expect(again.outcome).toBe('applied');
    const online = await waitForLinks({ topology, backend, timeoutMs: 10_000 }, ctx);
    expect(online.outcome).toBe('online');
    expect((await collectLinkStatus({ topology, backend }, ctx)).links).toHaveLength(5);
  });
});
