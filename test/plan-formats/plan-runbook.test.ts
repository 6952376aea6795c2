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
import { planOf as planOfResult, explainResult } from '../helpers/outcome.js';

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
  it("follows apply's phases, and within the entries sets up children before parents", async () => {
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
    expect(result.outcome, explainResult(result)).toBe('planned');
    const plan = planOfResult(result);
    const runbook = formatPlanRunbook(plan, { topology: result.checked.loaded.topology });
    expect(runbook).not.toContain(SECRET);

    // The runbook goes through apply's phases; within the entries, children come first.
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
    const report = await applyPlan(
      plan,
      new DirBackend({ dir: path.join(dir, 'state') }),
      quietContext(),
      {
        concurrency: 1,
        onProgress: (p) => applied.push(`${p.phase} ${p.server}`),
      },
    );
    expect(report.failed).toBe(0);
    expect(applied).toEqual([
      'protocol BRANCH',
      'entries AUXILIARY',
      'entries BRANCH',
      'entries MAIN',
      'deletions BRANCH',
      'deletions MAIN',
    ]);
    // BRANCH is AUXILIARY's child, AUXILIARY is MAIN's: leaves first, then up the hierarchy.
    expect(steps).toEqual([
      'protocol BRANCH',
      'entries BRANCH',
      'entries AUXILIARY',
      'entries MAIN',
      'deletions BRANCH',
      'deletions MAIN',
    ]);
    expect([...steps].sort()).toEqual([...applied].sort());
    // The runbook covered the whole plan: once it is carried out, nothing is left to do.
    const after = await run();
    expect(planOfResult(after).changes).toEqual([]);

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
        '3. Anti-virus Network → select the server HQ → neighbor BR (Child) → Edit:',
        '   - Password: enter the new password, from env PW (the same on both servers of link HQ->BR)',
        "   - Neighbor's public key: set it to keys/br.pub (the public key of BR)",
        '   - Connection parameters: change from permanent to periodic',
        '   - Connection parameters → reconnect period: change from (empty) to 15m',
        '   - Encryption: change from possible to yes',
        '   - Period for accepted licenses renewal: change from 7d to 14d',
        '   - License synchronization period: change from (empty) to 1h',
        '   - Events: change from receive to off (set by the link type, cannot be changed: if the Control Center shows it otherwise, delete this neighbor and create it again)',
        "   - Send notifications on events of neighbor Server: change from off to on — you are notified of the events BR sends: Security threat detected, Report of Preventive protection, Scan error, Scan statistics (the vendor's guide warns that there may be very many)",
        '   - Update restrictions → Updates: change from (empty) to mon-fri 09:00-18:00',
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
    // Before: HQ must operate normally (OLD has left the topology); no Name to check for deletions.
    expect(runbook).toContain(
      '## Before you start\n\n1. Make sure that every server below operates normally: HQ.\n\n## Part',
    );
    expect(runbook).toContain(
      '2. Anti-virus Network → select the server HQ → neighbor OLD (Child) → Delete neighbor (no longer in the topology).',
    );
    expect(runbook).toContain('### OLD (no longer in the topology)');
    // Nothing was set up, so there is no neighbor to wait for: the check is the plan.
    expect(runbook).toContain('## Check\n\n4. Run `avnet plan` again. Expect: "No changes".');
    expect(runbook).not.toContain('Online');
  });

  it('says there is nothing to do for an empty plan, and warns about unreadable servers', () => {
    const empty = planOf({ HQ: [] }, [enabled('HQ', [])]);
    expect(formatPlanRunbook(empty)).toContain(
      'No changes. The actual state matches the topology; there is nothing to do.',
    );
    expect(formatPlanRunbook(empty)).not.toMatch(/^1\. /m);
    const plan = { ...empty, errors: [{ server: 'DOWN', message: 'connect ECONNREFUSED' }] };
    const runbook = formatPlanRunbook(plan);
    expect(runbook).toContain(
      'WARNING: these servers could not be read, so nothing is planned for them:\n- DOWN: connect ECONNREFUSED',
    );
    expect(runbook).not.toMatch(/^1\. /m);
  });
});

/** Distinct, strong passwords for the enterprise example's links. */
const ENTERPRISE_ENV = {
  AVNET_HQ_EU: 'rb-hq-eu-Vt8q2Lx9',
  AVNET_HQ_US: 'rb-hq-us-Jm4w7Pz1',
  AVNET_HQ_APAC: 'rb-hq-apac-Qs6d3Kr8',
  AVNET_EU_US: 'rb-eu-us-Xn2f9Hc5',
  AVNET_APAC_LEGACY: 'rb-apac-legacy-Wb7g1Ty4',
};

/** The enterprise example planned from scratch (a fresh dir backend), with its topology. */
async function enterprisePlan(): Promise<{ plan: Plan; topology: Topology }> {
  const state = await mkdtemp(path.join(os.tmpdir(), 'avnet-runbook-enterprise-'));
  temps.push(state);
  const result = await reconcileOnce(
    {
      file: path.join(import.meta.dirname, '../../examples/enterprise/topology.yaml'),
      mode: 'plan',
      env: ENTERPRISE_ENV,
      backend: async (endpoints) => new DirBackend({ dir: state, endpoints }),
    },
    quietContext(),
  );
  expect(result.outcome, explainResult(result)).toBe('planned');
  return { plan: planOfResult(result), topology: result.checked.loaded.topology };
}

/** One numbered step of a runbook: its number, the server heading it is under, and its text. */
interface RunbookStep {
  readonly n: number;
  readonly server: string | undefined;
  readonly text: string;
}

function runbookSteps(runbook: string): RunbookStep[] {
  const steps: RunbookStep[] = [];
  let server: string | undefined;
  let current: { n: number; server: string | undefined; lines: string[] } | undefined;
  const flush = () => {
    if (current)
      steps.push({ n: current.n, server: current.server, text: current.lines.join('\n') });
    current = undefined;
  };
  for (const line of runbook.split('\n')) {
    const heading = /^#{2,3} (\S+)/.exec(line);
    if (heading) {
      flush();
      server = line.startsWith('### ') ? heading[1] : undefined;
      continue;
    }
    const numbered = /^(\d+)\. /.exec(line);
    if (numbered) {
      flush();
      current = { n: Number(numbered[1]), server, lines: [line] };
    } else if (current && line !== '') current.lines.push(line);
  }
  flush();
  return steps;
}

/** The step creating `server`'s entry of `type` for `neighbor`. */
function createStep(steps: RunbookStep[], server: string, type: string, neighbor: string) {
  const step = steps.find(
    (s) =>
      s.server === server &&
      s.text.includes('Create neighbor') &&
      s.text.includes(`- Type: ${type}\n`) &&
      s.text.includes(`- Name: ${neighbor}\n`),
  );
  if (!step) throw new Error(`no step creating ${server}'s ${type} entry for ${neighbor}`);
  return step;
}

describe('formatPlanRunbook follows the vendor procedure', () => {
  it('sets up children before parents, as the vendor walkthrough does', async () => {
    const { plan, topology } = await enterprisePlan();
    // With the topology, and from the plan alone (the entries' types give the hierarchy).
    for (const runbook of [formatPlanRunbook(plan, { topology }), formatPlanRunbook(plan)]) {
      const steps = runbookSteps(runbook);
      let checked = 0;
      for (const link of topology.links) {
        if (link.kind !== 'parent-child') continue;
        const childAddsParent = createStep(steps, link.child, 'Parent', link.parent);
        const parentAddsChild = createStep(steps, link.parent, 'Child', link.child);
        expect(childAddsParent.n, `${link.child} before ${link.parent}`).toBeLessThan(
          parentAddsChild.n,
        );
        checked++;
      }
      expect(checked).toBe(4);
      const entriesPart = runbook.slice(runbook.indexOf('Neighbor entries to create and change'));
      const servers = [...entriesPart.matchAll(/^### (\S+)/gm)].map((m) => m[1]);
      // Leaves first, ties by name: EU, LEGACY and US have no children; APAC once LEGACY is
      // done; HQ last. The protocol part stays first, in apply's order.
      expect(servers).toEqual(['EU', 'LEGACY', 'APAC', 'US', 'HQ']);
      expect(runbook.indexOf('Dr.Web Server protocol and restarts')).toBeLessThan(
        runbook.indexOf('Neighbor entries to create and change'),
      );
    }
  });

  it('asks the v10 server for the public key and the v11+ server for a drwsign gencert certificate', async () => {
    const { plan, topology } = await enterprisePlan();
    const steps = runbookSteps(formatPlanRunbook(plan, { topology }));
    const onV10 = createStep(steps, 'LEGACY', 'Parent', 'APAC').text;
    expect(onV10).toContain("- Neighbor's public key: certs/APAC.pub (the public key of APAC)");
    // The guide asks for no certificate fields on the v10 side.
    expect(onV10).not.toContain('Own certificates of Dr.Web Server');
    expect(onV10).not.toContain('Certificates of neighbor Dr.Web Server');
    const onV11 = createStep(steps, 'APAC', 'Child', 'LEGACY').text;
    expect(onV11).toMatch(
      /- Certificates of neighbor Dr\.Web Server: certs\/LEGACY\.pem \(sha256 [0-9A-F:]+…\) — for the v10 server LEGACY this is a certificate generated from LEGACY's private key with the `drwsign` utility \(`gencert` command\) of the Dr\.Web Server 11\+ distribution/,
    );
    expect(onV11).toContain('- Own certificates of Dr.Web Server: certs/APAC.pem');
    expect(onV11).not.toContain("Neighbor's public key");

    // A certificate change on the v10 side has nothing to set there.
    const legacy = topologyOf(
      [spec('APAC', { version: 11, publicKey: 'certs/APAC.pub' }), spec('LEGACY', { version: 10 })],
      [
        {
          kind: 'parent-child',
          index: 0,
          parent: 'APAC',
          child: 'LEGACY',
          hasFlows: false,
          password: { kind: 'env', name: 'PW' },
        },
      ],
    );
    const pem = await readFile(
      path.join(import.meta.dirname, '../../examples/enterprise/certs/APAC.pem'),
      'utf8',
    );
    const before = entry('APAC', 'parent', { neighborPublicKey: 'KEY', neighborCertificates: [] });
    const after = { ...before, neighborCertificates: [pem] };
    const edit = formatPlanRunbook(planOf({ LEGACY: [after] }, [enabled('LEGACY', [before])]), {
      topology: legacy,
    });
    expect(edit).toContain(
      '- nothing to change in the Control Center (only fields a v10 server does not have)',
    );
    expect(edit).not.toContain('Certificates of neighbor');
  });

  it("uses the Control Center's labels; the flags fixed by the link type are not something to set", async () => {
    const { plan, topology } = await enterprisePlan();
    const runbook = formatPlanRunbook(plan, { topology });
    for (const label of [
      '- Own certificates of Dr.Web Server: ',
      '- Certificates of neighbor Dr.Web Server: ',
      '- URL of Dr.Web Security Control Center: https://127.0.0.1:19001/',
      '- Connection parameters: permanent',
      '- Connection parameters: periodic, reconnect every 15m',
      '- Send notifications on events of neighbor Server: ',
      '- Update restrictions → Updates: mon-fri 09:00-18:00',
      '- Update restrictions → Events: sat-sun 00:00-24:00; daily 02:00-04:30',
      '- Validity period of donated licenses: 30d',
      '- Period for accepted licenses renewal: 7d',
      '- License synchronization period: 1h',
    ])
      expect(runbook).toContain(label);
    for (const old of [
      "Neighbor's certificates",
      'Control Center URL:',
      'Flows:',
      'License periods:',
    ])
      expect(runbook).not.toContain(old);
    const steps = runbookSteps(runbook);
    const child = createStep(steps, 'EU', 'Parent', 'HQ').text;
    expect(child).toContain('- Licenses: receive (set by the link type, cannot be changed)');
    expect(child).toContain('- Updates: receive (set by the link type, cannot be changed)');
    expect(child).toContain('- Events: send (set by the link type, cannot be changed)');
    // The validity of donated licenses is set in the dialog creating the Parent entry (on the
    // child), not on the donating parent, as the vendor's guide says.
    expect(child).toContain('- Validity period of donated licenses: 30d');
    const parent = createStep(steps, 'HQ', 'Child', 'EU').text;
    expect(parent).toContain('- Licenses: send (set by the link type, cannot be changed)');
    expect(parent).not.toContain('Validity period of donated licenses');
    // Peers choose their flows: the Send and Receive flags of each section.
    const peer = createStep(steps, 'US', 'Peer', 'EU').text;
    expect(peer).toContain('- Licenses: clear Send and Receive');
    expect(peer).toContain('- Updates: clear Send, set Receive');
    expect(peer).toContain('- Events: set Send and Receive');
  });

  it('names the notification kinds, and what to do if the console offers the flag in the other dialog', async () => {
    const { plan, topology } = await enterprisePlan();
    const steps = runbookSteps(formatPlanRunbook(plan, { topology }));
    const parent = createStep(steps, 'HQ', 'Child', 'EU').text;
    expect(parent).toContain(
      "- Send notifications on events of neighbor Server: on — you are notified of the events EU sends: Security threat detected, Report of Preventive protection, Scan error, Scan statistics (the vendor's guide warns that there may be very many)",
    );
    expect(parent).toContain(
      "- If this dialog has that option disabled, leave it and set it instead in EU's Parent entry for HQ",
    );
    const child = createStep(steps, 'EU', 'Parent', 'HQ').text;
    expect(child).toContain(
      "- Send notifications on events of neighbor Server: off — HQ receives this server's events and is notified of them",
    );
    expect(child).toContain("If HQ's dialog has that option disabled, set it here instead");
    // HQ -> APAC does not notify: no advice on either side.
    expect(createStep(steps, 'APAC', 'Parent', 'HQ').text).toContain(
      '- Send notifications on events of neighbor Server: off\n',
    );
  });

  it('checks before the first step, after each Save and at the end, as the vendor procedure does', async () => {
    const { plan, topology } = await enterprisePlan();
    const runbook = formatPlanRunbook(plan, { topology });
    expect(runbook).toContain(
      [
        '## Before you start',
        '',
        '1. Make sure that every server below operates normally: APAC, EU, HQ, LEGACY, US.',
        "2. On each server, Administration → Dr.Web Server configuration → General → Name must be exactly the server's name in the topology, because neighbors are matched by name: APAC, EU, HQ, LEGACY, US.",
      ].join('\n'),
    );
    const steps = runbookSteps(runbook);
    const create = createStep(steps, 'US', 'Parent', 'HQ').text;
    expect(create).toMatch(
      /^\d+\. Anti-virus Network → Add a network object → Create neighbor, with:/,
    );
    expect(create).toContain(
      'Then Save. HQ appears in the Parents folder of the network tree, and in Offline until it connects.',
    );
    expect(createStep(steps, 'HQ', 'Child', 'US').text).toContain('appears in the Children folder');
    expect(createStep(steps, 'EU', 'Peer', 'US').text).toContain('appears in the Peers folder');
    const check = runbook.slice(runbook.indexOf('## Check'));
    const n = steps.length;
    expect(check).toContain(
      `${n - 2}. In the Control Center of each server above, Anti-virus Network: wait until every neighbor set up above has moved from the Offline folder to Online (usually not more than a minute; press F5 to refresh).`,
    );
    expect(check).toContain(
      `${n - 1}. Where the servers have a management API (HQ, EU, US, APAC, LEGACY), run \`avnet status\`: it shows every link online, or offline with the reason.`,
    );
    expect(check).toContain(
      `${n}. Run \`avnet plan\` again. Expect: "No changes". (It compares the configuration, not whether the links are up.)`,
    );
    for (const secret of Object.values(ENTERPRISE_ENV)) expect(runbook).not.toContain(secret);
  });
});
