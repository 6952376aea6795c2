import { mkdir, stat, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DirBackend, LOCK_FILE } from '../../src/backends/index.js';
import type { NeighborEntry } from '../../src/model/index.js';
import {
  changedFieldNames,
  changedNeighbor,
  quietContext,
  type Context,
} from '../../src/model/index.js';
import { normalizePem } from '../../src/render/index.js';
import { basicYaml, makeNetwork, pool, runCli, type TestNetwork } from './network.js';
import { planOf, applyOf, explainResult } from '../helpers/outcome.js';

const PW = 'Secret-Main-Aux-Passw0rd';
const PW2 = 'Other-Secret-For-East-West';
const THREE = `apiVersion: avnet/v1
kind: Topology
defaults: { encryption: possible }
servers:
  MAIN: { address: main.example, certificates: [certs/MAIN.pem] }
  AUX: { address: aux.example:2200, certificates: [certs/AUX.pem], compression: no }
  EAST: { address: east.example, certificates: [certs/EAST.pem] }
links:
  - parent: MAIN
    child: AUX
    password: { env: PW_MAIN_AUX }
    licenses: { validity: 30d, renewBefore: 7d, syncPeriod: 1h }
    notify: [MAIN]
    restrictions: { updates: ["mon-fri 09:00-18:00"], events: ["sat-sun 00:00-24:00"] }
  - peers: [EAST, MAIN]
    password: { env: PW_EAST_MAIN }
    dial: EAST
    flows: { updates: MAIN->EAST, events: both, licenses: none }
    connection: periodic
    reconnectPeriod: 15m
`;

let net: TestNetwork;
beforeAll(() => {
  pool.warm('MAIN', 'AUX', 'EAST');
});
afterEach(async () => {
  await net?.cleanup();
});

function entry(
  states: Map<string, { neighbors: readonly NeighborEntry[] }>,
  server: string,
  neighbor: string,
): NeighborEntry {
  const e = states.get(server)?.neighbors.find((n) => n.name === neighbor);
  if (!e) throw new Error(`no entry ${neighbor} on ${server}`);
  return e;
}

describe('apply on the dir backend', () => {
  it('creates both sides of every link as the derived-state table says', async () => {
    net = await makeNetwork(['MAIN', 'AUX', 'EAST'], THREE, { PW_MAIN_AUX: PW, PW_EAST_MAIN: PW2 });
    const result = await net.reconcile('apply');
    expect(result.outcome).toBe('applied');
    expect(applyOf(result).verify.status).toBe('converged');
    const states = await net.states();
    for (const s of states.values()) {
      expect(s.protocol).toBe('enabled');
      expect(s.pendingRestart).toBe(false);
    }
    const parentSide = entry(states, 'MAIN', 'AUX');
    const childSide = entry(states, 'AUX', 'MAIN');
    expect(parentSide).toMatchObject({
      type: 'child',
      password: PW,
      address: null,
      notify: true,
      managedBy: 'avnet',
    });
    expect(childSide).toMatchObject({
      type: 'parent',
      password: PW,
      address: 'main.example:2193', // the default port filled in
      notify: false,
    });
    expect(parentSide.flows).toEqual({ licenses: 'send', updates: 'send', events: 'receive' });
    expect(childSide.flows).toEqual({ licenses: 'receive', updates: 'receive', events: 'send' });
    expect(parentSide.licenses).toEqual({ renewBefore: '7d', syncPeriod: '1h' });
    expect(childSide.licenses).toEqual({ validity: '30d', syncPeriod: '1h' });
    expect(parentSide.restrictions).toEqual({ updates: ['mon-fri 09:00-18:00'] });
    expect(childSide.restrictions).toEqual({ events: ['sat-sun 00:00-24:00'] });
    expect(parentSide.ownCertificates).toEqual([normalizePem(pool.get('MAIN').certificatePem)]);
    expect(parentSide.neighborCertificates).toEqual([normalizePem(pool.get('AUX').certificatePem)]);
    expect(parentSide.ownCertificates[0]).not.toMatch(/\r/);
    // AUX's own policy says no compression; MAIN's side is the built-in possible.
    expect(childSide.compression).toBe('no');
    expect(parentSide.compression).toBe('possible');
    const east = entry(states, 'EAST', 'MAIN');
    const mainPeer = entry(states, 'MAIN', 'EAST');
    expect(east).toMatchObject({
      type: 'peer',
      address: 'main.example:2193', // the default port filled in
      connection: 'periodic',
      reconnectPeriod: '15m',
    });
    expect(mainPeer).toMatchObject({ type: 'peer', address: null, password: PW2 });
    expect(east.flows).toEqual({ updates: 'receive', events: 'both', licenses: 'none' });
    expect(mainPeer.flows).toEqual({ updates: 'send', events: 'both', licenses: 'none' });
  });

  it('writes state files with mode 0600 and a revision per write, and a second apply writes nothing', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    const first = await net.reconcile('apply');
    expect(applyOf(first).apply.writes).toBe(6); // per server: enable protocol, restart, entries
    for (const f of (await net.rawStates()).keys()) {
      expect((await stat(path.join(net.state, f))).mode & 0o777).toBe(0o600);
    }
    const before = await net.rawStates();
    const mtimes = await Promise.all(
      [...before.keys()].map(async (f) => (await stat(path.join(net.state, f))).mtimeMs),
    );
    const second = await net.reconcile('apply');
    expect(second.outcome).toBe('in-sync');
    expect(planOf(second).changes).toEqual([]);
    expect(await net.rawStates()).toEqual(before);
    const after = await Promise.all(
      [...before.keys()].map(async (f) => (await stat(path.join(net.state, f))).mtimeMs),
    );
    expect(after).toEqual(mtimes);
  });

  it('changes exactly the two entries of a changed link, with exactly two writes', async () => {
    net = await makeNetwork(['MAIN', 'AUX', 'EAST'], THREE, { PW_MAIN_AUX: PW, PW_EAST_MAIN: PW2 });
    await net.reconcile('apply');
    const before = await net.states();
    await net.write(
      THREE.replace('    notify: [MAIN]\n', '    notify: [MAIN]\n    encryption: yes\n'),
    );
    const plan = await net.reconcile('plan');
    expect(
      planOf(plan).changes.map((c) => [
        c.server,
        c.action,
        changedNeighbor(c),
        changedFieldNames(c),
      ]),
    ).toEqual([
      ['AUX', 'update', 'MAIN', ['encryption']],
      ['MAIN', 'update', 'AUX', ['encryption']],
    ]);
    const applied = await net.reconcile('apply');
    expect(applyOf(applied).apply.writes).toBe(2);
    const after = await net.states();
    expect(after.get('AUX')?.revision).toBe(before.get('AUX')!.revision + 1);
    expect(after.get('MAIN')?.revision).toBe(before.get('MAIN')!.revision + 1);
    expect(after.get('EAST')).toEqual(before.get('EAST'));
  });

  it('deletes a removed link on both sides and never touches unmanaged entries', async () => {
    net = await makeNetwork(['MAIN', 'AUX', 'EAST'], THREE, { PW_MAIN_AUX: PW, PW_EAST_MAIN: PW2 });
    await net.reconcile('apply');
    // Someone configured LEGACY by hand on MAIN (partial entry, no managedBy).
    const mainFile = path.join(net.state, 'MAIN.json');
    const main = JSON.parse(await readFile(mainFile, 'utf8'));
    const legacy = {
      name: 'LEGACY',
      type: 'peer',
      password: 'hand-made',
      address: '10.9.9.9',
      custom: 'kept',
    };
    main.neighbors.push(legacy);
    await writeFile(mainFile, JSON.stringify(main, null, 2));
    await net.write(THREE.slice(0, THREE.indexOf('  - peers:')));
    const plan = await net.reconcile('plan');
    expect(
      planOf(plan).changes.map((c) => `${c.server} ${c.action} ${changedNeighbor(c)}`),
    ).toEqual(['EAST delete MAIN', 'MAIN delete EAST']);
    expect(planOf(plan).unmanaged).toEqual([{ server: 'MAIN', neighbor: 'LEGACY' }]);
    await net.reconcile('apply');
    const states = await net.states();
    expect(states.get('EAST')?.neighbors).toEqual([]);
    expect(states.get('MAIN')?.neighbors.map((e) => e.name)).toEqual(['AUX', 'LEGACY']);
    expect(states.get('MAIN')?.neighbors[1]).toEqual(legacy);
  });

  it('removes the entries of a server dropped from the topology', async () => {
    net = await makeNetwork(['MAIN', 'AUX', 'EAST'], THREE, { PW_MAIN_AUX: PW, PW_EAST_MAIN: PW2 });
    await net.reconcile('apply');
    const withoutEast = THREE.replace(
      '  EAST: { address: east.example, certificates: [certs/EAST.pem] }\n',
      '',
    );
    await net.write(withoutEast.slice(0, withoutEast.indexOf('  - peers:')));
    const result = await net.reconcile('apply');
    expect(
      planOf(result).changes.map((c) => `${c.server} ${c.action} ${changedNeighbor(c)}`),
    ).toEqual(['EAST delete MAIN', 'MAIN delete EAST']);
    expect((await net.states()).get('EAST')?.neighbors).toEqual([]);
  });

  it('refuses a plan that deletes every managed entry unless allowed', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    await net.reconcile('apply');
    const before = await net.rawStates();
    await net.write(basicYaml().replace(/links:[\s\S]*$/, 'links: []\n'));
    const refused = await net.reconcile('apply');
    expect(refused.outcome).toBe('refused');
    expect(explainResult(refused)).toMatch(/--allow-empty/);
    expect(await net.rawStates()).toEqual(before);
    const cli = await net.cli(['apply', 'topology.yaml', '--yes']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/allow-empty/);
    const allowed = await net.reconcile('apply', { allowEmpty: true });
    expect(allowed.outcome).toBe('applied');
    expect([...(await net.states()).values()].every((s) => s.neighbors.length === 0)).toBe(true);
  });

  it('limits plan and apply to --target servers', async () => {
    net = await makeNetwork(['MAIN', 'AUX', 'EAST'], THREE, { PW_MAIN_AUX: PW, PW_EAST_MAIN: PW2 });
    const result = await net.reconcile('apply', { targets: ['AUX'] });
    expect(new Set(planOf(result).changes.map((c) => c.server))).toEqual(new Set(['AUX']));
    expect([...(await net.states()).keys()]).toEqual(['AUX']);
    const unknown = await net.cli(['plan', 'topology.yaml', '--target', 'NOPE']);
    expect(unknown.code).toBe(64);
  });

  it('changes nothing when the topology is invalid', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    await net.reconcile('apply');
    const before = await net.rawStates();
    await net.write(basicYaml().replace('child: AUX', 'child: NOPE'));
    const cli = await net.cli(['apply', 'topology.yaml', '--yes']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/unknown-server/);
    expect(await net.rawStates()).toEqual(before);
    await net.write('apiVersion: [\n');
    expect((await net.cli(['apply', 'topology.yaml', '--yes'])).code).toBe(1);
    expect(await net.rawStates()).toEqual(before);
  });

  it('refuses to apply without --yes when not on a terminal', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    const cli = await net.cli(['apply', 'topology.yaml']);
    expect(cli.code).toBe(64);
    expect(cli.stderr).toMatch(/--yes/);
    expect((await net.rawStates()).size).toBe(0);
  });

  it('requires resolvable secrets to plan', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), {});
    const cli = await net.cli(['plan', 'topology.yaml']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/secret-unresolved/);
  });

  it('re-plans a server changed by someone else during apply instead of overwriting it', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    let interfered = false;
    const result = await net.reconcile('apply', {
      backend: async (endpoints) => {
        const real = new DirBackend({ dir: net.state, endpoints });
        const other = new DirBackend({ dir: net.state, endpoints });
        return Object.assign(Object.create(real) as DirBackend, {
          applyChange: async (
            name: string,
            change: Parameters<DirBackend['applyChange']>[1],
            c: Context,
          ) => {
            if (!interfered && name === 'MAIN') {
              interfered = true;
              const cur = await other.readServer('MAIN', c);
              await other.applyChange(
                'MAIN',
                {
                  expectedRevision: cur?.revision ?? 0,
                  upsert: [
                    { name: 'OPS', type: 'peer', managedBy: null } as unknown as NeighborEntry,
                  ],
                },
                c,
              );
            }
            return real.applyChange(name, change, c);
          },
        });
      },
    });
    expect(result.outcome).toBe('applied');
    expect(applyOf(result).apply.servers.find((s) => s.server === 'MAIN')?.replanned).toBe(true);
    const main = (await net.states()).get('MAIN')!;
    expect(main.neighbors.map((e) => e.name).sort()).toEqual(['AUX', 'OPS']);
    expect((await net.reconcile('plan')).outcome).toBe('in-sync');
  });
});

describe('locks', () => {
  it('refuses to apply while another apply holds the lock, and says how to clear it', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    const held = JSON.stringify({
      id: 'lock-123',
      owner: 'ops@other-host',
      operation: 'apply',
      startedAt: '2026-01-01T00:00:00Z',
      pid: 1,
      hostname: 'other-host',
    });
    await new DirBackend({ dir: net.state }).applyChange(
      'MAIN',
      { expectedRevision: 0 },
      quietContext(),
    );
    await writeFile(path.join(net.state, LOCK_FILE), held);
    const cli = await net.cli(['apply', 'topology.yaml', '--yes']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/locked by ops@other-host/);
    expect(cli.stderr).toMatch(/avnet unlock lock-123/);
    const unlock = await net.cli(['unlock', 'lock-123', 'topology.yaml']);
    expect(unlock.code).toBe(0);
    expect((await net.cli(['apply', 'topology.yaml', '--yes'])).code).toBe(0);
  });

  it('breaks the lock of a process on this host that is no longer running', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    const os = await import('node:os');
    await new DirBackend({ dir: net.state }).applyChange(
      'MAIN',
      { expectedRevision: 0 },
      quietContext(),
    );
    await writeFile(
      path.join(net.state, LOCK_FILE),
      JSON.stringify({
        id: 'dead',
        owner: 'me',
        operation: 'apply',
        startedAt: '2026-01-01T00:00:00Z',
        pid: 2 ** 22 + 12345,
        hostname: os.hostname(),
      }),
    );
    const cli = await net.cli(['apply', 'topology.yaml', '--yes']);
    expect(cli.code).toBe(0);
  });
});

describe('apply on a terminal and with failing servers', () => {
  it('asks for confirmation on a terminal: yes applies, anything else cancels', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    const no = await runCli(['apply', 'topology.yaml'], {
      cwd: net.dir,
      env: net.env,
      stdinTTY: true,
      answer: 'no',
    });
    expect(no.code).toBe(0);
    expect(no.stderr).toMatch(/Plan: 2 to add/);
    expect(no.stderr).toMatch(/cancelled/);
    expect((await net.rawStates()).size).toBe(0);
    const yes = await runCli(['apply', 'topology.yaml'], {
      cwd: net.dir,
      env: net.env,
      stdinTTY: true,
      answer: 'yes',
    });
    expect(yes.code).toBe(0);
    expect((await net.rawStates()).size).toBe(2);
  });

  it('reports a server that fails and still applies the others (exit 1)', async () => {
    net = await makeNetwork(['MAIN', 'AUX', 'EAST'], THREE, { PW_MAIN_AUX: PW, PW_EAST_MAIN: PW2 });
    await mkdir(net.state, { recursive: true });
    await writeFile(path.join(net.state, 'EAST.json'), '{ not json');
    const cli = await net.cli(['apply', 'topology.yaml', '--yes']);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/EAST: state file .*EAST\.json is not valid JSON/);
    expect(cli.stderr).not.toMatch(/^\s+at /m);
    const states = await net.states().catch(() => undefined);
    expect(states).toBeUndefined(); // EAST is still unreadable: nothing overwrote it
    expect(await readFile(path.join(net.state, 'EAST.json'), 'utf8')).toBe('{ not json');
    const main = JSON.parse(await readFile(path.join(net.state, 'MAIN.json'), 'utf8'));
    expect(main.neighbors.map((e: NeighborEntry) => e.name).sort()).toEqual(['AUX', 'EAST']);
    const aux = JSON.parse(await readFile(path.join(net.state, 'AUX.json'), 'utf8'));
    expect(aux.neighbors.map((e: NeighborEntry) => e.name)).toEqual(['MAIN']);
  });
});
