/**
 * `avnet status` and `apply --wait` with the dir backend, which cannot observe live links: states
 * are derived from the stored entries, and the output says so.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { REPO, copyExample, type TopologyCopy } from './helpers.js';

async function avnet(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: process.stdin,
    env: { NO_COLOR: '1' },
    cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const BASIC = path.join(REPO, 'examples', 'basic');
const LINK_PASSWORD = 'demo-only-main-auxiliary-link-password';
let copy: TopologyCopy | undefined;

afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});

describe('status with the dir backend', () => {
  it('derives an applied link as online and says it cannot observe it live', async () => {
    copy = await copyExample('basic');
    expect((await avnet(copy.dir, 'apply', '--yes')).code).toBe(0);
    const text = await avnet(copy.dir, 'status');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Derived from stored state: this backend cannot observe live links/,
    );
    expect(text.stdout).toMatch(/^ {2}MAIN -> AUXILIARY\s+online$/m);
    expect(text.stdout).toContain('The link is online.');
    const json = await avnet(copy.dir, 'status', '--format', 'json');
    expect(JSON.parse(json.stdout)).toEqual({
      links: [
        {
          a: 'MAIN',
          b: 'AUXILIARY',
          type: 'parent-child',
          state: 'online',
          error: null,
          reason: null,
        },
      ],
    });
    expect(json.stderr).toMatch(/cannot observe live links/);
  });

  it('shows a password mismatch in stored state without showing a password', async () => {
    copy = await copyExample('basic');
    expect((await avnet(copy.dir, 'apply', '--yes')).code).toBe(0);
    const file = path.join(copy.dir, 'state', 'AUXILIARY.json');
    const stored = await readFile(file, 'utf8');
    expect(stored).toContain(LINK_PASSWORD);
    await writeFile(file, stored.replace(LINK_PASSWORD, 'changed-by-hand-5521'));
    const r = await avnet(copy.dir, 'status');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /MAIN -> AUXILIARY\s+offline\s+wrong-password: MAIN and AUXILIARY hold different passwords/,
    );
    expect(r.stdout).toMatch(/the two entries hold different passwords/);
    expect(r.stdout + r.stderr).not.toContain(LINK_PASSWORD);
    expect(r.stdout + r.stderr).not.toContain('changed-by-hand-5521');
  });

  it('reports links not applied yet, and apply --wait returns once they would be up', async () => {
    copy = await copyExample('basic');
    const before = await avnet(copy.dir, 'status', '--format', 'json');
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout).links[0].error).toBe(
      'missing: neither MAIN nor AUXILIARY has an entry for the other',
    );
    const applied = await avnet(copy.dir, 'apply', '--yes', '--wait', '5s');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('The link is online');
    expect((await avnet(copy.dir, 'status')).code).toBe(0);
  });

  it('refuses an unknown --target and a missing topology as usage errors', async () => {
    expect((await avnet(BASIC, 'status', '--target', 'NOPE')).code).toBe(64);
    expect((await avnet(BASIC, 'status', 'nothing.yaml')).code).toBe(64);
  });
});
