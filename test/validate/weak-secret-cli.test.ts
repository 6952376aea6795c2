/**
 * `weak-secret` through the CLI (issue 9.9): inline passwords always, `env` and `file` ones only
 * when resolved (`validate --secrets`, and always in `plan`), and never the password in output.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertPool } from '../helpers/topology.js';
import { parseReport, runMain, tempDir } from './helpers.js';

const TOPOLOGY = [
  'apiVersion: avnet/v1',
  'kind: Topology',
  'servers:',
  '  MAIN: {address: main.example, certificates: [certs/main.pem]}',
  '  AUXILIARY: {address: aux.example, certificates: [certs/aux.pem]}',
  '  EDGE: {address: edge.example, certificates: [certs/edge.pem]}',
  'links:',
  '  - {parent: MAIN, child: AUXILIARY, password: {env: AVNET_MAIN_AUX}}',
  '  - {parent: MAIN, child: EDGE, password: {file: secrets/main-edge}}',
  '',
].join('\n');

/** The name of a server, in another case: the redactor does not hide it, the rule must not print it. */
const ENV_PASSWORD = 'auxiliary';
const FILE_PASSWORD = 'Zq8x-7y';

let dir: string;
let remove: () => Promise<void>;
let file: string;

beforeAll(async () => {
  ({ dir, remove } = await tempDir('weak-secret'));
  const pool = new CertPool();
  await mkdir(path.join(dir, 'certs'));
  await mkdir(path.join(dir, 'secrets'));
  for (const n of ['main', 'aux', 'edge'])
    await writeFile(path.join(dir, 'certs', `${n}.pem`), pool.get(n).certificatePem);
  await writeFile(path.join(dir, 'secrets', 'main-edge'), `${FILE_PASSWORD}\n`);
  file = path.join(dir, 'topology.yaml');
  await writeFile(file, TOPOLOGY);
});
afterAll(async () => {
  await remove();
});

const env = { AVNET_MAIN_AUX: ENV_PASSWORD };

describe('weak-secret in the CLI', () => {
  it('plain validate does not resolve env and file secrets, so does not judge them', async () => {
    const { code, stdout } = await runMain(['validate', file, '--format', 'json'], { env });
    expect(code).toBe(0);
    expect(parseReport(stdout).diagnostics).toEqual([]);
  });

  it('validate --secrets judges both, and prints neither password', async () => {
    const { code, stdout, stderr } = await runMain(
      ['validate', file, '--secrets', '--format', 'json'],
      { env },
    );
    expect(code).toBe(0);
    const weak = parseReport(stdout).diagnostics.filter((d) => d.rule === 'weak-secret');
    expect(weak.map((d) => [d.severity, d.line, d.pointer])).toEqual([
      ['warning', 8, '/links/0/password'],
      ['warning', 9, '/links/1/password'],
    ]);
    expect(weak[0]!.message).toMatch(/^the password of this link is the name of a server: /);
    expect(weak[1]!.message).toMatch(/^password of link MAIN->EDGE is shorter than 8 characters/);
    for (const d of weak) expect(d.message.toLowerCase()).not.toContain(ENV_PASSWORD);
    expect(stdout + stderr).not.toContain(FILE_PASSWORD);
  });

  it('--strict makes the warnings fail', async () => {
    const { code } = await runMain(['validate', file, '--secrets', '--strict'], { env });
    expect(code).toBe(1);
  });

  it('plan always resolves secrets, so it warns too', async () => {
    const { code, stdout, stderr } = await runMain(['plan', file], { env });
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(
      /warning: the password of this link is the name of a server: .*\[weak-secret\]/,
    );
    expect(stderr).toMatch(
      /warning: password of link MAIN->EDGE is shorter than 8 .*\[weak-secret\]/,
    );
    expect(stdout + stderr).not.toContain(FILE_PASSWORD);
    expect(stdout + stderr).not.toContain(ENV_PASSWORD);
  });
});
