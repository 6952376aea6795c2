import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, ofRule, type RunOptions } from '../../test/helpers/topology.js';
import { server, topo } from '../../test/helpers/rule-table.js';
import { describeSecretRef, secretRefKey } from './secrets.js';

/** Servers A, B, C; link A->B (password at 9:15) and link A->C (password at 12:15). */
const two = (p1: string, p2: string) =>
  topo(
    [server('A'), server('B'), server('C')],
    [
      '  - parent: A',
      '    child: B',
      `    password: ${p1}`,
      '  - parent: A',
      '    child: C',
      `    password: ${p2}`,
    ],
  );
const resolved = (env: Record<string, string | undefined>): RunOptions => ({
  load: { resolveSecrets: true, env },
});

describe('secret-unresolved', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.create();
    ws.pool.warm('A', 'B', 'C');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it.each<
    [
      string,
      string,
      string,
      Record<string, string>,
      Record<string, string | undefined>,
      string[],
      RegExp[],
    ]
  >([
    ['env set', '{env: P1}', '{env: P2}', {}, { P1: 'a', P2: 'b' }, [], []],
    [
      'env unset',
      '{env: P1}',
      '{env: P2}',
      {},
      { P1: 'a' },
      ['/links/1/password/env @13:21'],
      [/^password of link A->C: environment variable P2 is not set$/],
    ],
    [
      'env empty',
      '{env: P1}',
      '{env: P2}',
      {},
      { P1: '', P2: 'b' },
      ['/links/0/password/env @10:21'],
      [/environment variable P1 is empty$/],
    ],
    [
      'file present',
      '{file: s/one}',
      '{file: s/two}',
      { 's/one': 'a\n', 's/two': 'b' },
      {},
      [],
      [],
    ],
    [
      'file missing',
      '{file: s/one}',
      '{file: s/none}',
      { 's/one': 'a\n' },
      {},
      ['/links/1/password/file @13:22'],
      [/^password of link A->C: secret file s\/none does not exist$/],
    ],
    [
      'file empty (only a newline)',
      '{file: s/one}',
      '{env: P2}',
      { 's/one': '\n' },
      { P2: 'b' },
      ['/links/0/password/file @10:22'],
      [/secret file s\/one is empty$/],
    ],
    [
      'file is a directory',
      '{file: s}',
      '{env: P2}',
      { 's/inside': 'x' },
      { P2: 'b' },
      ['/links/0/password/file @10:22'],
      [/secret file s is a directory, not a regular file$/],
    ],
    ['inline passwords always resolve', 'one', 'two', {}, {}, [], []],
  ])('%s', async (_name, p1, p2, files, env, want, messages) => {
    const run = await ws.run({ yaml: two(p1, p2), files }, resolved(env));
    expect(ofRule(run, 'secret-unresolved').map((d) => `${d.pointer} @${d.at}`)).toEqual(want);
    const got = run.diagnostics.filter((d) => d.rule === 'secret-unresolved');
    messages.forEach((m, i) => expect(got[i]!.message).toMatch(m));
    expect(got.every((d) => d.severity === 'error')).toBe(true);
  });

  it('is not reported when secrets are not resolved (validate without --secrets)', async () => {
    const run = await ws.run({ yaml: two('{env: AVNET_TEST_SURELY_UNSET}', '{file: s/none}') });
    expect(ofRule(run, 'secret-unresolved')).toEqual([]);
    expect(run.loaded.secrets).toBeUndefined();
  });

  it('resolves values: trailing newline stripped, env and inline as given', async () => {
    const run = await ws.run(
      { yaml: two('{file: s/pw}', '{env: PW}'), files: { 's/pw': 'from-file\r\n' } },
      resolved({ PW: ' spaced value ' }),
    );
    expect(run.diagnostics).toEqual([]);
    expect([...run.loaded.secrets!.entries()]).toEqual(
      expect.arrayContaining([
        [0, 'from-file'],
        [1, ' spaced value '],
      ]),
    );
  });

  it('never puts a resolved value into a diagnostic', async () => {
    const run = await ws.run(
      { yaml: two('{env: PW}', '{env: PW}') },
      resolved({ PW: 'Vv8-unique-value' }),
    );
    expect(run.diagnostics.map((d) => d.rule)).toEqual(['duplicate-credentials']);
    expect(JSON.stringify(run.diagnostics)).not.toContain('Vv8-unique-value');
  });
});

describe('secret references', () => {
  it.each([
    [{ kind: 'env', name: 'X' } as const, 'env X', 'env:X'],
    [{ kind: 'file', path: 's/x' } as const, 'file s/x', 'file:s/x'],
    [{ kind: 'inline', value: 'pw' } as const, 'inline value', 'inline:pw'],
  ])('%j', (ref, described, key) => {
    expect(describeSecretRef(ref)).toBe(described);
    expect(describeSecretRef(ref)).not.toContain('pw');
    expect(secretRefKey(ref)).toBe(key);
  });
});
