import { describe, expect, it } from 'vitest';
import { HEAD, summarize, validateText } from '../../test/helpers/topology.js';
import { MAX_ALIAS_COUNT, parseTopologyYaml } from './parse-yaml.js';

const bomb = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
  '',
].join('\n');

describe('YAML limits: every problem is one yaml-syntax error with a position', () => {
  it.each<[string, string, string | RegExp, string | RegExp]>([
    [
      'a duplicate key',
      HEAD + 'servers: {}\nkind: Topology\n',
      '4:1',
      'duplicate key "kind": it is already defined in the same mapping',
    ],
    [
      'a duplicate server name (block style)',
      HEAD + 'servers:\n  MAIN:\n    address: a.example\n  MAIN:\n    address: b.example\n',
      '6:3',
      'duplicate key "MAIN"',
    ],
    [
      'a duplicate key in a flow mapping',
      HEAD + 'servers:\n  A: {address: a.example, address: b.example}\n',
      '4:27',
      'duplicate key "address"',
    ],
    [
      'a duplicate quoted key',
      HEAD + 'servers:\n  "A B": {address: a.example}\n  "A B": {address: b.example}\n',
      '5:3',
      'duplicate key "A B"',
    ],
    [
      'several documents',
      HEAD + 'servers: {}\n---\n' + HEAD + 'servers: {}\n',
      '4:1',
      'the file contains several YAML documents; a topology is exactly one document',
    ],
    ['an empty second document', HEAD + 'servers: {}\n---\n', '4:1', 'several YAML documents'],
    ['an alias bomb', bomb, '1:1', `too many alias expansions (limit ${MAX_ALIAS_COUNT})`],
    [
      'deep flow nesting',
      'servers: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n',
      '1:110', // the 101st bracket: refused before parsing
      'the file nests collections more than 100 levels deep; no topology needs that',
    ],
    [
      'an unclosed flow mapping',
      HEAD + 'servers:\n  A: {address: a.example\nlinks: []\n',
      '5:1',
      /^YAML syntax error: /,
    ],
    [
      'a tab as indentation',
      HEAD + 'servers:\n\tA: {}\n',
      '4:1',
      'Tabs are not allowed as indentation',
    ],
    [
      'an alias to an undefined anchor',
      HEAD + 'servers: *nothing\n',
      /^\d+:\d+$/,
      /^(?!too many alias)/,
    ],
  ])('%s', async (_name, yaml, at, message) => {
    const { diagnostics, loaded } = await validateText(yaml);
    expect(loaded.parsedOk).toBe(false);
    expect(diagnostics).toHaveLength(1);
    const [d] = summarize(diagnostics);
    expect(d).toMatchObject({ rule: 'yaml-syntax', severity: 'error', pointer: '' });
    expect(d!.at).toMatch(typeof at === 'string' ? new RegExp(`^${at}$`) : at);
    expect(diagnostics[0]!.message).toMatch(message);
  });

  it('allows aliases within the limit', async () => {
    const yaml = HEAD + 'servers:\n  A: &s {version: 12}\n  B: *s\n  C: *s\n';
    const { diagnostics, loaded } = await validateText(yaml);
    expect(diagnostics).toEqual([]);
    expect([...loaded.topology.servers.values()].map((s) => s.version)).toEqual([12, 12, 12]);
  });

  it('does not apply YAML merge keys (<<) or YAML 1.1 booleans', () => {
    const parsed = parseTopologyYaml('a: &a {x: 1}\nb: {<<: *a}\nc: yes\nd: on\n');
    expect(parsed.syntaxErrors).toEqual([]);
    expect(parsed.data).toEqual({ a: { x: 1 }, b: { '<<': { x: 1 } }, c: 'yes', d: 'on' });
  });

  it('a syntax error message never quotes an inline password', async () => {
    const yaml = HEAD + 'servers: {}\nlinks:\n  - {parent: A, child: B, password: "Zk9secret}\n';
    const { diagnostics } = await validateText(yaml);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(new Set(diagnostics.map((d) => d.rule))).toEqual(new Set(['yaml-syntax']));
    expect(JSON.stringify(diagnostics)).not.toContain('Zk9secret');
  });

  it('stops no other stage from reporting: rules do not run on a broken file', async () => {
    const yaml = HEAD + 'servers:\n  A: {address: "bad:0"}\n  A: {}\n';
    const { diagnostics } = await validateText(yaml);
    expect(diagnostics.map((d) => d.rule)).toEqual(['yaml-syntax']);
  });
});
