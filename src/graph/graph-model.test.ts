import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../model/index.js';
import { linkPointer, pairKey, serverPointer } from '../model/index.js';
import { loadTopologyText } from '../load/index.js';
import { buildGraph, legendEntries, selectGraph, type TopologyGraph } from './graph-model.js';

async function graphOf(yaml: string, diagnostics: Diagnostic[] = []): Promise<TopologyGraph> {
  const { topology } = await loadTopologyText(yaml, 'topology.yaml', { rootDir: '/nonexistent' });
  return buildGraph(topology, diagnostics);
}

const HEAD = 'apiVersion: avnet/v1\nkind: Topology\n';

describe('buildGraph nodes', () => {
  it('gives every server a safe, unique id in file order and unknown servers after them', async () => {
    const g = await graphOf(`${HEAD}servers:
  "Main office": {}
  "a\\"b": {}
  東京: {}
links:
  - parent: "Main office"
    child: "no such server"
    password: { env: X }
`);
    expect(g.nodes.map((n) => [n.id, n.name, n.kind])).toEqual([
      ['s0', 'Main office', 'server'],
      ['s1', 'a"b', 'server'],
      ['s2', '東京', 'server'],
      ['u0', 'no such server', 'unknown'],
    ]);
    expect(g.nodes[3]!.lines).toEqual(['no such server', 'unknown server']);
  });

  it('shows the version and a short address, and leaves a long address out', async () => {
    const g = await graphOf(`${HEAD}servers:
  A: { address: "  10.0.0.1:2193 ", version: 11 }
  B: { address: a-rather-long-host-name.branch.corp.example:2193 }
  C: {}
`);
    expect(g.nodes.map((n) => n.lines)).toEqual([
      ['A', 'v11 · 10.0.0.1:2193'],
      ['B', 'v13'],
      ['C', 'v13'],
    ]);
    expect(g.nodes[0]!.address).toBe('10.0.0.1:2193');
    expect(g.nodes[1]!.address).toBeUndefined();
  });

  it('carries the error rules of each server', async () => {
    const g = await graphOf(`${HEAD}servers:\n  A: {}\n  B: {}\n`, [
      { rule: 'invalid-address', severity: 'error', message: 'm', pointer: serverPointer('B') },
      { rule: 'schema', severity: 'warning', message: 'm', pointer: serverPointer('A') },
    ]);
    expect(g.nodes.map((n) => n.errors)).toEqual([[], ['invalid-address']]);
  });
});

describe('buildGraph edges', () => {
  it('labels parent/child flows as fixed, with the connection when periodic', async () => {
    const g = await graphOf(`${HEAD}defaults: { connection: periodic }
servers: { P: {}, C1: {}, C2: {} }
links:
  - { parent: P, child: C1, password: { env: X }, reconnectPeriod: 15m }
  - { parent: P, child: C2, password: { env: X }, connection: permanent }
`);
    expect(g.edges.map((e) => [e.kind, e.from, e.to, e.lines])).toEqual([
      ['parent-child', 's0', 's1', ['updates, licenses ↓ / events ↑', 'periodic 15m']],
      ['parent-child', 's0', 's2', ['updates, licenses ↓ / events ↑']],
    ]);
  });

  it('groups peer flows by direction and names the dialing side', async () => {
    const g = await graphOf(`${HEAD}servers: { EAST: {}, WEST: {} }
links:
  - peers: [EAST, WEST]
    password: { env: X }
    flows: { updates: EAST->WEST, events: both, licenses: EAST->WEST }
  - peers: [WEST, EAST]
    password: { env: X }
    dial: both
    connection: periodic
    flows: { updates: none, events: WEST->EAST }
  - peers: [EAST, WEST]
    password: { env: X }
    dial: WEST
    flows: { updates: none, events: none, licenses: none }
  - peers: [EAST, WEST]
    password: { env: X }
  - peers: [EAST, WEST]
    password: { env: X }
    flows: { updates: NORTH->SOUTH, events: both }
`);
    expect(g.edges.map((e) => e.lines)).toEqual([
      ['updates, licenses EAST→WEST, events ↔', 'EAST dials'],
      ['events WEST→EAST', 'both dial · periodic'],
      ['no flows', 'WEST dials'],
      ['no flows', 'EAST dials'],
      ['updates ?, events ↔', 'EAST dials'],
    ]);
    expect(g.edges.every((e) => e.kind === 'peer')).toBe(true);
    expect(g.edges[1]!.from).toBe('s1');
    expect(g.edges[1]!.pair).toBe(pairKey('EAST', 'WEST'));
  });

  it('carries the error rules of each link', async () => {
    const g = await graphOf(
      `${HEAD}servers: { A: {}, B: {} }\nlinks:\n  - { parent: A, child: B, password: { env: X } }\n`,
      [
        {
          rule: 'license-periods',
          severity: 'error',
          message: 'm',
          pointer: linkPointer({ index: 0 }, 'licenses'),
        },
      ],
    );
    expect(g.edges[0]!.errors).toEqual(['license-periods']);
    expect(g.nodes.map((n) => n.errors)).toEqual([['license-periods'], ['license-periods']]);
  });

  it('never carries a password, whatever its kind', async () => {
    const g = await graphOf(`${HEAD}servers: { A: {}, B: {}, C: {} }
links:
  - { parent: A, child: B, password: inline-secret-value }
  - { parent: A, child: C, password: { env: SECRET_ENV_NAME } }
  - { peers: [B, C], password: { file: secret-file-name }, flows: { events: both } }
`);
    const text = JSON.stringify(g);
    for (const secret of ['inline-secret-value', 'SECRET_ENV_NAME', 'secret-file-name']) {
      expect(text).not.toContain(secret);
    }
  });
});

const g = await graphOf(`${HEAD}servers: { A: {}, B: {}, C: {}, D: {} }
links:
  - { parent: A, child: B, password: { env: X } }
  - { parent: A, child: C, password: { env: X } }
  - { peers: [C, D], password: { env: X }, flows: { events: both } }
`);

describe('selectGraph and legendEntries', () => {
  it('keeps everything without a selection', () => {
    expect(selectGraph(g)).toBe(g);
  });

  it('keeps the selected links, by index or by server pair, and only their servers', () => {
    const s = selectGraph(g, new Set<number | string>([0, pairKey('D', 'C')]));
    expect(s.edges.map((e) => e.linkIndex)).toEqual([0, 2]);
    expect(s.nodes.map((n) => n.name)).toEqual(['A', 'B', 'C', 'D']);
    const one = selectGraph(g, new Set([1]));
    expect(one.nodes.map((n) => n.name)).toEqual(['A', 'C']);
  });

  it('asks for a legend only when there are errors or unknown servers', async () => {
    expect(legendEntries(g)).toEqual({ errors: false, unknown: false });
    const broken = await graphOf(
      `${HEAD}servers: { A: {} }\nlinks:\n  - { parent: A, child: X, password: { env: X } }\n`,
      [
        {
          rule: 'unknown-server',
          severity: 'error',
          message: 'm',
          pointer: linkPointer({ index: 0 }, 'child'),
        },
      ],
    );
    expect(legendEntries(broken)).toEqual({ errors: true, unknown: true });
  });
});
