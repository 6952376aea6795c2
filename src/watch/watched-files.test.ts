import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../load/index.js';
import { tempNetwork } from '../../test/watch/network-fixture.js';
import { digestFiles, foldersOf, sameDigests, watchedFilesOf } from './watched-files.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('watchedFilesOf', () => {
  it('lists the topology, its certificates and its secret files, as absolute paths', async () => {
    const dir = await tempNetwork('avnet-watched-');
    dirs.push(dir);
    const loaded = await loadTopology(path.join(dir, 'topology.yaml'));
    expect(watchedFilesOf(loaded)).toEqual(
      [
        'certs/AUX1.pem',
        'certs/AUX2.pem',
        'certs/MAIN.pem',
        'secrets/main-aux1',
        'topology.yaml',
      ].map((f) => path.join(dir, f)),
    );
    expect([...foldersOf(watchedFilesOf(loaded)).keys()].sort()).toEqual(
      [dir, path.join(dir, 'certs'), path.join(dir, 'secrets')].sort(),
    );
  });
});

describe('digestFiles', () => {
  it('changes with content, not with a rewrite of the same bytes, and marks missing files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-digest-'));
    dirs.push(dir);
    const a = path.join(dir, 'a');
    await writeFile(a, 'one');
    const first = await digestFiles([a, path.join(dir, 'missing')]);
    expect(first.get(path.join(dir, 'missing'))).toBe('unreadable:ENOENT');
    await writeFile(a, 'one');
    expect(sameDigests(first, await digestFiles([a, path.join(dir, 'missing')]))).toBe(true);
    await writeFile(a, 'two');
    expect(sameDigests(first, await digestFiles([a, path.join(dir, 'missing')]))).toBe(false);
    expect(sameDigests(first, await digestFiles([a]))).toBe(false);
    expect(sameDigests(undefined, first)).toBe(false);
  });

  it('marks a FIFO at once instead of waiting for a writer (it must not hang the watch)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-digest-'));
    dirs.push(dir);
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // If the read blocks (the bug), a writer comes after 3 s so the test fails instead of hanging.
    const unblock = setTimeout(() => {
      void open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then(
        (h) => h.close(),
        () => undefined,
      );
    }, 3_000);
    const started = Date.now();
    const digests = await digestFiles([fifo, '/dev/zero']);
    clearTimeout(unblock);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(digests.get(fifo)).toBe('unreadable:not-regular');
    expect(digests.get('/dev/zero')).toBe('unreadable:not-regular');
  });
});
