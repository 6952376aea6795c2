/** Helpers for end-to-end tests that spawn the built CLI (`node bin/avnet.js`). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ADMIN, REPO } from './helpers.js';

/** The CLI entry (runs dist/, which `npm test` builds before vitest). */
export const BIN = path.join(REPO, 'bin', 'avnet.js');

/** What a finished CLI run printed and returned. */
export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment for CLI runs: administrator credentials, no colours, nothing inherited that matters. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    AVNET_USER: ADMIN.user,
    AVNET_PASSWORD: ADMIN.password,
    ...extra,
  };
}

/** A spawned CLI process whose output is collected. */
export interface Running {
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly done: Promise<RunResult>;
}

/** Spawns `avnet ARGS`. */
export function spawnAvnet(args: readonly string[], env: NodeJS.ProcessEnv, cwd = REPO): Running {
  const proc = spawn(process.execPath, [BIN, ...args], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const done = new Promise<RunResult>((resolve) =>
    proc.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })),
  );
  return { proc, stdout: () => out, stderr: () => err, done };
}

/** Runs `avnet ARGS` to the end. */
export function runAvnet(
  args: readonly string[],
  env: NodeJS.ProcessEnv = cliEnv(),
  cwd = REPO,
): Promise<RunResult> {
  return spawnAvnet(args, env, cwd).done;
}

/** Waits until a running process printed text matching `pattern` (or exited, or timed out). */
export async function waitForOutput(
  r: Running,
  pattern: RegExp,
  stream: 'stdout' | 'stderr' = 'stdout',
  timeoutMs = 20_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let exited = false;
  void r.done.then(() => (exited = true));
  while (!pattern.test(stream === 'stdout' ? r.stdout() : r.stderr())) {
    if (exited || Date.now() > until) {
      throw new Error(
        `no ${pattern} on ${stream} (${exited ? 'process exited' : 'timed out'})\nstdout: ${r.stdout()}\nstderr: ${r.stderr()}`,
      );
    }
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** A running `avnet sim`. */
export interface SimProcess extends Running {
  /** Sends SIGINT and waits for a clean exit. */
  stop(): Promise<RunResult>;
}

/** Starts `avnet sim FILE --tls-dir DIR` and waits for its ready line. */
export async function startSimProcess(
  file: string,
  tlsDir: string,
  extra: readonly string[] = [],
  env: NodeJS.ProcessEnv = cliEnv(),
): Promise<SimProcess> {
  const r = spawnAvnet(['sim', file, '--tls-dir', tlsDir, ...extra], env);
  try {
    await waitForOutput(r, /^ready: /m);
  } catch (err) {
    r.proc.kill('SIGKILL');
    throw err;
  }
  return {
    ...r,
    async stop() {
      if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGINT');
      return r.done;
    },
  };
}
