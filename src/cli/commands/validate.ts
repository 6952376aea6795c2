/** `avnet validate [FILE]`: load, check schema and every rule; print diagnostics. */
import type { Command } from 'commander';
import { checkTopology, knownSecretValues } from '../../engine/index.js';
import {
  DIAGNOSTIC_FORMATS,
  reportFails,
  type DiagnosticFormat,
  type DiagnosticReport,
} from '../../output/index.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { addTopologyFlags, choiceFlag, type TopologyFlags } from '../options.js';
import { renderReport } from '../reports.js';
import { resolveTopologyPath } from '../paths.js';

interface ValidateFlags extends TopologyFlags {
  format: DiagnosticFormat;
  secrets?: boolean;
}

/** Registers the validate command. */
export function registerValidate(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  const cmd = program
    .command('validate')
    .description('load a topology, check the schema and every rule, print diagnostics')
    .argument('[file]', 'topology file', 'topology.yaml')
    .option(
      '--format <format>',
      `output format: ${DIAGNOSTIC_FORMATS.join(', ')}`,
      choiceFlag(DIAGNOSTIC_FORMATS),
      'text',
    )
    .option('--secrets', 'resolve secrets too (env variables and secret files must exist)');
  addTopologyFlags(cmd).action(async (file: string, flags: ValidateFlags) => {
    await run((env) => validateCommand(env, file, flags));
  });
}

async function validateCommand(
  env: CommandEnv,
  fileArg: string,
  flags: ValidateFlags,
): Promise<number> {
  const file = resolveTopologyPath(fileArg, env.io.cwd);
  const { loaded, validation } = await checkTopology(
    file,
    {
      resolveSecrets: flags.secrets ?? false,
      env: env.io.env,
      allowOutsideRoot: flags.allowOutsideRoot ?? false,
      expiryWarningSeconds: flags.expiryWarning,
    },
    env.context,
  );
  if (loaded.missing) throw new UsageError(`topology file ${fileArg} does not exist`);
  env.redactor.add(knownSecretValues(loaded));
  const report: DiagnosticReport = {
    file: loaded.source.displayPath,
    diagnostics: validation.diagnostics,
    strict: flags.strict ?? false,
    source: { text: loaded.source.text, secretRanges: loaded.secretRanges },
    servers: loaded.topology.servers.size,
    links: loaded.topology.links.length,
  };
  env.out(renderReport(flags.format, report, env));
  return reportFails(report) ? EXIT_FAILURE : EXIT_OK;
}
