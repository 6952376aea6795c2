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
import { registerGraph } from './commands/graph.js';
import { registerDiff } from './commands/diff.js';

/** A command body: gets its environment, returns an exit code. */
export type CommandAction = (env: CommandEnv) => Promise<number>;

/** Runs avnet with the given arguments; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = EXIT_USAGE;
  const abort = new AbortController();
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
  registerCerts(program, run);
  registerGraph(program, run);
  registerDiff(program, run);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are successes; everything else is a usage error.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    io.stderr.write(`avnet: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
  return exitCode;
}
