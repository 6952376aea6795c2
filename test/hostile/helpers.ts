/**
 * Helpers of the hostile-files tests: the built CLI in its own process under a deadline and a
 * memory ceiling (a hang or a runaway read must fail the test, not hang or exhaust the machine),
 * special files, and a small tmpfs for a real full disk.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The repository root. */
export const REPO = path.resolve(import.meta.dirname, '../..');

/** The CLI entry as users run it (runs dist/, built by `npm test` before vitest). */
export const BIN = path.join(REPO, 'bin', 'avnet.js');

/** True when this process may create device nodes and mount file systems. */
export const IS_ROOT = process.getuid?.() === 0;

/** What a bounded CLI run did. */
export interface BoundedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time until the process exited. */
  readonly ms: number;
  /** Largest resident set size seen while it ran (0 where /proc is missing). */
  readonly maxRssBytes: number;
  /** Why the test killed it, if it did. */
  readonly killed?: 'timeout' | 'memory';
}

/** Options of a bounded run. */
export interface BoundedOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Killed with SIGKILL after this long (SIGINT and SIGTERM are what the bug ignored). */
  readonly timeoutMs?: number;
  /** Killed with SIGKILL above this resident size. */
  readonly maxRssBytes?: number;
}

function rssOf(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then(
    (s) => Number(/^VmRSS:\s+(\d+) kB/m.exec(s)?.[1] ?? 0) * 1024,
    () => 0,
  );
}

/** Runs `node bin/avnet.js ARGS`, killing it when it runs too long or grows too big. */
export function runBounded(args: readonly string[], opts: BoundedOptions): Promise<BoundedRun> {
  const started = Date.now();
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let maxRssBytes = 0;
  let killed: BoundedRun['killed'];
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const kill = (why: 'timeout' | 'memory') => {
    killed ??= why;
    proc.kill('SIGKILL');
  };
  const timer = setTimeout(() => kill('timeout'), opts.timeoutMs ?? 20_000);
  const limit = opts.maxRssBytes ?? 512 * 1024 * 1024;
  const sampler = setInterval(() => {
    if (proc.pid === undefined) return;
    void rssOf(proc.pid).then((rss) => {
      maxRssBytes = Math.max(maxRssBytes, rss);
      if (rss > limit) kill('memory');
    });
  }, 25);
  return new Promise((resolve) => {
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sampler);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        ms: Date.now() - started,
        maxRssBytes,
        ...(killed ? { killed } : {}),
      });
    });
  });
}

/** Runs `node bin/avnet.js ARGS` to the end (for set-up steps that must simply work). */
export function runAvnet(
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...env } },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Creates a FIFO (named pipe). */
export function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

/** Creates a character device with /dev/zero's numbers (1, 5); needs root. */
export function mknodZero(file: string): void {
  execFileSync('mknod', [file, 'c', '1', '5']);
}

/** A copy of examples/basic (topology, certificates with their keys, secret) in a temp folder. */
export async function copyBasic(): Promise<{
  root: string;
  dir: string;
  cleanup(): Promise<void>;
}> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'avnet-hostile-'));
  const dir = path.join(root, 'net');
  await mkdir(dir);
  for (const part of ['topology.yaml', 'certs', 'secrets']) {
    await cp(path.join(REPO, 'examples', 'basic', part), path.join(dir, part), { recursive: true });
  }
  return { root, dir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A mounted tmpfs of `size` bytes, or why one cannot be mounted here. */
export type Tmpfs =
  | { readonly ok: true; readonly dir: string; unmount(): Promise<void> }
  | { readonly ok: false; readonly reason: string };

/** Mounts a small tmpfs (root only): a real file system that really fills up. */
export async function mountTmpfs(size: number): Promise<Tmpfs> {
  if (!IS_ROOT) return { ok: false, reason: 'mounting a tmpfs needs root' };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    return { ok: false, reason: `mount -t tmpfs failed: ${(err as Error).message.split('\n')[0]}` };
  }
  return {
    ok: true,
    dir,
    unmount: async () => {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        // Busy (a file handle the code under test leaked): detach it now, freed when closed.
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
