import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyProgress } from '../../src/apply/apply-plan.js';
import { DirBackend } from '../../src/backends/index.js';
import { reconcileOnce } from '../../src/engine/reconcile-once.js';
import type {
  LinkSpec,
  NeighborEntry,
  Plan,
  ServerSpec,
  ServerState,
  Topology,
} from '../../src/model/index.js';
import { freshServerState, MANAGED_BY_AVNET, quietContext } from '../../src/model/index.js';
import { computePlan } from '../../src/plan/compute-plan.js';
import { formatPlanRunbook, passwordSource } from '../../src/output/plan-runbook.js';

const SECRET = 'rb-secret-value-4Lp9';

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

function spec(name: string, over: Partial<ServerSpec> = {}): ServerSpec {
  return {
    name,
    version: 13,
    certificates: [`certs/${name}.pem`],
    protocol: 'enabled',
    ...over,
  };
}

function topologyOf(servers: ServerSpec[], links: LinkSpec[]): Topology {
  return { defaults: {}, servers: new Map(servers.map((s) => [s.name, s])), links };
}

function entry(name: string, type: NeighborEntry['type'], over: Partial<NeighborEntry> = {}) {
  return {
    name,
    type,
    password: SECRET,
    ownCertificates: [],
    neighborCertificates: [],
    neighborPublicKey: null,
    address: null,
    consoleUrl: null,
    connection: 'permanent',
    reconnectPeriod: null,
    encryption: 'possible',
    compression: 'possible',
    licenses: {},
    flows: { updates: 'none', events: 'none', licenses: 'none' },
    notify: false,
    restrictions: {},
    managedBy: MANAGED_BY_AVNET,
    ...over,
  } satisfies NeighborEntry;
}

function planOf(desired: Record<string, NeighborEntry[]>, actual: ServerState[]): Plan {
  return computePlan({
    topology: { file: 'topology.yaml', sha256: '0123456789abcdef' },
    backend: { type: 'dir' },
    desired: new Map(
      Object.entries(desired).map(([name, neighbors]) => [
        name,
        { name, version: 13, protocol: 'enabled' as const, neighbors },
      ]),
    ),
    actual: new Map(actual.map((s) => [s.name, s])),
  });
}

const enabled = (name: string, neighbors: NeighborEntry[]): ServerState => ({
  ...freshServerState(name, 13),
  protocol: 'enabled',
  revision: 4,
  neighbors,
});

describe('formatPlanRunbook', () => {
  it('follows the order apply uses: protocol everywhere, then entries, then deletions', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-runbook-'));
    temps.push(dir);
    const fixture = path.join(import.meta.dirname, 'link-removed');
    await cp(path.join(fixture, 'certs'), path.join(dir, 'certs'), { recursive: true });
    await cp(path.join(fixture, 'state'), path.join(dir, 'state'), { recursive: true });
    // BRANCH lost its protocol module: it needs enabling and a restart before its new link.
    const branchFile = path.join(dir, 'state', 'BRANCH.json');
    const branch = JSON.parse(await readFile(branchFile, 'utf8')) as Record<string, unknown>;
    await writeFile(branchFile, JSON.stringify({ ...branch, protocol: 'disabled' }));
    await writeFile(
      path.join(dir, 'topology.yaml'),
      [
        'apiVersion: avnet/v1',
        'kind: Topology',
        'servers:',
        '  MAIN: { address: main.corp.example, certificates: [certs/MAIN.pem] }',
        '  AUXILIARY: { address: aux.corp.example, certificates: [certs/AUXILIARY.pem] }',
        '  BRANCH: { address: branch.corp.example, certificates: [certs/BRANCH.pem] }',
        'links:',
        '  - { parent: MAIN, child: AUXILIARY, password: { env: AVNET_MAIN_AUX }, encryption: yes }',
        '  - { parent: AUXILIARY, child: BRANCH, password: { env: AVNET_AUX_BRANCH } }',
        '',
      ].join('\n'),
    );
    const env = { AVNET_MAIN_AUX: 'fx-main-aux-Q7w9', AVNET_AUX_BRANCH: SECRET };
    const run = () =>
      reconcileOnce(
        {
          file: path.join(dir, 'topology.yaml'),
          mode: 'plan',
          env,
          backend: async (endpoints) => new DirBackend({ dir: path.join(dir, 'state'), endpoints }),
        },
        quietContext(),
      );
    const result = await run();
    expect(result.outcome, result.message).toBe('planned');
    const plan = result.plan!;
    const runbook = formatPlanRunbook(plan, { topology: result.checked.loaded.topology });
    expect(runbook).not.toContain(SECRET);

    // The (phase, server) sequence of the runbook is the one apply really goes through.
    const phaseOfTitle: Record<string, ApplyProgress['phase']> = {
      'Dr.Web Server protocol and restarts': 'protocol',
      'Neighbor entries to create and change': 'entries',
      'Neighbor entries to delete': 'deletions',
    };
    const steps: string[] = [];
    let phase = '';
    for (const line of runbook.split('\n')) {
      const part = /^## Part \d+ of \d+: (.*)$/.exec(line);
      if (part) phase = phaseOfTitle[part[1]!]!;
      const server = /^### (\S+)/.exec(line);
      if (server) steps.push(`${phase} ${server[1]}`);
    }
    const applied: string[] = [];
    const report = await applyPlan(plan, result.backend!, quietContext(), {
      concurrency: 1,
      onProgress: (p) => applied.push(`${p.phase} ${p.server}`),
    });
    expect(report.failed).toBe(0);
    expect(steps).toEqual(applied);
    expect(steps).toEqual([
      'protocol BRANCH',
      'entries AUXILIARY',
      'entries BRANCH',
      'entries MAIN',
      'deletions BRANCH',
      'deletions MAIN',
    ]);
    // The runbook covered the whole plan: once it is carried out, nothing is left to do.
    const after = await run();
    expect(after.plan!.changes).toEqual([]);

    // Step numbers run on across servers and parts.
    const numbers = [...runbook.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(runbook).toContain('Password: from env AVNET_AUX_BRANCH');
    expect(runbook).toContain(
      'Leave these entries alone (they are not managed by avnet):\n- MAIN: LEGACY',
    );
  });

  it('names each password by its reference, never by value', () => {
    const links: LinkSpec[] = [
      {
        kind: 'parent-child',
        index: 0,
        parent: 'A',
        child: 'B',
        hasFlows: false,
        password: { kind: 'env', name: 'PW_AB' },
      },
      {
        kind: 'parent-child',
        index: 1,
        parent: 'A',
        child: 'C',
        hasFlows: false,
        password: { kind: 'file', path: 'secrets/a-c' },
      },
      {
        kind: 'peer',
        index: 2,
        peers: ['B', 'C'],
        dial: 'B',
        password: { kind: 'inline', value: SECRET },
      },
      { kind: 'parent-child', index: 3, parent: 'A', child: 'D', hasFlows: false },
    ];
    const topology = topologyOf(
      ['A', 'B', 'C', 'D'].map((n) => spec(n)),
      links,
    );
    expect(passwordSource(topology, 'B', 'A')).toBe(
      'from env PW_AB (the same on both servers of link A->B)',
    );
    expect(passwordSource(topology, 'A', 'C')).toBe(
      'from file secrets/a-c (the same on both servers of link A->C)',
    );
    expect(passwordSource(topology, 'C', 'B')).toBe(
      'the inline password of link B<->C in the topology (the same on both servers)',
    );
    expect(passwordSource(topology, 'A', 'D')).toContain('the topology does not set one');
    expect(passwordSource(undefined, 'A', 'B')).not.toContain(SECRET);

    const plan = planOf(
      { B: [entry('C', 'peer', { address: 'c.example' })], C: [entry('B', 'peer')] },
      [enabled('B', []), enabled('C', [])],
    );
    const runbook = formatPlanRunbook(plan, { topology });
    expect(runbook).toContain(
      'Password: the inline password of link B<->C in the topology (the same on both servers)',
    );
    expect(runbook).not.toContain(SECRET);
  });

  it('spells out every changed field as "change from A to B"', () => {
    const topology = topologyOf(
      [
        spec('HQ', { consoleUrl: 'https://hq.example:9081/' }),
        spec('BR', { publicKey: 'keys/br.pub' }),
      ],
      [
        {
          kind: 'parent-child',
          index: 0,
          parent: 'HQ',
          child: 'BR',
          hasFlows: false,
          password: { kind: 'env', name: 'PW' },
        },
      ],
    );
    const before = entry('BR', 'child', {
      licenses: { renewBefore: '7d' },
      flows: { updates: 'send', events: 'receive', licenses: 'send' },
      restrictions: {},
      managedBy: null,
    });
    const after = entry('BR', 'child', {
      password: 'other-' + SECRET,
      encryption: 'yes',
      connection: 'periodic',
      reconnectPeriod: '15m',
      neighborPublicKey: '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n',
      licenses: { renewBefore: '14d', syncPeriod: '1h' },
      flows: { updates: 'send', events: 'none', licenses: 'send' },
      notify: true,
      restrictions: { updates: ['mon-fri 09:00-18:00'] },
    });
    const plan = planOf({ HQ: [after] }, [enabled('HQ', [before])]);
    const runbook = formatPlanRunbook(plan, { topology });
    expect(runbook).toContain(
      [
        '### HQ (Control Center https://hq.example:9081/)',
        '',
        '1. Anti-virus Network → select the server HQ → neighbor BR (Child) → Edit:',
        '   - Password: enter the new password, from env PW (the same on both servers of link HQ->BR)',
        "   - Neighbor's public key: set it to keys/br.pub (the public key of BR)",
        '   - Connection type: change from permanent to periodic',
        '   - Reconnect period: change from (empty) to 15m',
        '   - Encryption: change from possible to yes',
        '   - Period for accepted licenses renewal: change from 7d to 14d',
        '   - License synchronization period: change from (empty) to 1h',
        '   - Events: change from receive to off',
        '   - Notifications: change from off to on',
        '   - Updates restrictions (no updates sent during): change from (empty) to mon-fri 09:00-18:00',
        '   Then Save.',
      ].join('\n'),
    );
    expect(runbook).not.toContain('managedBy');
    expect(runbook).not.toContain(SECRET);
  });

  it('deletes last, on servers that left the topology too', () => {
    const plan = planOf({ HQ: [] }, [
      enabled('HQ', [entry('OLD', 'child')]),
      enabled('OLD', [entry('HQ', 'parent')]),
    ]);
    const runbook = formatPlanRunbook(plan, { topology: topologyOf([spec('HQ')], []) });
    expect(runbook).toContain('## Part 1 of 1: Neighbor entries to delete');
    expect(runbook).toContain(
      '1. Anti-virus Network → select the server HQ → neighbor OLD (Child) → Delete neighbor (no longer in the topology).',
    );
    expect(runbook).toContain('### OLD (no longer in the topology)');
    expect(runbook).toContain('3. Run `avnet plan` again. Expect: "No changes".');
  });

  it('says there is nothing to do for an empty plan, and warns about unreadable servers', () => {
    const plan = {
      ...planOf({ HQ: [] }, [enabled('HQ', [])]),
      errors: [{ server: 'DOWN', message: 'connect ECONNREFUSED' }],
    };
    const runbook = formatPlanRunbook(plan);
    expect(runbook).toContain(
      'No changes. The actual state matches the topology; there is nothing to do.',
    );
    expect(runbook).toContain(
      'WARNING: these servers could not be read, so nothing is planned for them:\n- DOWN: connect ECONNREFUSED',
    );
    expect(runbook).not.toMatch(/^1\. /m);
  });
});
