import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import {
  BROKEN_NAMES,
  BROKEN_YAML,
  ENV_SECRET,
  FILE_SECRET,
  INLINE_SECRET,
  NETWORK_NAMES,
  NETWORK_YAML,
  SECRET_ENV,
  writeFixture,
  type FixtureDir,
} from './fixtures.js';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/avnet.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs avnet in-process with captured streams, in `cwd`. */
async function avnet(cwd: string, ...argv: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: process.stdin,
    env: { [SECRET_ENV]: ENV_SECRET, [`${SECRET_ENV}_2`]: ENV_SECRET, NO_COLOR: '1' },
    cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

let network: FixtureDir;
let broken: FixtureDir;
const temps: string[] = [];

beforeAll(async () => {
  network = await writeFixture(NETWORK_YAML);
  broken = await writeFixture(BROKEN_YAML);
});

afterAll(async () => {
  await Promise.all([
    network.cleanup(),
    broken.cleanup(),
    ...temps.map((d) => rm(d, { recursive: true, force: true })),
  ]);
});

describe('avnet graph', () => {
  it('prints Mermaid by default, for topology.yaml in the working folder', async () => {
    const r = await avnet(network.dir, 'graph');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^---\ntitle: "corp-av"\n---\nflowchart TD\n/);
    for (const name of NETWORK_NAMES) expect(r.stdout).toContain(`["${name}<br>`);
    expect(r.stdout).toContain('-.-|"updates EAST→WEST, events ↔<br>WEST dials"|');
  });

  it('prints DOT with --format dot', async () => {
    const r = await avnet(network.dir, 'graph', 'topology.yaml', '--format', 'dot');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^digraph topology \{\n/);
    expect(r.stdout).toContain('rankdir=TB');
    expect(r.stdout).toContain('style=dashed, dir=none');
  });

  it('prints SVG with --format svg', async () => {
    const r = await avnet(network.dir, 'graph', network.file, '--format', 'svg');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('<svg ');
    expect(r.stdout.trimEnd()).toMatch(/<\/svg>$/);
    for (const name of NETWORK_NAMES) expect(r.stdout).toContain(`>${name}</text>`);
  });

  it.each(['mermaid', 'dot', 'svg'])(
    'writes --format %s to --out atomically, printing nothing',
    async (format) => {
      const out = path.join(network.dir, `drawing.${format}`);
      await writeFile(out, 'old content');
      const r = await avnet(network.dir, 'graph', '--format', format, '--out', `drawing.${format}`);
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
      const text = await readFile(out, 'utf8');
      expect(text).toContain(
        format === 'svg' ? '<svg ' : format === 'dot' ? 'digraph' : 'flowchart',
      );
      expect((await readdir(network.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
  );

  it('fails with exit 1 when --out cannot be written, leaving no temp file', async () => {
    const r = await avnet(network.dir, 'graph', '--out', 'no-such-dir/graph.mmd');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^avnet: cannot write .*graph\.mmd: /);
    expect((await readdir(network.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('draws a topology with errors, marks them and notes them on stderr (exit 0)', async () => {
    const r = await avnet(broken.dir, 'graph', 'topology.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('class s0,s1,s2,s3,u0,legend_error error');
    expect(r.stderr).toBe(
      `avnet: note: ${path.join(broken.dir, 'topology.yaml')} has 4 errors; servers and links with errors are marked (details: avnet validate topology.yaml)\n`,
    );
  });

  it('exits 64 when the topology file does not exist', async () => {
    const r = await avnet(network.dir, 'graph', 'missing.yaml', '--format', 'svg');
    expect(r).toEqual({
      code: 64,
      stdout: '',
      stderr: 'avnet: topology file missing.yaml does not exist\n',
    });
  });

  it('exits 64 rather than overwrite the topology with --out', async () => {
    const before = await readFile(network.file, 'utf8');
    const r = await avnet(network.dir, 'graph', '--out', 'topology.yaml');
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('avnet: --out topology.yaml would overwrite the topology file\n');
    expect(await readFile(network.file, 'utf8')).toBe(before);
  });

  it('exits 64 for an unknown format', async () => {
    const r = await avnet(network.dir, 'graph', '--format', 'png');
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('must be one of mermaid, dot, svg');
  });

  it('exits 1 without a drawing when the file cannot be parsed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-graph-'));
    temps.push(dir);
    await writeFile(path.join(dir, 'topology.yaml'), 'servers:\n  A: {\n  B: [\n');
    const r = await avnet(dir, 'graph', '--out', 'graph.mmd');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[yaml-syntax]');
    expect(r.stderr).toMatch(
      /avnet: cannot draw .*topology\.yaml: the file could not be parsed\n$/,
    );
    expect(await readdir(dir)).toEqual(['topology.yaml']);
  });

  it.each(['mermaid', 'dot', 'svg'])('never prints a password (--format %s)', async (format) => {
    for (const fx of [broken, network]) {
      const out = path.join(fx.dir, `secret-check.${format}`);
      const printed = await avnet(fx.dir, 'graph', '--format', format);
      const written = await avnet(fx.dir, 'graph', '--format', format, '--out', out);
      expect(printed.code).toBe(0);
      expect(written.code).toBe(0);
      const everything = [
        printed.stdout,
        printed.stderr,
        written.stdout,
        written.stderr,
        await readFile(out, 'utf8'),
      ].join('\n');
      expect(everything.length).toBeGreaterThan(500);
      for (const secret of [INLINE_SECRET, ENV_SECRET, FILE_SECRET]) {
        expect(everything).not.toContain(secret);
      }
    }
  });
});

describe('avnet graph (compiled, spawned)', () => {
  it('renders SVG from bin/avnet.js, loading Graphviz WASM on demand', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [BIN, 'graph', 'topology.yaml', '--format', 'svg'],
      { cwd: broken.dir, env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(stdout).toContain('<svg ');
    expect(stdout).toContain('class="node server unknown error"');
    expect(stderr).toContain('has 4 errors');
    for (const name of BROKEN_NAMES) {
      expect(stdout).toContain(
        name
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;'),
      );
    }
    expect(stdout).not.toContain(INLINE_SECRET);
  });
});
