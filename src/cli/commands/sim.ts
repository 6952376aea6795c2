/** `avnet sim [FILE]`: emulated Dr.Web Servers for the topology on loopback, until Ctrl-C. */
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Logger } from '../../model/index.js';
import { CREDENTIAL_ENV } from '../../backends/index.js';
import { parseLatency } from '../../sim/faults.js';
import { SimConfigError } from '../../sim/sim-config.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { collectFlag } from '../options.js';
import { resolveTopologyPath } from '../paths.js';

interface SimFlags {
  tlsDir: string;
  latency?: number;
  errorRate?: number;
  dropRate?: number;
  down?: string[];
  state?: string;
  allowOutsideRoot?: boolean;
}

function latencyFlag(value: string): number {
  const ms = parseLatency(value);
  if (ms === null)
    throw new InvalidArgumentError(`"${value}" is not a latency (e.g. 20ms, 1s, or milliseconds)`);
  return ms;
}

function rateFlag(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError(`"${value}" is not a fraction between 0 and 1 (e.g. 0.2)`);
  return n;
}

/** Registers the sim command. */
export function registerSim(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  program
    .command('sim')
    .description(
      'start emulated Dr.Web Servers for the topology on loopback (server protocol and management API), until Ctrl-C',
    )
    .argument('[file]', 'topology file', 'topology.yaml')
    .option(
      '--tls-dir <dir>',
      'folder to write ca.pem into: the CA of the management APIs, for --ca',
      '.avnet-sim',
    )
    .option(
      '--latency <duration>',
      'add this latency to every management request (e.g. 20ms)',
      latencyFlag,
    )
    .option(
      '--error-rate <fraction>',
      'answer this fraction of management requests with 503',
      rateFlag,
    )
    .option(
      '--drop-rate <fraction>',
      'drop this fraction of management requests and handshakes without an answer',
      rateFlag,
    )
    .option('--down <server>', 'start this server down, not listening (repeatable)', collectFlag)
    .option('--state <dir>', 'start servers from dir-backend state files in this folder')
    .option('--allow-outside-root', "allow referenced files outside the topology's folder")
    .action(async (file: string, flags: SimFlags, cmd: Command) => {
      const explicitLevel = (cmd.optsWithGlobals() as { logLevel?: string }).logLevel;
      await run((env) => simCommand(env, file, flags, explicitLevel));
    });
}

async function simCommand(
  env: CommandEnv,
  fileArg: string,
  flags: SimFlags,
  explicitLevel: string | undefined,
): Promise<number> {
  const user = env.io.env[CREDENTIAL_ENV.user];
  const password = env.io.env[CREDENTIAL_ENV.password];
  if (!user || !password) {
    throw new UsageError(
      `the emulated servers need administrator credentials: set ${CREDENTIAL_ENV.user} and ${CREDENTIAL_ENV.password} (the http backend reads the same variables)`,
    );
  }
  const logger: Logger = env.logger.child({ command: 'sim' });
  if (explicitLevel === undefined && env.io.env.AVNET_LOG_LEVEL === undefined) {
    // A server in the foreground logs what it does; the env logger is pino, whose child may log lower.
    (logger as unknown as { level: string }).level = 'info';
  }
  const file = path.resolve(env.io.cwd, resolveTopologyPath(fileArg, env.io.cwd));
  const tlsDir = path.resolve(env.io.cwd, flags.tlsDir);
  // The emulator (and node-forge, for its CA) loads only for this command.
  const { startSimulation } = await import('../../sim/start-simulation.js');
  let sim;
  try {
    sim = await startSimulation(file, {
      credentials: { user, password },
      tlsDir,
      faults: {
        latencyMs: flags.latency ?? 0,
        errorRate: flags.errorRate ?? 0,
        dropRate: flags.dropRate ?? 0,
      },
      down: flags.down,
      stateDir: flags.state !== undefined ? path.resolve(env.io.cwd, flags.state) : undefined,
      logger,
      onSecret: (value) => env.redactor.add([value]),
      allowOutsideRoot: flags.allowOutsideRoot,
    });
  } catch (err) {
    if (err instanceof SimConfigError) {
      env.err(`avnet: ${err.message}\n`);
      return EXIT_FAILURE;
    }
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
  const width = Math.max(...[...sim.servers.keys()].map((n) => n.length));
  for (const s of sim.servers.values()) {
    const a = s.spec.address;
    const address = a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
    env.out(
      `${s.name.padEnd(width)}  server protocol ${address}  management API ${s.spec.apiUrl}${s.isDown ? '  (down)' : ''}\n`,
    );
  }
  env.out(
    `ready: ${sim.servers.size} server${sim.servers.size === 1 ? '' : 's'}; CA certificate ${sim.caFile} (pass it with --ca); Ctrl-C stops\n`,
  );
  const signal = env.context.signal;
  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await sim.stop();
  env.err('avnet: emulated servers stopped\n');
  return EXIT_OK;
}
