import { describe, expect, it } from 'vitest';
import type { PointerTarget } from '../model/index.js';
import { parseTopologyYaml } from './parse-yaml.js';
import { createSourceMap } from './source-map.js';

const TEXT = [
  'apiVersion: avnet/v1', // 1
  'kind: Topology', // 2
  'servers:', // 3
  '  MAIN:', // 4
  '    address: main.example', // 5
  '    certificates: [certs/main.pem, certs/b.pem]', // 6
  '  "a/b~c": {address: x.example, version: 11}', // 7
  '  EMPTY:', // 8
  'links:', // 9
  '  - parent: MAIN', // 10
  '    child: AUX', // 11
  '    password: {env: P}', // 12
  '    restrictions:', // 13
  '      updates:', // 14
  '        - mon 09:00-10:00', // 15
  '  - {peers: [A, B], flows: {updates: both}}', // 16
  '',
].join('\n');

const map = createSourceMap(parseTopologyYaml(TEXT), TEXT);

describe('source map: pointer → line:column', () => {
  it.each<[string, PointerTarget, string]>([
    // The root and top-level scalars.
    ['', 'value', '1:1'],
    ['/apiVersion', 'value', '1:13'],
    ['/apiVersion', 'key', '1:1'],
    ['/kind', 'value', '2:7'],
    // Block-style mapping: the key node vs the value node.
    ['/servers', 'key', '3:1'],
    ['/servers', 'value', '4:3'],
    ['/servers/MAIN', 'key', '4:3'],
    ['/servers/MAIN', 'value', '5:5'],
    ['/servers/MAIN/address', 'value', '5:14'],
    ['/servers/MAIN/address', 'key', '5:5'],
    // Flow-style sequence items.
    ['/servers/MAIN/certificates', 'value', '6:19'],
    ['/servers/MAIN/certificates/0', 'value', '6:20'],
    ['/servers/MAIN/certificates/1', 'value', '6:36'],
    // A quoted key with `/` and `~` (escaped as ~1 and ~0) and a flow-style mapping.
    ['/servers/a~1b~0c', 'key', '7:3'],
    ['/servers/a~1b~0c', 'value', '7:12'],
    ['/servers/a~1b~0c/address', 'value', '7:22'],
    ['/servers/a~1b~0c/version', 'key', '7:33'],
    ['/servers/a~1b~0c/version', 'value', '7:42'],
    // Block sequences and nested mappings.
    ['/links', 'value', '10:3'],
    ['/links/0', 'value', '10:5'],
    ['/links/0', 'key', '10:5'],
    ['/links/0/child', 'value', '11:12'],
    ['/links/0/password', 'value', '12:15'],
    ['/links/0/password/env', 'value', '12:21'],
    ['/links/0/restrictions/updates/0', 'value', '15:11'],
    ['/links/1', 'value', '16:5'],
    ['/links/1/peers/1', 'value', '16:17'],
    ['/links/1/flows/updates', 'value', '16:38'],
    ['/links/1/flows', 'key', '16:21'],
  ])('%s (%s) is at %s', (pointer, target, at) => {
    const s = map.locate(pointer, target);
    expect(`${s.line}:${s.column}`).toBe(at);
  });

  it.each<[string, string, string]>([
    ['a key with no value is located at its key', '/servers/EMPTY', '8:3'],
    ['below a key with no value: that key', '/servers/EMPTY/address', '8:3'],
    ['a missing server: the servers mapping', '/servers/NOPE', '4:3'],
    ['a missing server field: the server mapping', '/servers/MAIN/version', '5:5'],
    ['a missing deeper field: the nearest ancestor', '/servers/MAIN/publicKey/x/y', '5:5'],
    ['a link index past the end: the links list', '/links/7', '10:3'],
    ['a non-numeric index: the list', '/links/first', '10:3'],
    ['below a scalar: the scalar', '/links/0/parent/deeper', '10:13'],
    ['a missing top-level key: the root', '/defaults/encryption', '1:1'],
  ])('%s (%s → %s)', (_what, pointer, at) => {
    const s = map.locate(pointer);
    expect(`${s.line}:${s.column}`).toBe(at);
  });

  it('gives the end of the node as well', () => {
    expect(map.locate('/servers/MAIN/address')).toEqual({
      line: 5,
      column: 14,
      endLine: 5,
      endColumn: 26,
    });
    const block = map.locate('/links/0/restrictions');
    expect([block.line, block.column]).toEqual([14, 7]);
    expect(block.endLine).toBeGreaterThanOrEqual(15);
  });

  it('resolves character offsets', () => {
    expect(map.locateOffset(0)).toMatchObject({ line: 1, column: 1 });
    const offset = TEXT.indexOf('main.example');
    expect(map.locateOffset(offset)).toMatchObject({ line: 5, column: 14 });
    expect(map.text).toBe(TEXT);
  });

  it('counts columns in characters on lines with non-ASCII text', () => {
    const text = 'name: "Сеть ü"\nservers:\n  Ω: {address: o.example}\n';
    const m = createSourceMap(parseTopologyYaml(text), text);
    expect(m.locate('/servers/Ω/address')).toMatchObject({ line: 3, column: 16 });
    expect(m.locate('/servers/Ω', 'key')).toMatchObject({ line: 3, column: 3 });
  });

  it('locates into a document after a leading comment and a BOM-less modeline', () => {
    const text =
      '# yaml-language-server: $schema=../schemas/topology.schema.json\n\nkind: Topology\n';
    const m = createSourceMap(parseTopologyYaml(text), text);
    expect(m.locate('/kind')).toMatchObject({ line: 3, column: 7 });
    expect(m.locate('')).toMatchObject({ line: 3, column: 1 });
  });

  it('locates in an empty document at 1:1', () => {
    const m = createSourceMap(parseTopologyYaml(''), '');
    expect(m.locate('/servers/A')).toMatchObject({ line: 1, column: 1 });
  });
});
