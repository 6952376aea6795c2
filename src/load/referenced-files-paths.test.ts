import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerSpec, Topology } from '../model/index.js';
import {
  MAX_REFERENCED_FILE_BYTES,
  readReferencedFile,
  readReferencedFiles,
  resolveReferencedPath,
  type PathOptions,
} from './referenced-files.js';

// The reader caches real paths per folder and reads synchronously in slices; these cases pin
// down that the results (and the symlink-escape check in particular) stay what they were.

let tmp: string;
let root: string;
let outside: string;
let opts: PathOptions;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'avnet-refs-'));
  root = path.join(tmp, 'net');
  outside = path.join(tmp, 'elsewhere');
  await mkdir(path.join(root, 'certs'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(root, 'certs', 'a.pem'), 'PEM A\n');
  await writeFile(path.join(outside, 'x.pem'), 'PEM X\n');
  await symlink(path.join(outside, 'x.pem'), path.join(root, 'certs', 'escape.pem'));
  await symlink(path.join(root, 'certs', 'a.pem'), path.join(root, 'certs', 'inner.pem'));
  await symlink(outside, path.join(root, 'linked-dir'));
  await symlink(path.join(root, 'certs'), path.join(root, 'certs-alias'));
  await symlink(path.join(root, 'missing-target'), path.join(root, 'certs', 'dangling.pem'));
  await mkdir(path.join(root, 'certs', 'folder.pem'));
  await writeFile(path.join(root, 'certs', 'binary.pem'), Buffer.from([0x2d, 0x00, 0x2d]));
  await writeFile(
    path.join(root, 'certs', 'big.pem'),
    Buffer.alloc(MAX_REFERENCED_FILE_BYTES + 1, 65),
  );
  opts = { rootDir: root, allowOutsideRoot: false };
});

afterAll(async () => {
  await chmod(path.join(root, 'certs'), 0o755).catch(() => undefined);
  await rm(tmp, { recursive: true, force: true });
});

describe('readReferencedFile', () => {
  it('reads a plain file inside the root', async () => {
    expect(await readReferencedFile('certs/a.pem', opts)).toEqual({
      status: 'ok',
      absolutePath: path.join(root, 'certs', 'a.pem'),
      text: 'PEM A\n',
    });
  });

  it('refuses a symlinked file that points outside the root', async () => {
    expect((await readReferencedFile('certs/escape.pem', opts)).status).toBe('outside-root');
  });

  it('refuses a file under a symlinked folder that points outside the root', async () => {
    expect((await readReferencedFile('linked-dir/x.pem', opts)).status).toBe('outside-root');
  });

  it('accepts symlinks (file or folder) that stay inside the root', async () => {
    expect((await readReferencedFile('certs/inner.pem', opts)).status).toBe('ok');
    expect((await readReferencedFile('certs-alias/a.pem', opts)).status).toBe('ok');
  });

  it('refuses a path that leaves the root lexically, and reads it when allowed', async () => {
    expect((await readReferencedFile('../elsewhere/x.pem', opts)).status).toBe('outside-root');
    const allowed = { ...opts, allowOutsideRoot: true };
    expect(await readReferencedFile('../elsewhere/x.pem', allowed)).toMatchObject({
      status: 'ok',
      text: 'PEM X\n',
    });
    expect((await readReferencedFile('certs/escape.pem', allowed)).status).toBe('ok');
  });

  it('reports missing, dangling, directory, binary and oversized files', async () => {
    const reason = async (p: string) => {
      const r = await readReferencedFile(p, opts);
      return r.status === 'error' ? r.reason : r.status;
    };
    expect(await reason('certs/none.pem')).toBe('does not exist');
    expect(await reason('no-folder/none.pem')).toBe('does not exist');
    expect(await reason('certs/dangling.pem')).toBe('does not exist');
    expect(await reason('certs/folder.pem')).toBe('is a directory, not a regular file');
    expect(await reason('certs/binary.pem')).toBe('is binary, not PEM text');
    expect(await reason('certs/big.pem')).toBe(
      `is too large (${MAX_REFERENCED_FILE_BYTES + 1} bytes, larger than the limit of ${MAX_REFERENCED_FILE_BYTES} bytes)`,
    );
  });

  it('works when the root itself is reached through a symlink', async () => {
    const alias = path.join(tmp, 'net-alias');
    await symlink(root, alias);
    const viaAlias = { rootDir: alias, allowOutsideRoot: false };
    expect((await readReferencedFile('certs/a.pem', viaAlias)).status).toBe('ok');
    expect((await readReferencedFile('certs/escape.pem', viaAlias)).status).toBe('outside-root');
    expect((await resolveReferencedPath('certs/inner.pem', viaAlias)).outside).toBe(false);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file', async () => {
    await writeFile(path.join(root, 'locked.pem'), 'x');
    await chmod(path.join(root, 'locked.pem'), 0o000);
    const r = await readReferencedFile('locked.pem', opts);
    expect(r.status === 'error' && r.reason).toBe('is not readable (permission denied)');
  });
});

describe('readReferencedFiles', () => {
  it('reads many files across slices and checks secret file paths', async () => {
    const many = path.join(root, 'many');
    await mkdir(many);
    const servers = new Map<string, ServerSpec>();
    for (let i = 0; i < 600; i++) {
      await writeFile(path.join(many, `s${i}.pem`), `PEM ${i}\n`);
      servers.set(`S${i}`, {
        name: `S${i}`,
        version: 13,
        certificates: [`many/s${i}.pem`],
        protocol: 'enabled',
        ...(i === 0 ? { publicKey: 'certs/escape.pem' } : {}),
      });
    }
    const topology: Topology = {
      defaults: {},
      servers,
      links: [
        {
          kind: 'peer',
          index: 0,
          peers: ['S0', 'S1'],
          dial: 'S0',
          password: { kind: 'file', path: 'linked-dir/x.pem' },
        },
      ],
    } as Topology;
    const store = await readReferencedFiles(topology, opts);
    expect(store.size).toBe(602);
    expect(store.get('many/s599.pem')).toMatchObject({ status: 'ok', text: 'PEM 599\n' });
    expect(store.get('certs/escape.pem')?.status).toBe('outside-root');
    expect(store.get('linked-dir/x.pem')?.status).toBe('outside-root');
  });
});
