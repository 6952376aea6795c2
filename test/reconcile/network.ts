/**
 * Test networks on disk: a topology folder with real certificates (from a shared pool) and a
 * state folder, plus helpers to run the engine and the CLI against them.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CertPool } from '../helpers/topology.js';
import { DirBackend } from '../../src/backends/index.js';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import {
  reconcileOnce,
  type ReconcileOptions,
  type ReconcileResult,
} from '../../src/engine/index.js';
import type { ServerState } from '../../src/model/index.js';
import { quietContext } from '../../src/model/index.js';

/** Certificates shared by every test in a file. */
export const pool = new CertPool({ bits: 1024 });

/** A topology folder with its state folder. */
export interface TestNetwork {
  readonly dir: string;
  readonly file: string;
  readonly state: string;
  readonly env: Record<string, string>;
  /** Rewrites topology.yaml. */
  write(yaml: string): Promise<void>;
  /** Every server's state file, parsed. */
  states(): Promise<Map<string, ServerState>>;
  /** Raw text of every state file, by file name. */
  rawStates(): Promise<Map<string, string>>;
  reconcile(mode: 'plan' | 'apply', extra?: Partial<ReconcileOptions>): Promise<ReconcileResult>;
  cli(
    args: string[],
    opts?: { env?: Record<string, string>; stdinTTY?: boolean },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  cleanup(): Promise<void>;
}

/** Writes `certs/NAME.pem` (and NAME.key, NAME.pub) for each server name from the pool. */
export async function writeCerts(dir: string, names: readonly string[]): Promise<void> {
  await mkdir(path.join(dir, 'certs'), { recursive: true });
  for (const n of names) {
    const c = pool.get(n);
    await writeFile(path.join(dir, 'certs', `${n}.pem`), c.certificatePem);
    await writeFile(path.join(dir, 'certs', `${n}.key`), c.privateKeyPem);
    await writeFile(path.join(dir, 'certs', `${n}.pub`), c.publicKeyPem);
  }
}

/** Creates a network folder with certificates for `servers` and the given topology text. */
export async function makeNetwork(
  servers: readonly string[],
  yaml: string,
  env: Record<string, string> = {},
): Promise<TestNetwork> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-net-'));
  const file = path.join(dir, 'topology.yaml');
  const state = path.join(dir, 'state');
  await writeCerts(dir, servers);
  await writeFile(file, yaml);
  const net: TestNetwork = {
    dir,
    file,
    state,
    env,
    write: (text) => writeFile(file, text),
    async states() {
      const out = new Map<string, ServerState>();
      const backend = new DirBackend({ dir: state });
      for (const name of await backend.listServers(quietContext())) {
        const s = await backend.readServer(name, quietContext());
        if (s) out.set(name, s);
      }
      return out;
    },
    async rawStates() {
      const out = new Map<string, string>();
      const files = await readdir(state).catch(() => [] as string[]);
      for (const f of files.sort())
        if (f.endsWith('.json') && !f.startsWith('.'))
          out.set(f, await readFile(path.join(state, f), 'utf8'));
      return out;
    },
    reconcile: (mode, extra = {}) =>
      reconcileOnce(
        {
          file,
          mode,
          env: net.env,
          backend: async (endpoints) => new DirBackend({ dir: state, endpoints }),
          ...extra,
        },
        quietContext(),
      ),
    cli: (args, opts = {}) =>
      runCli(args, { cwd: dir, env: { ...net.env, ...opts.env }, stdinTTY: opts.stdinTTY }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  return net;
}

/** Runs the CLI in-process with captured output. */
export async function runCli(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; stdinTTY?: boolean; answer?: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough() as unknown as NodeJS.ReadableStream & { isTTY?: boolean };
  stdin.isTTY = opts.stdinTTY ?? false;
  const tty = opts.stdinTTY ?? false;
  const stderrSink = new PassThrough() as unknown as NodeJS.WritableStream & { isTTY?: boolean };
  stderrSink.isTTY = tty;
  (stderrSink as unknown as PassThrough).on('data', (b: Buffer) => (stderr += b.toString()));
  if (opts.answer !== undefined) {
    // Answer the confirmation prompt once it has been asked.
    const answer = opts.answer;
    const timer = setInterval(() => {
      if (stderr.includes("Only 'yes' will be accepted")) {
        clearInterval(timer);
        (stdin as unknown as PassThrough).write(`${answer}\n`);
      }
    }, 10);
    setTimeout(() => clearInterval(timer), 20_000).unref();
  }
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: stderrSink as unknown as CliIO['stderr'],
    stdin,
    env: { PATH: process.env.PATH, ...opts.env },
    cwd: opts.cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** The basic two-server network (MAIN parent of AUX) with an env password. */
export function basicYaml(extraLink = ''): string {
  return `apiVersion: avnet/v1
kind: Topology
servers:
  MAIN:
    address: main.example:2193
    certificates: [certs/MAIN.pem]
  AUX:
    address: aux.example
    certificates: [certs/AUX.pem]
links:
  - parent: MAIN
    child: AUX
    password: { env: PW_MAIN_AUX }
${extraLink}`;
}
