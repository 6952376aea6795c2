/**
 * Helpers for emulator tests: copies of the examples on free loopback ports (vitest runs files in
 * parallel, so fixed ports would collide), a shared HTTPS identity, and polling.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HttpBackend } from '../../src/backends/index.js';
import { generateServerCertificate } from '../../src/certs/index.js';
import { loadTopology } from '../../src/load/index.js';
import {
  createSimTlsIdentity,
  startSimulation,
  type Simulation,
  type SimulationOptions,
  type SimTlsIdentity,
} from '../../src/sim/index.js';

/** The repository root. */
export const REPO = path.resolve(import.meta.dirname, '../..');

/** Administrator credentials used by the tests' simulations. */
export const ADMIN = { user: 'admin', password: 'sim-admin-pässword-7f3a' } as const;

/** Passwords of the enterprise example's links (env secrets). */
export const ENTERPRISE_SECRETS = {
  AVNET_HQ_EU: 'hq-eu-secret-6b1d90',
  AVNET_HQ_US: 'hq-us-secret-0c7e21',
  AVNET_HQ_APAC: 'hq-apac-secret-94fa3e',
  AVNET_EU_US: 'eu-us-secret-5d28c7',
  AVNET_APAC_LEGACY: 'apac-legacy-secret-1a9b4f',
} as const;

/** Ports handed out by this test process, so that two calls never give the same one. */
const handedOut = new Set<number>();

function tryListen(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/**
 * `n` distinct free TCP ports on 127.0.0.1, picked at random *below* the kernel's ephemeral range
 * (32768-60999 on Linux). A port the OS hands out for `listen(0)` or an outgoing connection comes
 * from that range, so between this check and the emulator binding the port, no other test's
 * connection can take it (with ports from `listen(0)` that happened under a full parallel run).
 */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  const held: net.Server[] = [];
  while (ports.length < n) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port) || ports.includes(port)) continue;
    const s = await tryListen(port);
    if (!s) continue;
    held.push(s);
    ports.push(port);
  }
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  for (const p of ports) handedOut.add(p);
  return ports;
}

/** A copy of an example (or any topology folder) with every 127.0.0.1 port replaced by a free one. */
export interface TopologyCopy {
  readonly dir: string;
  readonly file: string;
  /** Old port → new port. */
  readonly ports: ReadonlyMap<number, number>;
  /** Rewrites the topology text (ports already replaced). */
  edit(fn: (yaml: string) => string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Copies a folder holding topology.yaml to a temp folder and moves it onto free ports. */
export async function copyTopology(source: string): Promise<TopologyCopy> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'avnet-sim-'));
  const dir = path.join(root, path.basename(source));
  await cp(source, dir, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'state',
  });
  const file = path.join(dir, 'topology.yaml');
  let yaml = await readFile(file, 'utf8');
  const old = [...new Set([...yaml.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
  const fresh = await freePorts(old.length);
  const ports = new Map(old.map((p, i) => [p, fresh[i]!]));
  yaml = yaml.replace(
    /127\.0\.0\.1:(\d+)/g,
    (_m, p: string) => `127.0.0.1:${ports.get(Number(p))}`,
  );
  await writeFile(file, yaml);
  return {
    dir,
    file,
    ports,
    async edit(fn) {
      await writeFile(file, fn(await readFile(file, 'utf8')));
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** A copy of one of the repository's examples. */
export function copyExample(name: 'basic' | 'enterprise'): Promise<TopologyCopy> {
  return copyTopology(path.join(REPO, 'examples', name));
}

let identity: SimTlsIdentity | undefined;

/** One HTTPS identity per test file (creating one costs about 1.5 s). */
export function sharedTls(): SimTlsIdentity {
  identity ??= createSimTlsIdentity();
  return identity;
}

/** Starts a simulation with the tests' credentials, the shared identity and fast backoff. */
export function simulate(file: string, opts: Partial<SimulationOptions> = {}): Promise<Simulation> {
  return startSimulation(file, {
    credentials: ADMIN,
    tls: sharedTls(),
    backoff: { baseMs: 50, maxMs: 400 },
    handshakeTimeoutMs: 2000,
    ...opts,
  });
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A generated topology folder: certificates for every server and free ports. */
export interface GeneratedTopology extends TopologyCopy {
  /** Free ports handed out: `address(name)` and `api(name)` give each server's. */
  address(name: string): string;
  api(name: string): string;
}

const certCache = new Map<string, { certificatePem: string; privateKeyPem: string }>();

/**
 * Writes a topology whose servers all live on free loopback ports with generated certificates
 * (certs/NAME.pem + certs/NAME.key). `build` gets helpers for addresses and returns the YAML.
 */
export async function generateTopology(
  names: readonly string[],
  build: (t: {
    address(name: string): string;
    api(name: string): string;
    cert(name: string): string;
  }) => string,
): Promise<GeneratedTopology> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'avnet-simtop-'));
  const ports = await freePorts(names.length * 2);
  const portOf = new Map(names.map((n, i) => [n, [ports[2 * i]!, ports[2 * i + 1]!] as const]));
  await mkdir(path.join(root, 'certs'));
  const fileName = (n: string) => n.replace(/[^A-Za-z0-9_-]/g, '_');
  for (const n of names) {
    let c = certCache.get(n);
    if (!c) {
      c = generateServerCertificate(n, { bits: 2048 });
      certCache.set(n, c);
    }
    await writeFile(path.join(root, 'certs', `${fileName(n)}.pem`), c.certificatePem);
    await writeFile(path.join(root, 'certs', `${fileName(n)}.key`), c.privateKeyPem);
  }
  const address = (n: string) => `127.0.0.1:${portOf.get(n)![0]}`;
  const api = (n: string) => `https://127.0.0.1:${portOf.get(n)![1]}`;
  const file = path.join(root, 'topology.yaml');
  await writeFile(file, build({ address, api, cert: (n) => `certs/${fileName(n)}.pem` }));
  return {
    dir: root,
    file,
    ports: new Map(),
    address,
    api,
    async edit(fn) {
      await writeFile(file, fn(await readFile(file, 'utf8')));
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** The YAML of one server block, for generateTopology. */
export function serverYaml(
  t: { address(name: string): string; api(name: string): string; cert(name: string): string },
  name: string,
  extra = '',
): string {
  return `  ${JSON.stringify(name)}:\n    address: ${t.address(name)}\n    api: ${t.api(name)}\n    certificates: [${t.cert(name)}]\n${extra}`;
}

/** An http backend for a simulation, trusting its CA. */
export async function httpBackendFor(
  sim: Simulation,
  file: string,
  opts: { timeoutMs?: number; concurrency?: number; retries?: number } = {},
): Promise<HttpBackend> {
  const loaded = await loadTopology(file);
  const endpoints = [...loaded.topology.servers.values()].map((s) => ({
    name: s.name,
    version: s.version,
    api: s.api,
  }));
  return new HttpBackend({
    endpoints,
    client: { ...ADMIN, ca: sim.caPem, ...opts },
  });
}
