/**
 * Secrets given on the command line (`--auth-token`, `--webhook-secret`, `--notify-secret`), in the
 * forms of link passwords: `env:NAME` or `file:PATH`; a literal value works but is visible in the
 * process list, so it draws a warning.
 */
import path from 'node:path';
import { MAX_REFERENCED_FILE_BYTES } from '../load/index.js';
import { readRegularFile } from '../util/read-regular-file.js';
import { UsageError } from './exit-codes.js';

/** A secret flag's value, resolved. */
export interface SecretFlag {
  readonly value: string;
  /** Where it came from, for messages (never the value). */
  readonly from: string;
  /** True when the value was written on the command line itself. */
  readonly literal: boolean;
}

/** Resolves `env:NAME`, `file:PATH` or a literal value of the flag `flag`. */
export async function resolveSecretFlag(
  flag: string,
  raw: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<SecretFlag> {
  if (raw.startsWith('env:')) {
    const name = raw.slice(4);
    const value = env[name];
    if (!value)
      throw new UsageError(`${flag} env:${name}: the variable ${name} is not set or empty`);
    return { value, from: `the environment variable ${name}`, literal: false };
  }
  if (raw.startsWith('file:')) {
    const file = path.resolve(cwd, raw.slice(5));
    const read = await readRegularFile(file, { limit: MAX_REFERENCED_FILE_BYTES });
    if (!read.ok) throw new UsageError(`${flag} file:${raw.slice(5)}: ${read.reason}`);
    const value = read.bytes.toString('utf8').replace(/\r?\n$/, '');
    if (!value) throw new UsageError(`${flag} file:${raw.slice(5)}: the file is empty`);
    return { value, from: `the file ${raw.slice(5)}`, literal: false };
  }
  if (!raw) throw new UsageError(`${flag} is empty`);
  return { value: raw, from: 'the command line', literal: true };
}
