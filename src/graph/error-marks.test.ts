import { describe, expect, it } from 'vitest';
import type { Diagnostic, RuleId, Severity } from '../model/index.js';
import { linkPointer, serverPointer } from '../model/index.js';
import { loadTopologyText } from '../load/index.js';
import { mapErrors } from './error-marks.js';

const YAML = `apiVersion: avnet/v1
kind: Topology
servers:
  A: {}
  "B/1~x": {}
  C: {}
links:
  - parent: A
    child: "B/1~x"
  - not-a-link: true
  - peers: [C, GHOST]
    flows: { updates: both }
`;

function diag(rule: RuleId, pointer: string | undefined, severity: Severity = 'error'): Diagnostic {
  return { rule, severity, message: 'm', pointer };
}

const { topology } = await loadTopologyText(YAML, 'topology.yaml', { rootDir: '/nonexistent' });

describe('mapErrors', () => {
  it('marks a server through its pointer, decoding ~0 and ~1', () => {
    const marks = mapErrors(topology, [
      diag('invalid-address', serverPointer('B/1~x', 'address')),
      diag('protocol-disabled', serverPointer('A')),
    ]);
    expect([...marks.servers]).toEqual([
      ['B/1~x', ['invalid-address']],
      ['A', ['protocol-disabled']],
    ]);
    expect(marks.links.size).toBe(0);
  });

  it('marks a link and both its ends, unknown ends included', () => {
    const marks = mapErrors(topology, [
      diag('license-periods', linkPointer({ index: 0 }, 'licenses', 'validity')),
      diag('unknown-server', linkPointer({ index: 2 }, 'peers', 1)),
    ]);
    expect(marks.links.get(0)).toEqual(['license-periods']);
    expect(marks.links.get(2)).toEqual(['unknown-server']);
    expect(marks.servers.get('A')).toEqual(['license-periods']);
    expect(marks.servers.get('B/1~x')).toEqual(['license-periods']);
    expect(marks.servers.get('C')).toEqual(['unknown-server']);
    expect(marks.servers.get('GHOST')).toEqual(['unknown-server']);
  });

  it('keeps the mark of a link the loader left out, without inventing ends', () => {
    const marks = mapErrors(topology, [diag('schema', linkPointer({ index: 1 }, 'not-a-link'))]);
    expect(marks.links.get(1)).toEqual(['schema']);
    expect(marks.servers.size).toBe(0);
  });

  it('lists each rule once per server, in first-seen order', () => {
    const marks = mapErrors(topology, [
      diag('schema', serverPointer('A', 'version')),
      diag('invalid-address', serverPointer('A', 'address')),
      diag('schema', serverPointer('A', 'encryption')),
    ]);
    expect(marks.servers.get('A')).toEqual(['schema', 'invalid-address']);
  });

  it('ignores warnings, pointers outside servers and links, and missing pointers', () => {
    const marks = mapErrors(topology, [
      diag('plaintext-secret', linkPointer({ index: 0 }, 'password'), 'warning'),
      diag('schema', '/apiVersion'),
      diag('schema', '/defaults/encryption'),
      diag('schema', '/links'),
      diag('schema', '/links/first'),
      diag('yaml-syntax', undefined),
    ]);
    expect(marks.servers.size).toBe(0);
    expect(marks.links.size).toBe(0);
  });

  it('marks the server named by an actual-state finding', () => {
    const marks = mapErrors(topology, [
      {
        rule: 'one-sided-link',
        severity: 'error',
        message: 'm',
        pointer: '/neighbors/0',
        server: 'C',
      },
    ]);
    expect(marks.servers.get('C')).toEqual(['one-sided-link']);
  });
});
