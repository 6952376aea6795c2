/** `avnet plan [FILE]`: validate, read actual state, print what apply would change. */
import path from 'node:path';
import type { Command } from 'commander';
import { reconcileOnce, knownSecretValues, type ReadResult } from '../../engine/index.js';
import { serializeSavedPlan } from '../../plan/index.js';
import { writeFileAtomic } from '../../backends/index.js';
import { describeRefusal, describeUnread } from '../../output/index.js';
import { EXIT_CHANGES, EXIT_FAILURE, EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { addBackendFlags, reconcileOptionsFrom, type BackendFlags } from '../backend-flags.js';
import { addReconcileFlags, choiceFlag, type ReconcileFlags } from '../options.js';
import { resolveTopologyPath } from '../paths.js';
import { AVNET_VERSION } from '../version.js';
import { PLAN_FORMATS, renderPlan, reportDiagnostics, type PlanFormat } from '../reports.js';

interface PlanFlags extends BackendFlags, ReconcileFlags {
  format: PlanFormat;
  out?: string;
  detailedExitcode?: boolean;
}

/** Registers the plan command. */
export function registerPlan(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  const cmd = addBackendFlags(
    program
      .command('plan')
      .description('validate, read actual state from the backend, print what apply would change')
      .argument('[file]', 'topology file', 'topology.yaml')
      .option(
        '--format <format>',
        `output format: ${PLAN_FORMATS.join(', ')}`,
        choiceFlag(PLAN_FORMATS),
        'text',
      )
      .option(
        '--out <planfile>',
        'also save the plan (no secret values) for `avnet apply PLANFILE`',
      )
      .option('--detailed-exitcode', 'exit 2 when changes are pending, 0 when none, 1 on failure'),
  );
  addReconcileFlags(cmd, 'the plan').action(async (file: string, flags: PlanFlags) => {
    await run((env) => planCommand(env, file, flags));
  });
}

async function planCommand(env: CommandEnv, fileArg: string, flags: PlanFlags): Promise<number> {
  const file = resolveTopologyPath(fileArg, env.io.cwd);
  const result = await reconcileOnce(
    { ...reconcileOptionsFrom(flags, file, env.io.cwd, env.io.env), mode: 'plan' },
    env.context,
  );
  env.redactor.add(knownSecretValues(result.checked.loaded));
  if (result.checked.loaded.missing)
    throw new UsageError(`topology file ${fileArg} does not exist`);
  reportDiagnostics(env, result, flags.strict ?? false);
  switch (result.outcome) {
    case 'invalid':
      env.err(`avnet: ${fileArg} is not valid; nothing was planned\n`);
      return EXIT_FAILURE;
    case 'refused':
      if (result.refusal.reason === 'unknown-target')
        throw new UsageError(describeRefusal(result.refusal));
      if (result.reading)
        env.out(renderPlan(flags.format, { ...result, reading: result.reading }, env));
      env.err(`avnet: refusing this plan: ${describeRefusal(result.refusal)}\n`);
      return EXIT_FAILURE;
    case 'incomplete':
      env.out(renderPlan(flags.format, result, env));
      env.err(
        `avnet: the plan is incomplete: ${result.reading.unread.length} server${result.reading.unread.length === 1 ? '' : 's'} could not be read\n` +
          describeUnread(result.reading.unread).join('\n') +
          '\n',
      );
      if (flags.out) env.err(`avnet: the plan was not saved to ${flags.out}: it is incomplete\n`);
      return EXIT_FAILURE;
    case 'in-sync':
    case 'planned':
      env.out(renderPlan(flags.format, result, env));
      if (flags.out) await savePlan(env, result, file, flags.out);
      return flags.detailedExitcode && result.outcome === 'planned' ? EXIT_CHANGES : EXIT_OK;
    default:
      throw new Error(`plan ended with an apply outcome: ${result.outcome}`);
  }
}

async function savePlan(
  env: CommandEnv,
  result: ReadResult,
  file: string,
  out: string,
): Promise<void> {
  await writeFileAtomic(
    path.resolve(env.io.cwd, out),
    serializeSavedPlan(result.reading.plan, {
      topologyPath: path.resolve(env.io.cwd, file),
      createdAt: env.context.clock.now().toISOString(),
      avnet: AVNET_VERSION,
      stateDir: result.reading.backend.stateFolder?.(),
    }),
    0o644,
  );
  env.err(`Saved the plan to ${out}; apply exactly it with: avnet apply ${out}\n`);
}
