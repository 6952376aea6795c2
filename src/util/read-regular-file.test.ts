import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readRegularFile,
  readRegularFileSync,
  type ReadRegularFileOptions,
  type RegularFileRead,
} from './read-regular-file.js';

let dir: string;
let socketServer: net.Server | undefined;
const isRoot = process.getuid?.() === 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-read-regular-'));
  await writeFile(path.join(dir, 'small.txt'), 'hello\n');
  await mkdir(path.join(dir, 'folder'));
  execFileSync('mkfifo', [path.join(dir, 'pipe')]);
  await symlink(path.join(dir, 'pipe'), path.join(dir, 'link-to-pipe'));
  await symlink(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
  // Sparse: the size is there at once without writing it.
  const big = await open(path.join(dir, 'big.bin'), 'w');
  await big.truncate(1024 * 1024 + 1);
  await big.close();
  await writeFile(path.join(dir, 'secret.txt'), 'no access');
  await chmod(path.join(dir, 'secret.txt'), 0o000);
  socketServer = net.createServer();
  await new Promise<void>((resolve) => socketServer!.listen(path.join(dir, 'sock'), resolve));
});

afterAll(async () => {
  await new Promise((resolve) => (socketServer ? socketServer.close(resolve) : resolve(null)));
  await rm(dir, { recursive: true, force: true });
});

/** Runs both variants and checks they agree. */
async function both(file: string, opts: ReadRegularFileOptions): Promise<RegularFileRead> {
  const started = Date.now();
  const a = await readRegularFile(file, opts);
  const b = readRegularFileSync(file, opts);
  expect(b).toEqual(a);
  // Nothing here may wait for anything: a FIFO without a writer, a device, all answer at once.
  expect(Date.now() - started).toBeLessThan(2_000);
  return a;
}

function failureOf(r: RegularFileRead): { kind: string; reason: string; message: string } {
  if (r.ok) throw new Error('expected a failure, got bytes');
  return r;
}

describe('readRegularFile', () => {
  it('reads a regular file', async () => {
    const r = await both(path.join(dir, 'small.txt'), { limit: 1024 });
    expect(r.ok && r.bytes.toString('utf8')).toBe('hello\n');
  });

  it('reads a file of exactly the limit', async () => {
    const r = await both(path.join(dir, 'small.txt'), { limit: 6 });
    expect(r.ok && r.bytes.length).toBe(6);
  });

  it('refuses a FIFO at once, without waiting for a writer', async () => {
    const f = failureOf(await both(path.join(dir, 'pipe'), { limit: 1024 }));
    expect(f.kind).toBe('not-regular');
    expect(f.reason).toBe('is a FIFO, not a regular file');
    expect(f.message).toBe(`${path.join(dir, 'pipe')} is a FIFO, not a regular file`);
  });

  it('refuses a symbolic link to a FIFO (the opened file is checked, not the link)', async () => {
    const f = failureOf(await both(path.join(dir, 'link-to-pipe'), { limit: 1024 }));
    expect(f.kind).toBe('not-regular');
    expect(f.reason).toMatch(/FIFO/);
  });

  it.runIf(existsSync('/dev/zero'))(
    'refuses a character device (/dev/zero) without reading it',
    async () => {
      const before = process.memoryUsage().rss;
      const f = failureOf(await both('/dev/zero', { limit: 1024 * 1024 }));
      expect(f.kind).toBe('not-regular');
      expect(f.reason).toBe('is a character device, not a regular file');
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    },
  );

  it('refuses a directory', async () => {
    const f = failureOf(await both(path.join(dir, 'folder'), { limit: 1024 }));
    expect(f.kind).toBe('not-regular');
    expect(f.reason).toBe('is a directory, not a regular file');
  });

  it('refuses a Unix socket', async () => {
    const f = failureOf(await both(path.join(dir, 'sock'), { limit: 1024 }));
    expect(f.kind).toBe('not-regular');
    expect(f.reason).toBe('is a socket, not a regular file');
  });

  it('refuses a file over the limit without reading it', async () => {
    const f = failureOf(await both(path.join(dir, 'big.bin'), { limit: 1024 * 1024 }));
    expect(f.kind).toBe('too-large');
    expect(f.reason).toBe(
      `is too large (${1024 * 1024 + 1} bytes, larger than the limit of ${1024 * 1024} bytes)`,
    );
  });

  it.runIf(existsSync('/proc/self/status'))(
    'catches a file whose size lies (procfs says 0) by reading at most limit + 1 bytes',
    async () => {
      // Its contents change between reads (memory figures), so each variant is checked alone.
      for (const read of [readRegularFile, readRegularFileSync]) {
        const whole = await read('/proc/self/status', { limit: 1024 * 1024 });
        expect(whole.ok && whole.bytes.length).toBeGreaterThan(100);
      }
      const f = failureOf(await both('/proc/self/status', { limit: 10 }));
      expect(f.kind).toBe('too-large');
      expect(f.reason).toMatch(/larger than the limit of 10 bytes/);
    },
  );

  it('reports a missing file and a dangling symbolic link as missing', async () => {
    for (const name of ['nope.txt', 'dangling']) {
      const f = failureOf(await both(path.join(dir, name), { limit: 1024 }));
      expect(f.kind).toBe('missing');
      expect(f.reason).toBe('does not exist');
    }
  });

  it.skipIf(isRoot)(
    'reports a file it may not read (skipped as root, who may read anything)',
    async () => {
      const f = failureOf(await both(path.join(dir, 'secret.txt'), { limit: 1024 }));
      expect(f.kind).toBe('unreadable');
      expect(f.reason).toBe('is not readable (permission denied)');
    },
  );

  it('reports a path through a file as unreadable, with the code', async () => {
    const f = failureOf(await both(path.join(dir, 'small.txt', 'inner'), { limit: 1024 }));
    expect(f.kind).toBe('unreadable');
    expect(f.reason).toBe('cannot be read (ENOTDIR)');
  });
});
