/**
 * A small real network for watch and GitOps tests: three servers (MAIN parent of AUX1 and AUX2),
 * the committed fixture certificates, one password in a secret file and one in an environment variable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The repository root, from this file's location. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** The compiled CLI entry (built by `npm test` before vitest runs). */
export const AVNET_BIN = path.join(REPO_ROOT, 'bin', 'avnet.js');

/** The password kept in `secrets/main-aux1`; tests assert it never shows up in any output. */
export const FILE_SECRET = 'file-secret-7f3a9c1e-never-print';

/** The password of MAIN->AUX2, given as the environment variable `AVNET_TEST_AUX2_PASSWORD`. */
export const ENV_SECRET = 'env-secret-2b8d4e6f-never-print';

/** The environment variable holding ENV_SECRET. */
export const ENV_SECRET_NAME = 'AVNET_TEST_AUX2_PASSWORD';

/** Committed, openssl-made certificates (valid for a century): no key generation in tests. */
const FIXTURE_CERTS = path.join(REPO_ROOT, 'test', 'fixtures', 'certs');

const CERT_OF: Readonly<Record<string, string>> = {
  MAIN: 'rsa2048.pem',
  AUX1: 'ec-p256.pem',
  AUX2: 'ec-p384.pem',
};

/** Each server's certificate (PEM), by server name. */
export function networkCerts(): Map<string, string> {
  return new Map(
    Object.entries(CERT_OF).map(([s, f]) => [s, readFileSync(path.join(FIXTURE_CERTS, f), 'utf8')]),
  );
}

/** A certificate no server of the network uses, to replace one with. */
export function spareCertificate(): string {
  return readFileSync(path.join(FIXTURE_CERTS, 'ed25519.pem'), 'utf8');
}

/** Options of the topology text. */
export interface TopologyText {
  /** Encryption of the MAIN->AUX1 link (the field tests flip). */
  readonly aux1Encryption?: 'yes' | 'possible' | 'no';
  /** syncPeriod of the MAIN->AUX2 link. */
  readonly aux2SyncPeriod?: string;
  /** Certificate file of AUX1 (to test a newly referenced file). */
  readonly aux1Certificate?: string;
}

/** The topology YAML (MAIN at line 6 onwards; links start after the servers). */
export function topologyYaml(opts: TopologyText = {}): string {
  return [
    'apiVersion: avnet/v1',
    'kind: Topology',
    'name: fixture',
    'servers:',
    '  MAIN:',
    '    address: 127.0.0.1:22193',
    '    certificates: [certs/MAIN.pem]',
    '  AUX1:',
    '    address: 127.0.0.1:22194',
    `    certificates: [${opts.aux1Certificate ?? 'certs/AUX1.pem'}]`,
    '  AUX2:',
    '    address: 127.0.0.1:22195',
    '    certificates: [certs/AUX2.pem]',
    'links:',
    '  - parent: MAIN',
    '    child: AUX1',
    '    password: { file: secrets/main-aux1 }',
    `    encryption: ${opts.aux1Encryption ?? 'possible'}`,
    '  - parent: MAIN',
    '    child: AUX2',
    `    password: { env: ${ENV_SECRET_NAME} }`,
    '    licenses:',
    `      syncPeriod: ${opts.aux2SyncPeriod ?? '1h'}`,
    '',
  ].join('\n');
}

/** Writes the network (topology, certificates, secret file) into `dir`. */
export async function writeNetwork(dir: string, opts: TopologyText = {}): Promise<void> {
  await mkdir(path.join(dir, 'certs'), { recursive: true });
  await mkdir(path.join(dir, 'secrets'), { recursive: true });
  for (const [name, pem] of networkCerts()) {
    await writeFile(path.join(dir, 'certs', `${name}.pem`), pem);
  }
  await writeFile(path.join(dir, 'secrets', 'main-aux1'), FILE_SECRET + '\n', { mode: 0o600 });
  await writeFile(path.join(dir, 'topology.yaml'), topologyYaml(opts));
}

/** A fresh temp folder holding the network. */
export async function tempNetwork(prefix: string, opts: TopologyText = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await writeNetwork(dir, opts);
  return dir;
}

/** Saves a file the way many editors do: write a temporary file beside it, rename it over. */
export async function saveByRename(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.swap`);
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** One server's dir-backend state file, parsed (throws if it is not valid JSON). */
export async function readState(
  stateDir: string,
  server: string,
): Promise<{ revision: number; neighbors: { name: string; encryption?: string }[] }> {
  return JSON.parse(await readFile(path.join(stateDir, `${server}.json`), 'utf8')) as {
    revision: number;
    neighbors: { name: string; encryption?: string }[];
  };
}

/** Polls until `check` returns a value (not undefined/false) or the timeout passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A spawned `avnet` process whose output is collected as it arrives. */
export interface RunningAvnet {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
}

/** Spawns `node bin/avnet.js ARGS` in `cwd`. */
export function spawnAvnet(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): RunningAvnet {
  const child = spawn(process.execPath, [AVNET_BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}
