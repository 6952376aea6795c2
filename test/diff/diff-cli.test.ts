/**
 * `avnet diff` end to end: a real git repository in a temp folder, real commits, and the built
 * CLI spawned with its working directory inside the repository.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServerCertificate } from '../../src/certs/index.js';
import { main } from '../../src/cli/main.js';

const run = promisify(execFile);
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/avnet.js');
const SECRET_OLD = 'Inline-Secret-Before-42';
const SECRET_NEW = 'Inline-Secret-After-43';

/** Child environment: commits without any user config, no colours, no pager. */
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'avnet test',
  GIT_AUTHOR_EMAIL: 'test@avnet.invalid',
  GIT_COMMITTER_NAME: 'avnet test',
  GIT_COMMITTER_EMAIL: 'test@avnet.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  NO_COLOR: '1',
};

const TOPOLOGY = `apiVersion: avnet/v1
kind: Topology
name: e2e
servers:
  MAIN:
    address: main.example
    certificates: [certs/main.pem]
  AUX:
    address: aux.example
    certificates: [certs/aux.pem]
  EAST:
    address: east.example
    certificates: [certs/east.pem]
links:
  - parent: MAIN
    child: AUX
    password: { env: MAIN_AUX }
  - peers: [MAIN, EAST]
    password: "${SECRET_OLD}"
    flows: { updates: MAIN->EAST, events: both, licenses: none }
`;

let tmp: string;
let repo: string;
let certMainV1: string;
let certMainV2: string;

async function git(...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: repo, env: ENV });
  return stdout;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process (usage errors need no process of their own; git still runs). */
async function avnetInProcess(args: string[], cwd = repo): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: Readable.from([]),
    env: ENV,
    cwd,
  });
  return { code, stdout, stderr };
}

/** Runs the built CLI as its own process, as users and CI do. */
async function avnet(args: string[], cwd = repo): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: ENV });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function noSecrets(r: Result): void {
  for (const s of [SECRET_OLD, SECRET_NEW]) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'avnet-diff-e2e-'));
  repo = path.join(tmp, 'repo');
  await mkdir(path.join(repo, 'network', 'certs'), { recursive: true });
  const cert = (name: string) => generateServerCertificate(name, { bits: 1024 }).certificatePem;
  certMainV1 = cert('MAIN');
  certMainV2 = cert('MAIN');
  const dir = path.join(repo, 'network');
  await writeFile(path.join(dir, 'certs/main.pem'), certMainV1);
  await writeFile(path.join(dir, 'certs/aux.pem'), cert('AUX'));
  await writeFile(path.join(dir, 'certs/east.pem'), cert('EAST'));
  await writeFile(path.join(dir, 'topology.yaml'), TOPOLOGY);
  await git('init', '-q');
  await git('add', '.');
  await git('commit', '-q', '-m', 'first topology');
  // Second commit: flip one link, change the inline password, rotate MAIN's certificate.
  await writeFile(
    path.join(dir, 'topology.yaml'),
    TOPOLOGY.replace('parent: MAIN\n    child: AUX', 'parent: AUX\n    child: MAIN').replace(
      SECRET_OLD,
      SECRET_NEW,
    ),
  );
  await writeFile(path.join(dir, 'certs/main.pem'), certMainV2);
  await git('commit', '-q', '-a', '-m', 'flip MAIN/AUX, rotate MAIN');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('avnet diff with git revisions', () => {
  it('diffs the previous commit against the working tree', async () => {
    const r = await avnet(['diff', 'git:HEAD~1:network/topology.yaml', 'network/topology.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--- git:HEAD~1:network/topology.yaml\n+++ network/topology.yaml');
    expect(r.stdout).toContain(
      '  ~ AUX->MAIN\n      type: parent-child MAIN->AUX → parent-child AUX->MAIN',
    );
    expect(r.stdout).toContain('  ~ MAIN<->EAST\n      password: (sensitive) changed');
    expect(r.stdout).toMatch(/certificates: changed \(sha256 [0-9A-F:]+… → [0-9A-F:]+…\)/);
    expect(r.stdout).toContain(
      'Servers: 0 added, 0 removed, 1 changed. Links: 0 added, 0 removed, 2 changed.',
    );
    noSecrets(r);
  });

  it('reads certificates from each revision, not from the working tree', async () => {
    // The working tree holds the rotated certificate; only reading HEAD~1's own file shows a change.
    const r = await avnet([
      'diff',
      'git:HEAD~1:network/topology.yaml',
      'git:HEAD:network/topology.yaml',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      servers: {
        changed: { name: string; fields: { field: string; before: unknown; after: unknown }[] }[];
      };
      links: { changed: { label: string }[] };
      notes: string[];
    };
    const fp = (pem: string) => new X509Certificate(pem).fingerprint256;
    expect(json.servers.changed).toEqual([
      {
        name: 'MAIN',
        fields: [
          {
            field: 'certificates',
            before: [{ path: 'certs/main.pem', sha256: [fp(certMainV1)] }],
            after: [{ path: 'certs/main.pem', sha256: [fp(certMainV2)] }],
          },
        ],
      },
    ]);
    expect(json.links.changed.map((l) => l.label)).toEqual(['AUX->MAIN', 'MAIN<->EAST']);
    expect(json.notes).toEqual([]);
    noSecrets(r);
  });

  it('finds no differences between HEAD and the working tree; --exit-code exits 2 only on differences', async () => {
    const [same, differ] = await Promise.all([
      avnet(['diff', 'git:HEAD:network/topology.yaml', 'network/topology.yaml', '--exit-code']),
      avnet([
        'diff',
        'git:HEAD~1:network/topology.yaml',
        'git:HEAD:network/topology.yaml',
        '--exit-code',
        '--format',
        'markdown',
      ]),
    ]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('No differences.');
    expect(differ.code).toBe(2);
    expect(differ.stdout).toContain('| Links | 0 | 0 | 2 |');
    expect(differ.stdout).toContain('  - `password`: (sensitive) changed');
    noSecrets(differ);
  });

  it('resolves ./ paths from the current directory, as git does', async () => {
    const r = await avnet(
      ['diff', 'git:HEAD~1:./topology.yaml', 'topology.yaml', '--format', 'json'],
      path.join(repo, 'network'),
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { summary: unknown; notes: string[] };
    expect(json.summary).toMatchObject({ servers: { changed: 1 }, links: { changed: 2 } });
    expect(json.notes).toEqual([]);
  });

  it('notes a certificate that the revision does not have', async () => {
    const dir = path.join(repo, 'network');
    const text = await readFile(path.join(dir, 'topology.yaml'), 'utf8');
    await writeFile(
      path.join(dir, 'topology-2.yaml'),
      text.replace('certs/east.pem', 'certs/east-new.pem'),
    );
    await writeFile(path.join(dir, 'certs/east-new.pem'), certMainV1);
    try {
      await git('add', 'network');
      await git('commit', '-q', '-m', 'second topology file');
      // HEAD~1 has no topology-2.yaml: git's own reason, one line, exit 64.
      const missing = await avnet([
        'diff',
        'git:HEAD~1:network/topology-2.yaml',
        'network/topology.yaml',
      ]);
      expect(missing.code).toBe(64);
      expect(missing.stderr).toMatch(
        /^avnet: git:HEAD~1:network\/topology-2\.yaml: path 'network\/topology-2\.yaml' (does not exist|exists on disk, but not) in 'HEAD~1'\n$/,
      );
      // A topology at HEAD that references a certificate only present in the working tree.
      await writeFile(
        path.join(dir, 'topology-2.yaml'),
        text.replace('certs/east.pem', 'certs/east-later.pem'),
      );
      await git('commit', '-q', '-a', '-m', 'reference a file not committed');
      const r = await avnet([
        'diff',
        'git:HEAD:network/topology-2.yaml',
        'network/topology-2.yaml',
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('No differences.');
      expect(r.stdout).toContain(
        'git:HEAD:network/topology-2.yaml: certificate certs/east-later.pem of server EAST does not exist in HEAD; compared by path only',
      );
    } finally {
      await git('reset', '-q', '--hard', 'HEAD~2');
    }
  });
});

describe('avnet diff usage errors and unparseable sides', () => {
  it("exits 64 with git's reason for an unknown revision", async () => {
    const r = await avnetInProcess([
      'diff',
      'git:no-such-branch:network/topology.yaml',
      'network/topology.yaml',
    ]);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      "avnet: git:no-such-branch:network/topology.yaml: invalid object name 'no-such-branch'.\n",
    );
  });

  it('exits 64 outside a git repository', async () => {
    const outside = path.join(tmp, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, 'topology.yaml'), TOPOLOGY);
    const r = await avnetInProcess(['diff', 'git:HEAD:topology.yaml', 'topology.yaml'], outside);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^avnet: git:HEAD:topology\.yaml: not a git repository[^\n]*\n$/);
  });

  it('exits 64 for a missing file and a directory given as a git path', async () => {
    const missing = await avnetInProcess(['diff', 'network/topology.yaml', 'nope.yaml']);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toBe('avnet: topology file nope.yaml does not exist\n');
    const tree = await avnetInProcess(['diff', 'git:HEAD:network', 'network/topology.yaml']);
    expect(tree.code).toBe(64);
    expect(tree.stderr).toBe('avnet: git:HEAD:network: network is a directory in HEAD\n');
  });

  it('exits 1 when a side cannot be parsed, with its first diagnostics on stderr', async () => {
    const bad = path.join(tmp, 'bad.yaml');
    await writeFile(bad, 'servers: [unclosed\n');
    const r = await avnetInProcess(['diff', 'network/topology.yaml', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`avnet: cannot diff: ${bad} cannot be parsed\n`);
    expect(r.stderr).toMatch(/bad\.yaml:[0-9]+:[0-9]+: error: .* \[yaml-syntax\]/);
  });

  it('diffs an invalid but parseable topology and notes its problems on stderr', async () => {
    const invalid = path.join(repo, 'network', 'invalid.yaml');
    await writeFile(invalid, TOPOLOGY.replace('child: AUX', 'child: MAIN'));
    try {
      const r = await avnetInProcess(['diff', 'network/topology.yaml', 'network/invalid.yaml']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        /^avnet: note: network\/invalid\.yaml has [1-9][0-9]* errors? and [0-9]+ warnings? \(see avnet validate\); diffing it as written$/m,
      );
      expect(r.stdout).toContain('  - AUX->MAIN (parent-child)');
      noSecrets(r);
    } finally {
      await rm(invalid);
    }
  });
});
