import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitEnvironment, runGit } from './git-run.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-git-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether a process runs (a zombie waiting for its reaper does not). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: a signal reached it
  }
}

/** Waits up to 3 s for a killed process to be gone. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    if (!running(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('gitEnvironment', () => {
  it('keeps credentials plumbing, drops repository and trace variables, never prompts', () => {
    const env = gitEnvironment({
      HOME: '/home/x',
      SSH_AUTH_SOCK: '/tmp/agent',
      GIT_ASKPASS: '/bin/askpass',
      GIT_SSH_COMMAND: 'ssh -i key',
      GIT_CONFIG_COUNT: '1',
      GIT_DIR: '/somebody/else/.git',
      GIT_WORK_TREE: '/somebody/else',
      GIT_INDEX_FILE: '/somebody/else/.git/index',
      GIT_TRACE_CURL: '1',
      GIT_CURL_VERBOSE: '1',
      GIT_TERMINAL_PROMPT: '1',
      LANG: 'de_DE.UTF-8',
      LC_MESSAGES: 'de_DE.UTF-8',
    });
    expect(env).toEqual({
      HOME: '/home/x',
      SSH_AUTH_SOCK: '/tmp/agent',
      GIT_ASKPASS: '/bin/askpass',
      GIT_SSH_COMMAND: 'ssh -i key',
      GIT_CONFIG_COUNT: '1',
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
    });
  });
});

describe('runGit', () => {
  const env = gitEnvironment({ ...process.env, HOME: os.tmpdir(), GIT_CONFIG_NOSYSTEM: '1' });

  it('kills git and what it started at the deadline', async () => {
    const pidFile = path.join(dir, 'pid');
    const started = Date.now();
    const r = await runGit(['-c', `alias.hang=!echo $$ > '${pidFile}'; exec sleep 30`, 'hang'], {
      cwd: dir,
      env,
      timeoutMs: 700,
    });
    expect(r.timedOut).toBe(true);
    expect(r.code).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(await gone(pid)).toBe(true);
  });

  it('is cancelled by the signal', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await runGit(['-c', 'alias.hang=!sleep 30', 'hang'], {
      cwd: dir,
      env,
      timeoutMs: 60_000,
      signal: ac.signal,
    });
    expect(r).toMatchObject({ aborted: true, timedOut: false, code: null });
  });

  it('says so when git is not installed', async () => {
    const r = await runGit(['--version'], { cwd: dir, env: { PATH: dir }, timeoutMs: 5_000 });
    expect(r).toMatchObject({ code: null, spawnError: 'git is not installed (or not on PATH)' });
  });

  it('stops collecting (and kills git) past the output limit', async () => {
    const r = await runGit(['-c', 'alias.big=!yes avnet', 'big'], {
      cwd: dir,
      env,
      timeoutMs: 10_000,
      maxStdout: 64 * 1024,
    });
    expect(r.tooLarge).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(64 * 1024);
  });
});
