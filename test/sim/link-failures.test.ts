/**
 * Every link failure cause, provoked on emulated servers by writing a broken entry through the
 * http backend (as an operator clicking in the Control Center would), shown by the status stage
 * with its distinct reason, and repaired by the next apply of the topology.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, ServerChange } from '../../src/backends/index.js';
import type { LinkStatus } from '../../src/model/index.js';
import { reconcileOnce } from '../../src/engine/index.js';
import { loadTopology } from '../../src/load/index.js';
import type { NeighborEntry, ServerState, Topology } from '../../src/model/index.js';
import { quietContext } from '../../src/model/index.js';
import type { Simulation } from '../../src/sim/index.js';
import { collectLinkStatus } from '../../src/status/index.js';
import {
  eventually,
  freePorts,
  generateTopology,
  httpBackendFor,
  serverYaml,
  simulate,
  type GeneratedTopology,
} from './helpers.js';
import { applyOf, planOf } from '../helpers/outcome.js';

const SECRETS = {
  AVNET_MAIN_AUX1: 'main-aux1-link-secret-41c9',
  AVNET_MAIN_AUX2: 'main-aux2-link-secret-8e02',
  AVNET_AUX_PEERS: 'aux-peers-link-secret-d7a5',
};

const ctx = quietContext();
let topo: GeneratedTopology;
let sim: Simulation;
let backend: Backend;
let topology: Topology;

async function reconcile(mode: 'plan' | 'apply') {
  return reconcileOnce({ file: topo.file, mode, env: SECRETS, backend: async () => backend }, ctx);
}

async function links(): Promise<readonly LinkStatus[]> {
  return (await collectLinkStatus({ topology, backend }, ctx)).links;
}

function find(all: readonly LinkStatus[], a: string, b: string): LinkStatus {
  const l = all.find((x) => x.a === a && x.b === b);
  if (!l) throw new Error(`no link ${a}-${b} in ${JSON.stringify(all)}`);
  return l;
}

async function allOnline(): Promise<void> {
  await eventually(
    async () => ((await links()).every((l) => l.state === 'online') ? true : undefined),
    10_000,
    'every link online',
  );
}

/** Rewrites one server's entry (or state) through the backend, as a person might. */
async function mutate(
  server: string,
  fn: (state: ServerState) => Omit<ServerChange, 'expectedRevision'>,
): Promise<void> {
  const state = (await backend.readServer(server, ctx))!;
  await backend.applyChange(server, { expectedRevision: state.revision, ...fn(state) }, ctx);
}

function entryOf(state: ServerState, name: string): NeighborEntry {
  return state.neighbors.find((e) => e.name === name)!;
}

function editEntry(
  server: string,
  neighbor: string,
  patch: (e: NeighborEntry) => Partial<NeighborEntry>,
): Promise<void> {
  return mutate(server, (s) => {
    const e = entryOf(s, neighbor);
    return { upsert: [{ ...e, ...patch(e) }] };
  });
}

beforeAll(async () => {
  topo = await generateTopology(['MAIN', 'AUX1', 'AUX2'], (t) =>
    [
      'apiVersion: avnet/v1',
      'kind: Topology',
      'servers:',
      serverYaml(t, 'MAIN'),
      serverYaml(t, 'AUX1'),
      serverYaml(t, 'AUX2'),
      'links:',
      '  - { parent: MAIN, child: AUX1, password: { env: AVNET_MAIN_AUX1 } }',
      '  - { parent: MAIN, child: AUX2, password: { env: AVNET_MAIN_AUX2 } }',
      '  - peers: [AUX1, AUX2]',
      '    password: { env: AVNET_AUX_PEERS }',
      '    dial: AUX1',
      '    flows: { updates: both, events: both, licenses: none }',
      '',
    ].join('\n'),
  );
  topology = (await loadTopology(topo.file)).topology;
  sim = await simulate(topo.file);
  backend = await httpBackendFor(sim, topo.file);
  const first = await reconcile('apply');
  expect(first.outcome).toBe('applied');
  await allOnline();
});

afterAll(async () => {
  await backend?.close?.();
  await sim?.stop();
  await topo?.cleanup();
});

interface Cause {
  readonly reason: string;
  readonly link: readonly [string, string];
  provoke(): Promise<void>;
  /** Text the error must contain besides the reason. */
  readonly detail?: RegExp;
}

let closedPort = 0;

const causes: Cause[] = [
  {
    reason: 'unreachable',
    link: ['MAIN', 'AUX1'],
    detail: /ECONNREFUSED 127\.0\.0\.1:\d+/,
    provoke: () => editEntry('AUX1', 'MAIN', () => ({ address: `127.0.0.1:${closedPort}` })),
  },
  {
    reason: 'certificate-mismatch',
    link: ['MAIN', 'AUX1'],
    detail: /does not list/,
    provoke: async () => {
      const aux2 = (await backend.readServer('AUX2', ctx))!;
      // MAIN now pins AUX2's certificate for AUX1.
      await editEntry('MAIN', 'AUX1', () => ({
        neighborCertificates: entryOf(aux2, 'MAIN').ownCertificates,
      }));
    },
  },
  {
    reason: 'wrong-password',
    link: ['MAIN', 'AUX1'],
    provoke: () => editEntry('AUX1', 'MAIN', () => ({ password: 'typed-by-hand-differently' })),
  },
  {
    reason: 'one-sided',
    link: ['MAIN', 'AUX1'],
    detail: /MAIN has no entry for AUX1|AUX1 has a parent entry for MAIN/,
    provoke: () => mutate('MAIN', () => ({ remove: ['AUX1'] })),
  },
  {
    reason: 'type-mismatch',
    link: ['MAIN', 'AUX1'],
    provoke: () => editEntry('MAIN', 'AUX1', () => ({ type: 'peer' })),
  },
  {
    reason: 'encryption-mismatch',
    link: ['MAIN', 'AUX1'],
    detail: /encryption (yes|no)/,
    provoke: async () => {
      await editEntry('MAIN', 'AUX1', () => ({ encryption: 'yes' }));
      await editEntry('AUX1', 'MAIN', () => ({ encryption: 'no' }));
    },
  },
  {
    reason: 'compression-mismatch',
    link: ['MAIN', 'AUX1'],
    provoke: async () => {
      await editEntry('MAIN', 'AUX1', () => ({ compression: 'no' }));
      await editEntry('AUX1', 'MAIN', () => ({ compression: 'yes' }));
    },
  },
  {
    reason: 'protocol-disabled',
    link: ['MAIN', 'AUX2'],
    detail: /AUX2 has the Dr\.Web Server protocol disabled/,
    provoke: async () => {
      await mutate('AUX2', () => ({ protocol: 'disabled' }));
      await mutate('AUX2', () => ({ restart: true }));
    },
  },
  {
    reason: 'restart-pending',
    link: ['MAIN', 'AUX2'],
    provoke: async () => {
      await mutate('AUX2', () => ({ protocol: 'disabled' }));
      await mutate('AUX2', () => ({ restart: true }));
      await mutate('AUX2', () => ({ protocol: 'enabled' }));
    },
  },
  {
    reason: 'duplicate-key-id',
    link: ['MAIN', 'AUX2'],
    detail: /link with AUX1 already uses the same password and certificate/,
    provoke: async () => {
      // The vendor's rule: no two links of one server with the same password and certificate.
      const pw = SECRETS.AVNET_MAIN_AUX1;
      await editEntry('MAIN', 'AUX2', () => ({ password: pw }));
      await editEntry('AUX2', 'MAIN', () => ({ password: pw }));
    },
  },
  {
    reason: 'no-dialer',
    link: ['AUX1', 'AUX2'],
    provoke: () => editEntry('AUX1', 'AUX2', () => ({ address: null })),
  },
];

describe('link failures on emulated servers', () => {
  beforeAll(async () => {
    closedPort = (await freePorts(1))[0]!;
  });

  it.each(causes.map((c) => [c.reason, c] as const))(
    '%s is shown by status and repaired by apply',
    async (_name, cause) => {
      await cause.provoke();
      const [a, b] = cause.link;
      const broken = await eventually(
        async () => {
          const l = find(await links(), a, b);
          return l.reason === cause.reason ? l : undefined;
        },
        10_000,
        `${a}-${b} offline with ${cause.reason}`,
      );
      expect(broken.state).toBe('offline');
      if (cause.detail) expect(broken.detail).toMatch(cause.detail);
      for (const secret of [...Object.values(SECRETS), 'typed-by-hand-differently'])
        expect(JSON.stringify(broken)).not.toContain(secret);

      const plan = await reconcile('plan');
      expect(planOf(plan).changes.length).toBeGreaterThan(0);
      const repaired = await reconcile('apply');
      expect(repaired.outcome).toBe('applied');
      expect(applyOf(repaired).verify.status).toBe('converged');
      await allOnline();
      expect((await reconcile('plan')).outcome).toBe('in-sync');
    },
  );

  it('gives every cause a distinct reason', () => {
    expect(new Set(causes.map((c) => c.reason)).size).toBe(causes.length);
  });
});
