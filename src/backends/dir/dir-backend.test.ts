import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../model/index.js';
import { quietContext } from '../../model/index.js';
import { BackendError, LockedError } from '../backend.js';
import {
  DirBackend,
  LOCK_FILE,
  TORN_LOCK_STALE_MS,
  sweepStaleTempFiles,
  writeFileAtomic,
} from './dir-backend.js';

let dir: string;
let state: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-dir-backend-'));
  state = path.join(dir, 'state');
  await mkdir(state);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A logger that keeps its warnings. */
function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    warnings,
    debug() {},
    info() {},
    warn(_obj: object, msg?: string) {
      warnings.push(msg ?? '');
    },
    error() {},
    child: () => logger,
  };
  return logger;
}

/** The PID of a process that has exited (a writer killed with -9 leaves such a PID behind). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** Sets a file's times `ms` into the past. */
async function age(file: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  await utimes(file, then, then);
}

describe('dir backend: files that are not regular files', () => {
  it('refuses a FIFO as a state file at once, naming it', async () => {
    execFileSync('mkfifo', [path.join(state, 'MAIN.json')]);
    const backend = new DirBackend({ dir: state });
    const started = Date.now();
    const err = await backend.readServer('MAIN', quietContext()).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toBe(
      `state file ${path.join(state, 'MAIN.json')} is a FIFO, not a regular file`,
    );
  });

  it('refuses a FIFO as the lock file at once, naming it, and does not remove it', async () => {
    const lock = path.join(state, LOCK_FILE);
    execFileSync('mkfifo', [lock]);
    const backend = new DirBackend({ dir: state });
    const err = await backend.acquireLock('apply', quietContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^lock file ${lock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a FIFO, not a regular file`,
      ),
    );
    expect(await readdir(state)).toContain(LOCK_FILE);
    expect((await backend.currentLock())?.id).toBe('unreadable');
  });
});

describe('dir backend: an empty or torn lock', () => {
  it('treats an empty lock older than a few seconds as stale: removed with a warning', async () => {
    const lock = path.join(state, LOCK_FILE);
    await writeFile(lock, '');
    await age(lock, TORN_LOCK_STALE_MS + 1_000);
    const logger = recordingLogger();
    const backend = new DirBackend({ dir: state });
    const held = await backend.acquireLock('apply', quietContext({ logger }));
    expect(logger.warnings.join('\n')).toMatch(/stale lock file that holds no lock/);
    expect((await backend.currentLock())?.id).toBe(held.info.id);
    await held.release();
    expect(await readdir(state)).not.toContain(LOCK_FILE);
  });

  it('treats a torn lock (half a JSON document) the same way', async () => {
    const lock = path.join(state, LOCK_FILE);
    await writeFile(lock, '{\n  "id": "4f1c');
    await age(lock, TORN_LOCK_STALE_MS + 1_000);
    const logger = recordingLogger();
    const held = await new DirBackend({ dir: state }).acquireLock(
      'apply',
      quietContext({ logger }),
    );
    expect(logger.warnings.join('\n')).toMatch(/stale lock file that holds no lock/);
    await held.release();
  });

  it('leaves a brand-new empty lock alone: its writer may be writing it right now', async () => {
    await writeFile(path.join(state, LOCK_FILE), '');
    const err = await new DirBackend({ dir: state })
      .acquireLock('apply', quietContext())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect((err as Error).message).toMatch(/removed automatically after 5 s/);
    expect(await readdir(state)).toContain(LOCK_FILE);
  });
});

describe('dir backend: temp files of atomic writes', () => {
  it('sweeps temp files of writers that are gone when taking the lock, and keeps live ones', async () => {
    const dead = await deadPid();
    const stale = [`.MAIN.json.${dead}.0a1b2c3d.tmp`, `.AUX%20ONE.json.${dead}.ffffffff.tmp`];
    const live = `.AUX.json.${process.ppid}.12345678.tmp`; // a running process: left alone
    const other = `.notes.tmp`; // not one of ours
    for (const f of [...stale, live, other]) await writeFile(path.join(state, f), '{"torn');
    const logger = recordingLogger();
    const held = await new DirBackend({ dir: state }).acquireLock(
      'apply',
      quietContext({ logger }),
    );
    const left = await readdir(state);
    for (const f of stale) expect(left).not.toContain(f);
    expect(left).toContain(live);
    expect(left).toContain(other);
    expect(logger.warnings.join('\n')).toMatch(/removed temporary files left by writers/);
    await held.release();
  });

  it('sweepStaleTempFiles returns what it removed and copes with a missing folder', async () => {
    const dead = await deadPid();
    await writeFile(path.join(state, `.X.json.${dead}.00000000.tmp`), '');
    expect(await sweepStaleTempFiles(state)).toEqual([`.X.json.${dead}.00000000.tmp`]);
    expect(await sweepStaleTempFiles(path.join(dir, 'nope'))).toEqual([]);
  });

  it('removes its own temp file when the rename fails', async () => {
    // The target is a folder: write and fsync succeed, the rename fails.
    await mkdir(path.join(state, 'MAIN.json'));
    await expect(writeFileAtomic(path.join(state, 'MAIN.json'), '{}\n')).rejects.toThrow();
    expect((await readdir(state)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
