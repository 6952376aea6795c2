/**
 * A full disk under the state folder, on a real file system that really fills up: a 64 KiB tmpfs
 * (root only; skipped with the reason where it cannot be mounted). The bug: apply failed with
 * ENOSPC but left an empty `.avnet.lock` behind, so once there was space again every apply was
 * refused as "locked by unknown (lock unreadable)" and `watch --apply` retried it for ever; temp
 * files of atomic writes were left behind too, after ENOSPC and after kill -9, and never cleaned.
 */
import { spawn } from 'node:child_process';
import { mkdir, open, readdir, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { BackendError } from '../../src/backends/index.js';
import { DirBackend, LOCK_FILE, writeFileAtomic } from '../../src/backends/dir/dir-backend.js';
import { quietContext } from '../../src/model/index.js';
import { copyBasic, mountTmpfs, runBounded, type Tmpfs } from './helpers.js';

let fs: Tmpfs;
let copy: Awaited<ReturnType<typeof copyBasic>>;
const FILLER = 'filler';

beforeAll(async () => {
  fs = await mountTmpfs(64 * 1024);
  copy = await copyBasic();
});
afterAll(async () => {
  try {
    if (fs?.ok) await fs.unmount();
  } finally {
    await copy?.cleanup();
  }
});

/** The tmpfs folder, or a skip that says why there is none. */
function disk(t: TestContext): string {
  if (!fs.ok) t.skip(`no real full disk to test on: ${fs.reason}`);
  return (fs as { dir: string }).dir;
}

/** Fills the file system to the last byte; `leave` bytes are then freed again (whole pages). */
async function fill(root: string, leave = 0): Promise<void> {
  const file = path.join(root, FILLER);
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(4096, 0x41);
  try {
    for (;;) await handle.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await handle.close();
  }
  if (leave > 0) await truncate(file, Math.max(0, (await stat(file)).size - leave));
}

async function free(root: string): Promise<void> {
  await rm(path.join(root, FILLER), { force: true });
}

/** Files in a folder other than the filler. */
async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f !== FILLER).sort();
}

describe('a full disk under the state folder', { timeout: 60_000 }, () => {
  it('ENOSPC while writing the lock: no lock is left, the error names the cause, and the next lock works', async (t) => {
    const root = disk(t);
    const state = path.join(root, 'lock-state');
    await mkdir(state);
    await fill(root);
    try {
      const backend = new DirBackend({ dir: state });
      const err = await backend.acquireLock('apply', quietContext()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as Error).message).toMatch(
        /^cannot write lock .*\.avnet\.lock: no space left on device \(ENOSPC\); the incomplete lock was removed$/,
      );
      expect(await leftovers(state)).toEqual([]);
      await free(root);
      const held = await backend.acquireLock('apply', quietContext());
      await held.release();
    } finally {
      await free(root);
      await rm(state, { recursive: true, force: true });
    }
  });

  it('an atomic write that hits ENOSPC removes its own temp file', async (t) => {
    const root = disk(t);
    const state = path.join(root, 'atomic-state');
    await mkdir(state);
    await fill(root);
    try {
      await expect(writeFileAtomic(path.join(state, 'MAIN.json'), '{}\n')).rejects.toMatchObject({
        code: 'ENOSPC',
      });
      expect(await leftovers(state)).toEqual([]);
    } finally {
      await free(root);
      await rm(state, { recursive: true, force: true });
    }
  });

  it('a server write that hits ENOSPC leaves no temp file and no write lock, and changes nothing', async (t) => {
    const root = disk(t);
    const state = path.join(root, 'write-state');
    await mkdir(state);
    // One page free: room for the per-server write lock, not for the state file as well.
    await fill(root, 4096);
    try {
      const backend = new DirBackend({ dir: state });
      const ctx = quietContext();
      const err = await backend
        .applyChange('MAIN', { expectedRevision: 0, protocol: 'enabled' }, ctx)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as Error).message).toMatch(/no space left on device \(ENOSPC\)/);
      expect(await leftovers(state)).toEqual([]);
      await free(root);
      expect(await backend.readServer('MAIN', ctx)).toBeNull();
      const next = await backend.applyChange(
        'MAIN',
        { expectedRevision: 0, protocol: 'enabled' },
        ctx,
      );
      expect(next.revision).toBe(1);
    } finally {
      await free(root);
      await rm(state, { recursive: true, force: true });
    }
  });

  it('avnet apply on a full disk fails clearly, and once there is space the next apply succeeds', async (t) => {
    const root = disk(t);
    const state = path.join(root, 'cli-state');
    await mkdir(state);
    await fill(root);
    try {
      const failed = await runBounded(['apply', 'topology.yaml', '--yes', '--state', state], {
        cwd: copy.dir,
        timeoutMs: 30_000,
      });
      expect(failed.killed).toBeUndefined();
      expect(failed.code, failed.stderr).toBe(1);
      expect(failed.stderr).toMatch(/no space left on device \(ENOSPC\)/);
      expect(failed.stderr).not.toMatch(/^\s+at /m);
      expect(await leftovers(state)).toEqual([]);

      await free(root);
      const ok = await runBounded(['apply', 'topology.yaml', '--yes', '--state', state], {
        cwd: copy.dir,
        timeoutMs: 30_000,
      });
      expect(ok.stderr).not.toMatch(/locked by/);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(await leftovers(state)).toEqual(['AUXILIARY.json', 'MAIN.json']);
    } finally {
      await free(root);
      await rm(state, { recursive: true, force: true });
    }
  });
});

describe('leftovers of a writer killed with -9', { timeout: 60_000 }, () => {
  it('the next apply sweeps temp files whose writer is gone', async () => {
    const state = path.join(copy.root, 'killed-state');
    await mkdir(state, { recursive: true });
    // A writer that has created its temp file (named as writeFileAtomic names them) and hangs.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
         fs.writeFileSync(${JSON.stringify(state)} + '/.MAIN.json.' + process.pid + '.0badcafe.tmp', '{"name": "MA');
         process.stdout.write('written\\n');
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
    const exited = new Promise((resolve) => writer.on('exit', resolve));
    writer.kill('SIGKILL');
    await exited;
    expect((await readdir(state)).filter((f) => f.endsWith('.tmp'))).toHaveLength(1);

    const r = await runBounded(['apply', 'topology.yaml', '--yes', '--state', state], {
      cwd: copy.dir,
      timeoutMs: 30_000,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await readdir(state)).sort()).toEqual(['AUXILIARY.json', 'MAIN.json']);
    expect(await readdir(state)).not.toContain(LOCK_FILE);
  });
});
