import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
});
