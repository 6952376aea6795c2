import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageFile } from '../util/package-root.js';
import { MAX_NESTING, excessiveNestingAt } from './nesting-depth.js';
import { MAX_SYNTAX_ERRORS, parseTopologyYaml } from './parse-yaml.js';

describe('excessiveNestingAt', () => {
  it.each([
    { name: 'flat mapping', text: 'a: 1\nb: [1, 2, {c: 3}]\n', want: undefined },
    {
      name: 'flow nesting at the limit',
      text: `a: ${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}`,
      want: undefined,
    },
    {
      name: 'flow nesting past the limit',
      text: `a: ${'['.repeat(MAX_NESTING + 1)}`,
      want: 3 + MAX_NESTING,
    },
    {
      name: 'flow mappings past the limit',
      text: `a: ${'{b: '.repeat(MAX_NESTING + 1)}`,
      want: 3 + 4 * MAX_NESTING,
    },
    { name: 'balanced, many times over', text: '[[]]'.repeat(10_000), want: undefined },
    { name: 'brackets in double quotes', text: `a: "${'['.repeat(500)}"\n`, want: undefined },
    { name: 'brackets in single quotes', text: `a: '${'['.repeat(500)}'\n`, want: undefined },
    {
      name: "escaped quotes don't end the scalar",
      text: `a: "\\"${'['.repeat(500)}"\nb: 'it''s ${'{'.repeat(500)}'`,
      want: undefined,
    },
    { name: 'brackets in a comment', text: `a: 1 # ${'['.repeat(500)}\nb: 2`, want: undefined },
    {
      name: 'compact block sequences past the limit',
      text: `a:\n  ${'- '.repeat(MAX_NESTING + 1)}x`,
      want: 5 + 2 * MAX_NESTING,
    },
    {
      name: 'compact sequences at the limit',
      text: `a:\n${'- '.repeat(MAX_NESTING)}x`,
      want: undefined,
    },
    {
      name: 'dashes inside a scalar are not indicators',
      text: `a: ${'- '.repeat(500)}x`,
      want: undefined,
    },
    {
      name: 'an apostrophe inside a word opens nothing',
      text: `a: it's ${'['.repeat(MAX_NESTING + 1)}`,
      want: 8 + MAX_NESTING,
    },
  ])('$name', ({ text, want }) => {
    expect(excessiveNestingAt(text)).toBe(want);
  });

  it('lets every bundled example through', () => {
    for (const dir of ['examples/basic', 'examples/enterprise', 'examples/broken']) {
      for (const f of readdirSync(packageFile(dir)).filter((x) => x.endsWith('.yaml'))) {
        expect(
          excessiveNestingAt(readFileSync(packageFile(`${dir}/${f}`), 'utf8')),
        ).toBeUndefined();
      }
    }
  });
});

describe('parseTopologyYaml limits', () => {
  it('refuses a million nested brackets at once, at the first level too deep', () => {
    const started = performance.now();
    const parsed = parseTopologyYaml(`a:\n  b: ${'['.repeat(1_000_000)}`);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(parsed.data).toBeNull();
    expect(parsed.syntaxErrors).toEqual([
      { message: expect.stringMatching(/more than 100 levels deep/), offset: 8 + MAX_NESTING },
    ]);
    // Line 2 starts at offset 3; columns count from 1.
    expect(parsed.lineCounter.linePos(8 + MAX_NESTING)).toEqual({ line: 2, col: 6 + MAX_NESTING });
  });

  it(`reports at most ${MAX_SYNTAX_ERRORS} syntax errors and counts the rest`, () => {
    const broken = Array.from({ length: 200 }, (_, i) => `k${i}: a: b\n`).join('');
    const parsed = parseTopologyYaml(broken);
    expect(parsed.syntaxErrors.length).toBe(MAX_SYNTAX_ERRORS + 1);
    expect(parsed.syntaxErrors.at(-1)!.message).toMatch(/^\d+ more YAML syntax errors follow/);
  });
});
