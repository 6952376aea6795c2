/** Parsers for flag values, turning bad values into usage errors. */
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../model/index.js';

/** Parses a duration flag (`30d`, `90s`) into seconds. */
export function durationFlag(value: string): number {
  const s = parseDuration(value);
  if (s === null)
    throw new InvalidArgumentError(
      `"${value}" is not a duration (an integer and s, m, h, d or w, e.g. 30d)`,
    );
  return s;
}

/** Parses an interval flag: a duration (`30s`, `5m`, `250ms`), or `0` / `off` for none; in ms. */
export function intervalFlag(value: string): number {
  if (value === 'off' || value === '0') return 0;
  const ms = /^([1-9][0-9]{0,8})ms$/.exec(value);
  if (ms) return Number(ms[1]);
  return durationFlag(value) * 1000;
}

/** Builds a parser that accepts one of a fixed list of values. */
export function choiceFlag<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`must be one of ${choices.join(', ')}`);
    }
    return value as T;
  };
}

/** Parses a positive integer flag. */
export function positiveIntFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`"${value}" is not a positive integer`);
  return n;
}

/** Collects a repeatable flag into a list. */
export function collectFlag(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The flags of every command that loads and validates a topology before acting on it. */
export interface TopologyFlags {
  strict?: boolean;
  expiryWarning?: number;
  allowOutsideRoot?: boolean;
}

/** Adds --strict, --expiry-warning and --allow-outside-root. */
export function addTopologyFlags(cmd: Command): Command {
  return cmd
    .option('--strict', 'warnings fail validation too')
    .option(
      '--expiry-warning <duration>',
      'warn about certificates expiring within this period (default 30d)',
      durationFlag,
    )
    .option('--allow-outside-root', "allow referenced files outside the topology's folder");
}

/** The flags of plan, apply and watch. */
export interface ReconcileFlags extends TopologyFlags {
  target?: string[];
  allowEmpty?: boolean;
}

/** Adds --target and --allow-empty, and the topology flags. */
export function addReconcileFlags(cmd: Command, what: string): Command {
  return addTopologyFlags(
    cmd
      .option(
        '--target <server>',
        `limit ${what} to this server's entries (repeatable)`,
        collectFlag,
      )
      .option('--allow-empty', 'allow a plan that deletes every entry avnet manages'),
  );
}
