/**
 * Property: however an example topology is mangled, loading and validating it never throws,
 * every diagnostic has a position (line and column from 1), and every output format renders it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTopologyText } from '../../src/load/index.js';
import { validateTopology } from '../../src/validate/index.js';
import {
  formatDiagnosticsGithub,
  formatDiagnosticsJson,
  formatDiagnosticsSarif,
  formatDiagnosticsText,
  plainColors,
} from '../../src/output/index.js';
import { allRuleDocs } from '../../src/cli/rule-docs.js';
import { REPO_ROOT } from './helpers.js';

const EXAMPLES = ['examples/basic', 'examples/enterprise'];
const NOW = new Date();
const docs = allRuleDocs();

let sources: { dir: string; text: string }[] = [];

beforeAll(async () => {
  sources = await Promise.all(
    EXAMPLES.map(async (e) => {
      const dir = path.join(REPO_ROOT, e);
      return { dir, text: await readFile(path.join(dir, 'topology.yaml'), 'utf8') };
    }),
  );
});

/** One edit of the text; positions are fractions so they fit whatever the text has become. */
type Mutation = (text: string) => string;

const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const at = (n: number, f: number) => Math.floor(f * n);

function onLines(edit: (lines: string[]) => void): (text: string) => string {
  return (text) => {
    const lines = text.split('\n');
    edit(lines);
    return lines.join('\n');
  };
}

const YAML_PUNCTUATION = [
  '-',
  ':',
  ': ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&a ',
  '*a',
  '!',
  '!!str ',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '#',
  '? ',
  '---\n',
  '...\n',
  '\t',
  '\n',
  '\r\n',
  '\\',
  '<<: ',
  '~',
  'null',
];

const RANDOM_VALUES = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    'yes',
    'no',
    'possible',
    'true',
    '~',
    '[]',
    '{}',
    '""',
    "''",
    '0x1F',
    '.inf',
    '-.nan',
    '2001-12-14',
    '10',
    '9',
    '14',
    '99999',
    '127.0.0.1:0',
    '[::1]:70000',
    'both',
    'none',
    'HQ->EU',
    'EU->HQ',
    'periodic',
    '0s',
    '30d',
    'mon-fri 09:15-18:00',
    'daily 00:00-24:00',
    '{ env: X }',
    '{ file: ../../etc/passwd }',
    '{ file: certs }',
    '[certs/HQ.pem, certs/HQ.pem]',
    'certs/EU.key',
    '/dev/null',
    '../outside.pem',
    'disabled',
  ),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  frac.map((f) => onLines((l) => void l.splice(at(l.length, f), 1))),
  frac.map((f) =>
    onLines((l) => {
      const i = at(l.length, f);
      l.splice(i, 0, l[i] ?? '');
    }),
  ),
  fc.tuple(frac, frac).map(([a, b]) =>
    onLines((l) => {
      const i = at(l.length, a);
      const j = at(l.length, b);
      [l[i], l[j]] = [l[j] ?? '', l[i] ?? ''];
    }),
  ),
  fc.tuple(frac, fc.string({ unit: 'binary', minLength: 1, maxLength: 8 })).map(
    ([f, s]) =>
      (t: string) =>
        t.slice(0, at(t.length, f)) + s + t.slice(at(t.length, f)),
  ),
  fc.tuple(frac, fc.constantFrom(...YAML_PUNCTUATION)).map(
    ([f, s]) =>
      (t: string) =>
        t.slice(0, at(t.length, f)) + s + t.slice(at(t.length, f)),
  ),
  frac.map((f) => (t: string) => t.slice(0, at(t.length, f))),
  fc.tuple(frac, fc.integer({ min: -4, max: 6 }), fc.boolean()).map(([f, delta, tab]) =>
    onLines((l) => {
      const i = at(l.length, f);
      const line = l[i] ?? '';
      l[i] = delta >= 0 ? (tab ? '\t' : ' ').repeat(delta) + line : line.slice(Math.min(-delta, 4));
    }),
  ),
  fc.tuple(frac, RANDOM_VALUES).map(([f, v]) =>
    onLines((l) => {
      // Replace the value of the n-th `key: value` line (a scalar, a list or a mapping).
      const withValue = l.map((line, i) => [line, i] as const).filter(([x]) => /:\s+\S/.test(x));
      const pick = withValue[at(withValue.length, f)];
      if (pick) l[pick[1]] = pick[0].replace(/:\s+\S.*$/, `: ${v}`);
    }),
  ),
  fc
    .tuple(frac, fc.integer({ min: 1, max: 600 }), fc.constantFrom('[', '{a: ', '- '))
    .map(([f, depth, open]) => (t: string) => {
      const close = open === '[' ? ']' : open === '{a: ' ? '}' : '';
      const i = at(t.length, f);
      const nest =
        open === '- '
          ? Array.from({ length: Math.min(depth, 200) }, (_, k) => '  '.repeat(k) + '- ').join('\n')
          : open.repeat(depth) + 'x' + close.repeat(depth);
      return t.slice(0, i) + nest + t.slice(i);
    }),
);

describe('mutated example topologies', () => {
  it('never throw and always give positioned diagnostics', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: EXAMPLES.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 5 }),
        async (which, edits) => {
          const { dir, text } = sources[which]!;
          const mutated = edits.reduce((t, edit) => edit(t), text);
          const loaded = await loadTopologyText(mutated, 'topology.yaml', { rootDir: dir });
          const result = validateTopology(loaded, { now: NOW });
          for (const d of result.diagnostics) {
            expect(d.line, `${d.rule}: ${d.message}`).toBeGreaterThanOrEqual(1);
            expect(d.column, `${d.rule}: ${d.message}`).toBeGreaterThanOrEqual(1);
            if (d.endLine !== undefined) expect(d.endLine).toBeGreaterThanOrEqual(d.line!);
            for (const r of d.related ?? []) {
              if (r.line !== undefined) {
                expect(r.line).toBeGreaterThanOrEqual(1);
                expect(r.column).toBeGreaterThanOrEqual(1);
              }
            }
          }
          expect(result.errors + result.warnings).toBe(result.diagnostics.length);
          const report = {
            file: 'topology.yaml',
            diagnostics: result.diagnostics,
            strict: false,
            source: { text: loaded.source.text, secretRanges: loaded.secretRanges },
          };
          formatDiagnosticsText(report, plainColors);
          JSON.parse(formatDiagnosticsJson(report));
          formatDiagnosticsGithub(report);
          JSON.parse(
            formatDiagnosticsSarif(report, docs, {
              version: '0',
              docsUrl: 'x',
              cwd: process.cwd(),
            }),
          );
        },
      ),
      { numRuns: 250 },
    );
  }, 120_000);

  it('the unmutated examples are clean (the property starts from valid files)', async () => {
    for (const { dir, text } of sources) {
      const loaded = await loadTopologyText(text, 'topology.yaml', { rootDir: dir });
      expect(validateTopology(loaded, { now: NOW }).diagnostics).toEqual([]);
    }
  });
});
