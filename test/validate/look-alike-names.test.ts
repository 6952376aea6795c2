/**
 * Look-alike and invisible server names end to end (issue 13.4): `validate` warns about them, and
 * no output avnet prints (diagnostics in every format, the text and markdown plans) holds the raw
 * characters; each shows as ⟨U+XXXX⟩.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertPool } from '../helpers/topology.js';
import { parseReport, runMain, tempDir } from './helpers.js';

/** Characters that must never reach output raw: bidi controls and zero-width ones. */
const RAW = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff]/u;

const RLO = 'EAST\u202eTSEW'; // shows as "EASTWEST" reversed, on a terminal
const ZWSP = 'BRANCH\u200b'; // shows as "BRANCH"
const CYRILLIC = '\u0410LPHA'; // shows as "ALPHA"

const TOPOLOGY = [
  'apiVersion: avnet/v1',
  'kind: Topology',
  'servers:',
  '  MAIN: {address: main.example, certificates: [certs/c1.pem]}',
  '  ALPHA: {address: alpha.example, certificates: [certs/c2.pem]}',
  '  "\\u0410LPHA": {address: alpha2.example, certificates: [certs/c3.pem]}',
  '  "EAST\\u202ETSEW": {address: east.example, certificates: [certs/c4.pem]}',
  '  "BRANCH\\u200B": {address: branch.example, certificates: [certs/c5.pem]}',
  'links:',
  '  - {parent: MAIN, child: ALPHA, password: {env: P1}}',
  '  - {parent: MAIN, child: "\\u0410LPHA", password: {env: P2}}',
  '  - {parent: MAIN, child: "BRANCH\\u200B", password: {env: P3}}',
  '  - peers: ["EAST\\u202ETSEW", "BRANCH\\u200B"]',
  '    password: {env: P4}',
  '    flows: {updates: both, events: none, licenses: none}',
  '',
].join('\n');

const ENV = {
  P1: 'p1-k3J9vQ2xLm8t',
  P2: 'p2-Wr5zk3J9vQ2x',
  P3: 'p3-Lm8tWr5zk3J9',
  P4: 'p4-vQ2xLm8tWr5z',
};

let dir: string;
let remove: () => Promise<void>;
let file: string;

beforeAll(async () => {
  ({ dir, remove } = await tempDir('look-alike'));
  const pool = new CertPool();
  await mkdir(path.join(dir, 'certs'));
  for (const n of ['c1', 'c2', 'c3', 'c4', 'c5'])
    await writeFile(path.join(dir, 'certs', `${n}.pem`), pool.get(n).certificatePem);
  file = path.join(dir, 'topology.yaml');
  await writeFile(file, TOPOLOGY);
});
afterAll(async () => {
  await remove();
});

describe('look-alike and invisible server names', () => {
  it('validate warns about each, naming the characters and both look-alikes', async () => {
    const { code, stdout } = await runMain(['validate', file, '--format', 'json'], { env: ENV });
    expect(code).toBe(0);
    const report = parseReport(stdout);
    const by = (rule: string) => report.diagnostics.filter((d) => d.rule === rule);
    expect(by('confusable-name').map((d) => [d.line, d.related?.map((r) => r.line)])).toEqual([
      [6, [5]],
    ]);
    expect(by('confusable-name')[0]!.message).toContain('"А" (U+0410) where the other has "A"');
    expect(by('invisible-character').map((d) => [d.line, d.message.split(':')[0]])).toEqual([
      [7, 'server name "EAST⟨U+202E⟩TSEW" contains U+202E (right-to-left override)'],
      [8, 'server name "BRANCH⟨U+200B⟩" contains U+200B (zero width space)'],
    ]);
    expect(stdout).not.toMatch(RAW);
  });

  it.each(['text', 'json', 'github', 'sarif'])(
    'validate --format %s prints no raw invisible or bidi character',
    async (format) => {
      const { stdout, stderr } = await runMain(['validate', file, '--format', format], {
        env: ENV,
      });
      expect(stdout).toContain('⟨U+202E⟩');
      expect(stdout).not.toMatch(RAW);
      expect(stderr).not.toMatch(RAW);
    },
  );

  it('a right-to-left override typed raw into the file is not printed raw either', async () => {
    const raw = path.join(dir, 'raw.yaml');
    await writeFile(raw, TOPOLOGY.replaceAll('"EAST\\u202ETSEW"', RLO));
    expect(await readFile(raw, 'utf8')).toContain(RLO);
    for (const format of ['text', 'json', 'github', 'sarif']) {
      const { stdout, stderr } = await runMain(['validate', raw, '--format', format], { env: ENV });
      expect(stdout, format).toContain('⟨U+202E⟩');
      expect(stdout + stderr, format).not.toContain('\u202e');
    }
  });

  it.each(['text', 'markdown'])('plan --format %s shows the names escaped', async (format) => {
    const { code, stdout, stderr } = await runMain(['plan', file, '--format', format], {
      env: ENV,
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('EAST⟨U+202E⟩TSEW');
    expect(stdout).toContain('BRANCH⟨U+200B⟩');
    // The Cyrillic name is visible text: it prints as itself (validate names the difference).
    expect(stdout).toContain(CYRILLIC);
    expect(stdout).not.toMatch(RAW);
    expect(stderr).not.toMatch(RAW);
    for (const pw of Object.values(ENV)) expect(stdout + stderr).not.toContain(pw);
    // The raw names are not there in any other form either.
    expect(stdout).not.toContain(RLO);
    expect(stdout).not.toContain(ZWSP);
  });

  it('plan --format runbook shows the names escaped, and --format json as \\u escapes', async () => {
    const runbook = await runMain(['plan', file, '--format', 'runbook'], { env: ENV });
    expect(runbook.code, runbook.stderr).toBe(0);
    expect(runbook.stdout).toContain('EAST⟨U+202E⟩TSEW');
    expect(runbook.stdout).not.toMatch(RAW);
    const json = await runMain(['plan', file, '--format', 'json'], { env: ENV });
    expect(json.stdout).not.toMatch(RAW);
    expect(json.stdout).toContain('EAST\\u202eTSEW');
    // Still the same names once parsed.
    const parsed = JSON.parse(json.stdout) as { changes: { server: string }[] };
    expect(parsed.changes.map((c) => c.server)).toContain(RLO);
  });
});
