/**
 * examples/systemd/avnet-serve.service is a unit systemd accepts without a warning
 * (`systemd-analyze verify`), and every flag its ExecStart passes is a flag `avnet serve` knows.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const UNIT = path.join(REPO, 'examples/systemd/avnet-serve.service');
const analyze = await exec('systemd-analyze', ['--version']).then(
  () => true,
  () => false,
);

describe('examples/systemd/avnet-serve.service', () => {
  it.runIf(analyze)('passes systemd-analyze verify with no warning', async () => {
    const text = await readFile(UNIT, 'utf8');
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/avnet serve /m);
    // verify checks that the program exists: point it at this checkout's avnet.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-unit-'));
    try {
      const unit = path.join(dir, 'avnet-serve.service');
      await writeFile(
        unit,
        text.replace(
          'ExecStart=/usr/bin/avnet',
          `ExecStart=${process.execPath} ${path.join(REPO, 'bin/avnet.js')}`,
        ),
      );
      const r = await exec('systemd-analyze', ['verify', unit]).then(
        (ok) => ({ code: 0, stderr: ok.stderr }),
        (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('passes only flags that avnet serve knows', async () => {
    const text = await readFile(UNIT, 'utf8');
    const exec_ = /^ExecStart=([\s\S]*?)(?<!\\)\n/m.exec(text)![1]!.replace(/\\\n/g, ' ');
    const flags = [...exec_.matchAll(/(?:^|\s)(--[a-z-]+)/g)].map((m) => m[1]!);
    expect(flags.length).toBeGreaterThan(5);
    const help = await exec(process.execPath, [path.join(REPO, 'bin/avnet.js'), 'serve', '--help']);
    for (const f of flags) expect(help.stdout, f).toContain(f);
  });
});
