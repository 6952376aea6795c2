/** Shared helpers of the validate end-to-end tests: running the CLI, temp folders, crash checks. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

/** The repository checkout these tests run in. */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The CLI entry as users run it (needs `npm run build`). */
export const AVNET_BIN = path.join(REPO_ROOT, 'bin', 'avnet.js');

/** Demo certificates that parse and are valid for years. */
export const BASIC_CERTS = path.join(REPO_ROOT, 'examples', 'basic', 'certs');

/** What one CLI run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of a CLI run: working folder and extra environment variables. */
export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

// Only what node needs: a test must not see the developer's AVNET_* variables or colours.
function childEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...extra };
}

/** Runs `node bin/avnet.js ARGS` as a real process; never rejects on a non-zero exit. */
export function runAvnet(args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [AVNET_BIN, ...args],
      { cwd: opts.cwd ?? REPO_ROOT, env: childEnv(opts.env), maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs the CLI in this process through `main()` with captured streams (fast, same code path). */
export async function runMain(args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: { write: (s: string) => out.push(s), isTTY: false },
    stderr: { write: (s: string) => err.push(s), isTTY: false },
    stdin: process.stdin,
    env: childEnv(opts.env),
    cwd: opts.cwd ?? process.cwd(),
  };
  const code = await main(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** A fresh folder under the OS temp dir, and its removal. */
export async function tempDir(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `avnet-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Lines that betray a crash: a stack frame or a JavaScript error class name. */
export function crashLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => /^\s+at /.test(l) || /\b(TypeError|RangeError|ReferenceError)\b/.test(l));
}

/** Asserts that neither stream shows a stack trace or a raw JavaScript error. */
export function expectNoCrash(result: CliResult): void {
  expect(crashLines(result.stdout), 'stdout').toEqual([]);
  expect(crashLines(result.stderr), 'stderr').toEqual([]);
}

/** The `validate --format json` report shape (cli.md "validate: outputs"). */
export interface JsonReport {
  version: number;
  file: string;
  valid: boolean;
  errors: number;
  warnings: number;
  diagnostics: {
    rule: string;
    severity: 'error' | 'warning';
    message: string;
    file?: string;
    line?: number;
    column?: number;
    endLine?: number;
    endColumn?: number;
    pointer?: string;
    server?: string;
    neighbor?: string;
    related: { file?: string; line?: number; column?: number; message: string }[];
  }[];
}

/** Parses stdout as the JSON report; fails the test with the text when it is not JSON. */
export function parseReport(stdout: string): JsonReport {
  try {
    return JSON.parse(stdout) as JsonReport;
  } catch {
    throw new Error(`stdout is not JSON:\n${stdout.slice(0, 2000)}`);
  }
}

/** The rule ids of a report, in order. */
export function rulesOf(report: JsonReport): string[] {
  return report.diagnostics.map((d) => d.rule);
}
