/** `avnet plan [FILE]`: validate, read actual state, print what apply would change. */
import path from 'node:path';
import type { Command } from 'commander';
import { reconcileOnce, knownSecretValues } from '../../engine/index.js';
import { serializeSavedPlan } from '../../plan/index.js';
import { writeFileAtomic, DirBackend } from '../../backends/index.js';
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
  // Only pure descriptions of the backend are used from here on.
  await result.backend?.close?.();
  env.redactor.add(knownSecretValues(result.checked.loaded));
  if (result.checked.loaded.missing)
    throw new UsageError(`topology file ${fileArg} does not exist`);
  reportDiagnostics(env, result, flags.strict ?? false);
  if (result.outcome === 'invalid') {
    env.err(`avnet: ${fileArg} is not valid; nothing was planned\n`);
    return EXIT_FAILURE;
  }
  if (result.outcome === 'refused' && !result.plan) {
    throw new UsageError(result.message ?? 'refused');
  }
  const plan = result.plan!;
  env.out(renderPlan(flags.format, plan, env, result));
  if (result.outcome === 'refused') {
    env.err(`avnet: refusing this plan: ${result.message}\n`);
    return EXIT_FAILURE;
  }
  if (flags.out) {
    const outFile = path.resolve(env.io.cwd, flags.out);
    const stateDir = result.backend instanceof DirBackend ? result.backend.dir : undefined;
    await writeFileAtomic(
      outFile,
      serializeSavedPlan(plan, {
        topologyPath: path.resolve(env.io.cwd, file),
        createdAt: env.context.clock.now().toISOString(),
        avnet: AVNET_VERSION,
        stateDir,
      }),
      0o644,
    );
    env.err(`Saved the plan to ${flags.out}; apply exactly it with: avnet apply ${flags.out}\n`);
  }
  if (plan.errors.length > 0) return EXIT_FAILURE;
  if (flags.detailedExitcode && plan.changes.length > 0) return EXIT_CHANGES;
  return EXIT_OK;
}
