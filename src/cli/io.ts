/** The CLI's surroundings: streams, terminal detection, environment, logger; replaceable in tests. */
import pino from 'pino';
import type { Context, Logger } from '../model/index.js';
import { systemClock } from '../model/index.js';
import { Redactor, createColors, type Colors } from '../output/index.js';
import { CREDENTIAL_ENV } from '../backends/http/http-backend.js';

/** A stream the CLI writes to. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Where the CLI reads and writes. */
export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The real process streams. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Log levels accepted by --log-level. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** What a command gets: redacting output, colours, logger, context. */
export interface CommandEnv {
  readonly io: CliIO;
  readonly redactor: Redactor;
  readonly colors: Colors;
  readonly errColors: Colors;
  /** Writes command output to stdout, secrets redacted. */
  out(text: string): void;
  /** Writes messages for humans to stderr, secrets redacted. */
  err(text: string): void;
  readonly logger: Logger;
  readonly context: Context;
}

/** Options every command understands. */
export interface GlobalOptions {
  readonly logLevel?: string;
  readonly color?: boolean;
}

/** Builds the command environment from global options. */
export function createCommandEnv(io: CliIO, opts: GlobalOptions, signal: AbortSignal): CommandEnv {
  const redactor = new Redactor();
  // The http backend's and the emulator's administrator password is a secret in every command.
  const adminPassword = io.env[CREDENTIAL_ENV.password];
  if (adminPassword) redactor.add([adminPassword]);
  const colorAllowed =
    opts.color !== false && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const colors = createColors(colorAllowed && (io.stdout.isTTY ?? false));
  const errColors = createColors(colorAllowed && (io.stderr.isTTY ?? false));
  const level = opts.logLevel ?? io.env.AVNET_LOG_LEVEL ?? 'warn';
  const logger = pino(
    {
      level,
      base: { name: 'avnet' },
      // Belt and braces: known secret fields are censored, and every log line is redacted by value.
      redact: {
        paths: ['password', '*.password', 'secret', '*.secret', 'authorization', '*.authorization'],
        censor: '(sensitive)',
      },
      hooks: { streamWrite: (s: string) => redactor.redact(s) },
    },
    { write: (s: string) => io.stderr.write(s) },
  ) as unknown as Logger;
  return {
    io,
    redactor,
    colors,
    errColors,
    out: (text) => void io.stdout.write(redactor.redact(text)),
    err: (text) => void io.stderr.write(redactor.redact(text)),
    logger,
    context: { logger, clock: systemClock, signal },
  };
}
