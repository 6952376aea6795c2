/**
 * The example Git server hooks with real git: a bare repository in a temp folder with
 * examples/gitops/hooks installed, a clone, pushes that are applied, rejected, and applied as
 * exactly their change.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENV_SECRET,
  ENV_SECRET_NAME,
  FILE_SECRET,
  readState,
  topologyYaml,
  writeNetwork,
} from '../watch/network-fixture.js';
import { bareRepoWithHooks, git, gitEnv, HOOKS_DIR, run } from './git-fixture.js';

const SERVERS = ['MAIN', 'AUX1', 'AUX2'] as const;

let root: string;
let bare: string;
let work: string;
let stateDir: string;
let env: NodeJS.ProcessEnv;

async function stateTexts(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of SERVERS) out[s] = await readFile(path.join(stateDir, `${s}.json`), 'utf8');
  return out;
}

async function commitAll(message: string): Promise<void> {
  await git(['add', '-A'], work, env);
  await git(['commit', '--quiet', '-m', message], work, env);
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(FILE_SECRET);
  expect(text).not.toContain(ENV_SECRET);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'avnet-gitops-'));
  env = gitEnv(root);
  stateDir = path.join(root, 'state');
  // The env password comes from a file of VAR=value lines, as on a real Git server.
  const envFile = path.join(root, 'secrets.env');
  await writeFile(envFile, `${ENV_SECRET_NAME}=${ENV_SECRET}\n`, { mode: 0o600 });
  bare = await bareRepoWithHooks(root, env, { state: stateDir, envFile });
  work = path.join(root, 'work');
  await git(['clone', '--quiet', bare, work], root, env);
  await git(['symbolic-ref', 'HEAD', 'refs/heads/main'], work, env);
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

// Each push runs avnet twice in child processes; a loaded CI machine needs room.
describe('examples/gitops hooks', { timeout: 120_000 }, () => {
  it('are POSIX sh scripts that parse', async () => {
    for (const hook of ['pre-receive', 'post-receive']) {
      const file = path.join(HOOKS_DIR, hook);
      const text = await readFile(file, 'utf8');
      expect(text.startsWith('#!/bin/sh\n')).toBe(true);
      expect(text).toMatch(/^set -eu$/m);
      const parsed = await run('sh', ['-n', file], root, env);
      expect(parsed.code, parsed.stderr).toBe(0);
      // No bashisms that dash would choke on at run time rather than parse time.
      expect(text).not.toMatch(/\[\[|\bfunction\s+\w+|\blocal\s|<<<|\$\{[^}]*\/\/|==/);
    }
  });

  it('apply a valid push to main', async () => {
    await writeNetwork(work);
    await commitAll('the network');
    const push = await git(['push', 'origin', 'main'], work, env, true);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toContain('remote: topology.yaml: valid (3 servers, 2 links)');
    expect(push.stderr).toContain('Apply complete: 3 servers applied');
    expect(push.stderr).toMatch(/remote: avnet: main \([0-9a-f]+\) applied/);
    for (const s of SERVERS) expect((await readState(stateDir, s)).revision).toBe(3);
    expect(existsSync(path.join(stateDir, '.avnet.lock'))).toBe(false);
    expectNoSecrets(push.stdout + push.stderr);
  });

  it('reject an invalid push with its diagnostics and leave the state alone', async () => {
    const before = await stateTexts();
    const tipBefore = (await git(['rev-parse', 'main'], bare, env)).stdout.trim();
    // Lines 24-26: a link to a server that does not exist.
    await appendFile(
      path.join(work, 'topology.yaml'),
      '  - parent: MAIN\n    child: GHOST\n    password: { env: AVNET_TEST_GHOST }\n',
    );
    await commitAll('a link to nowhere');
    const push = await git(['push', 'origin', 'main'], work, env, true);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(
      /remote: topology\.yaml:25:\d+: error: .*GHOST.* \[unknown-server\]/,
    );
    expect(push.stderr).toContain('remote: 25 |     child: GHOST');
    expect(push.stderr).toContain('pre-receive hook declined');
    expect(push.stderr).toMatch(
      /push to main rejected: topology\.yaml of [0-9a-f]+ does not validate/,
    );
    expect((await git(['rev-parse', 'main'], bare, env)).stdout.trim()).toBe(tipBefore);
    expect(await stateTexts()).toEqual(before);
    expectNoSecrets(push.stdout + push.stderr);
    await git(['reset', '--quiet', '--hard', 'HEAD~1'], work, env);
  });

  it('apply a push changing one link as exactly that change', async () => {
    const before = await stateTexts();
    await writeFile(path.join(work, 'topology.yaml'), topologyYaml({ aux1Encryption: 'yes' }));
    await commitAll('encrypt MAIN->AUX1');
    const push = await git(['push', 'origin', 'main'], work, env, true);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toContain('Plan: 0 to add, 2 to change, 0 to destroy.');
    const after = await stateTexts();
    // Exactly the two servers of the link changed, one revision each; the third is untouched.
    expect(after.AUX2).toBe(before.AUX2);
    expect(after.MAIN).not.toBe(before.MAIN);
    expect(after.AUX1).not.toBe(before.AUX1);
    const main = await readState(stateDir, 'MAIN');
    const aux1 = await readState(stateDir, 'AUX1');
    expect(main.revision).toBe(4);
    expect(aux1.revision).toBe(4);
    expect(main.neighbors.find((n) => n.name === 'AUX1')?.encryption).toBe('yes');
    expect(aux1.neighbors.find((n) => n.name === 'MAIN')?.encryption).toBe('yes');
    expect(main.neighbors.find((n) => n.name === 'AUX2')?.encryption).toBe('possible');
    expectNoSecrets(push.stdout + push.stderr);
  });

  it('validate other branches but apply only main', async () => {
    const before = await stateTexts();
    await git(['checkout', '--quiet', '-b', 'feature'], work, env);
    await writeFile(path.join(work, 'topology.yaml'), topologyYaml({ aux1Encryption: 'no' }));
    await commitAll('try without encryption');
    const push = await git(['push', 'origin', 'feature'], work, env, true);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toContain('validating topology.yaml of feature');
    expect(push.stderr).not.toContain('applying');
    expect(await stateTexts()).toEqual(before);
    await git(['checkout', '--quiet', 'main'], work, env);
  });
});
