import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseTopologyYaml } from './parse-yaml.js';

// parseTopologyYaml skips yaml's quadratic duplicate-key check and runs its own; these cases pin
// down that it reports exactly what yaml's `uniqueKeys: true` reports, at the same offsets.

/** What yaml itself reports with the check on: error codes and offsets. */
function reference(text: string): { code: string; offset: number }[] {
  const doc = parseDocument(text, {
    prettyErrors: false,
    uniqueKeys: true,
    version: '1.2',
    merge: false,
  });
  return doc.errors.map((e) => ({ code: e.code, offset: e.pos[0] }));
}

function actual(text: string): { duplicate: boolean; offset: number }[] {
  return parseTopologyYaml(text).syntaxErrors.map((e) => ({
    duplicate: e.message.startsWith('duplicate key'),
    offset: e.offset,
  }));
}

function expectSame(text: string): void {
  expect(actual(text)).toEqual(
    reference(text).map((r) => ({ duplicate: r.code === 'DUPLICATE_KEY', offset: r.offset })),
  );
}

describe('duplicate keys', () => {
  it.each([
    ['block map', 'a: 1\nb: 2\na: 3\n'],
    ['flow map', 'x: { a: 1, b: 2, a: 3 }\n'],
    ['nested', 'servers:\n  A: {}\n  B: {}\n  A: { address: x }\n'],
    ['in a sequence', 'links:\n  - parent: A\n    parent: B\n'],
    ['tagged key', 'a: 1\n!!str a: 2\n'],
    ['anchored key', '&k a: 1\na: 2\n'],
    ['explicit key', '? a\n: 1\na: 2\n'],
    ['quoted and plain', 'a: 1\n\'a\': 2\n"a": 3\n'],
    ['numbers', '1: a\n1.0: b\n0x1: c\n'],
    ['zero and minus zero', '0: a\n-0: b\n'],
    ['null keys', ': a\n~: b\nnull: c\n'],
    ['NaN keys are never equal', '.nan: a\n.NaN: b\n'],
    ['number and string differ', "1: a\n'1': b\n"],
    ['booleans', 'true: a\nfalse: b\ntrue: c\n'],
    ['complex keys', '? [a]\n: 1\n? [a]\n: 2\n? { k: 1, k: 2 }\n: 3\n'],
    ['three times', 'a: 1\na: 2\na: 3\n'],
    ['with other errors', 'a: 1\nb: [1, 2\na: 2\n'],
    ['several documents', 'a: 1\n---\na: 1\na: 2\n'],
    ['unique keys', 'a: 1\nb: { c: 1, d: [ { e: 1 }, { e: 2 } ] }\n'],
  ])('%s', (_name, text) => expectSame(text));

  it('keeps the document identical to a parse with the check', () => {
    const text = 'servers:\n  A: { address: "127.0.0.1:1" }\nlinks: []\n';
    const parsed = parseTopologyYaml(text);
    expect(parsed.doc.options.uniqueKeys).toBe(true);
    expect(parsed.data).toEqual({ servers: { A: { address: '127.0.0.1:1' } }, links: [] });
  });

  it('survives deep nesting without overflowing the stack', () => {
    const text = 'a: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n';
    expect(() => parseTopologyYaml(text)).not.toThrow();
  });

  it('matches yaml on random mappings', () => {
    const key = fc.constantFrom('a', 'b', "'a'", '1', '01', '1.0', '~', 'true', '.nan', '-0', '0');
    const value = fc.constantFrom('1', 'x', '[]', '{}');
    const flowMap = fc
      .array(fc.tuple(key, value), { maxLength: 4 })
      .map((pairs) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`);
    const entry = fc.tuple(key, fc.oneof(value, flowMap));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (entries) => {
        const text = entries.map(([k, v]) => `${k}: ${v}\n`).join('');
        expectSame(text);
      }),
      { numRuns: 300 },
    );
  });
});
