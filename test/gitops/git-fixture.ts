/** Real git for the GitOps tests: a bare repository with the example hooks, and a clone. */
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AVNET_BIN, REPO_ROOT } from '../watch/network-fixture.js';

/** The example hooks under test. */
export const HOOKS_DIR = path.join(REPO_ROOT, 'examples', 'gitops', 'hooks');

/** What a finished command printed and how it exited. */
export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * An environment for git and the hooks it runs: no inherited AVNET_* or GIT_* variables, a HOME
 * of our own (no global git config), fixed author and committer.
 */
export function gitEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AVNET_') && !k.startsWith('GIT_')) env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.test',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.test',
    NO_COLOR: '1',
    ...extra,
  };
}

/** Runs a command to completion (never rejects on a non-zero exit). */
export function run(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs git, failing the test with its output when it exits non-zero (unless `allowFail`). */
export async function git(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  allowFail = false,
): Promise<Finished> {
  const r = await run('git', args, cwd, env);
  if (r.code !== 0 && !allowFail) {
    throw new Error(`git ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/**
 * A bare repository `remote.git` under `root` with the example hooks installed, avnet pointing at
 * this checkout's CLI (through a small wrapper script), and `settings` as `git config avnet.*`.
 */
export async function bareRepoWithHooks(
  root: string,
  env: NodeJS.ProcessEnv,
  settings: Readonly<Record<string, string>>,
): Promise<string> {
  const bare = path.join(root, 'remote.git');
  await git(['init', '--quiet', '--bare', '--initial-branch=main', bare], root, env);
  for (const hook of ['pre-receive', 'post-receive']) {
    const dest = path.join(bare, 'hooks', hook);
    await copyFile(path.join(HOOKS_DIR, hook), dest);
    await chmod(dest, 0o755);
  }
  const bin = path.join(root, 'bin');
  await mkdir(bin, { recursive: true });
  const wrapper = path.join(bin, 'avnet');
  await writeFile(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${AVNET_BIN}' "$@"\n`, {
    mode: 0o755,
  });
  await git(['config', 'avnet.bin', wrapper], bare, env);
  for (const [k, v] of Object.entries(settings)) await git(['config', `avnet.${k}`, v], bare, env);
  return bare;
}
