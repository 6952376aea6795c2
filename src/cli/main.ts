/** The CLI entry: parses arguments, runs one command, maps its outcome to an exit code. */
import { Command, CommanderError, Option } from 'commander';
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './exit-codes.js';
import {
  createCommandEnv,
  LOG_LEVELS,
  processIO,
  type CliIO,
  type CommandEnv,
  type GlobalOptions,
} from './io.js';
import { AVNET_VERSION } from './version.js';
import { registerValidate } from './commands/validate.js';
import { registerCerts } from './commands/certs.js';
import { registerPlan } from './commands/plan.js';
import { registerApply } from './commands/apply.js';
import { registerAudit } from './commands/audit.js';
import { registerImport } from './commands/import.js';
import { registerUnlock } from './commands/unlock.js';
import { registerGraph } from './commands/graph.js';
import { registerDiff } from './commands/diff.js';
import { registerSim } from './commands/sim.js';
import { registerStatus } from './commands/status.js';
import { registerWatch } from './commands/watch.js';
import { registerServe } from './commands/serve.js';

/** A command body: gets its environment, returns an exit code. */
export type CommandAction = (env: CommandEnv) => Promise<number>;

/** Options of `main` for embedding and tests. */
export interface MainOptions {
  /** Abort signal standing in for SIGINT/SIGTERM (tests); the real process signals are used otherwise. */
  readonly signal?: AbortSignal;
  /** Install SIGINT/SIGTERM handlers (the bin entry does; in-process tests do not). */
  readonly handleSignals?: boolean;
}

/**
 * SIGINT/SIGTERM abort the running command through its context signal: apply stops starting new
 * work, finishes the write in flight, releases the lock and reports; watch ends its cycle and exits.
 * A second signal exits at once.
 */
function installSignalHandlers(abort: AbortController, io: CliIO): () => void {
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(130);
    io.stderr.write(
      `\navnet: ${sig} received, finishing the current step (press again to exit now)\n`,
    );
    abort.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Runs avnet with the given arguments; resolves to the exit code. */
export async function main(
  argv: readonly string[],
  io: CliIO = processIO(),
  options: MainOptions = {},
): Promise<number> {
  let exitCode = EXIT_USAGE;
  const abort = new AbortController();
  options.signal?.addEventListener('abort', () => abort.abort(options.signal?.reason), {
    once: true,
  });
  const uninstall = options.handleSignals ? installSignalHandlers(abort, io) : () => {};
  const program = new Command('avnet');
  program
    .description('declarative, GitOps-style reconciler for Dr.Web anti-virus networks')
    .version(AVNET_VERSION, '-V, --version')
    .addOption(
      new Option('--log-level <level>', 'log level (logs go to stderr as JSON lines)').choices(
        LOG_LEVELS,
      ),
    )
    .option('--no-color', 'disable colours')
    .showHelpAfterError('(run avnet --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    });

  const run = async (action: CommandAction): Promise<void> => {
    const env = createCommandEnv(io, program.opts<GlobalOptions>(), abort.signal);
    try {
      exitCode = await action(env);
    } catch (err) {
      if (err instanceof UsageError) {
        env.err(`avnet: ${err.message}\n`);
        exitCode = EXIT_USAGE;
      } else {
        // Never a stack trace for users; the log at debug level keeps it for developers.
        env.logger.debug({ err }, 'unexpected error');
        env.err(`avnet: ${(err as Error).message ?? String(err)}\n`);
        exitCode = EXIT_FAILURE;
      }
    }
  };

  registerValidate(program, run);
  registerPlan(program, run);
  registerApply(program, run);
  registerAudit(program, run);
  registerImport(program, run);
  registerUnlock(program, run);
  registerCerts(program, run);
  registerGraph(program, run);
  registerDiff(program, run);
  registerSim(program, run);
  registerStatus(program, run);
  registerWatch(program, run);
  registerServe(program, run);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are successes; everything else is a usage error.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    io.stderr.write(`avnet: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  } finally {
    uninstall();
  }
  return exitCode;
}
