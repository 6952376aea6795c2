/** `avnet apply [FILE | PLANFILE]`: make the actual state match, safely; or apply a saved plan exactly. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Plan } from '../../model/index.js';
import {
  applySavedPlan,
  knownSecretValues,
  reconcileOnce,
  type ReconcileResult,
} from '../../engine/index.js';
import { looksLikeSavedPlan, parseSavedPlan, planToJson } from '../../plan/index.js';
import { formatPlanText, planSummaryLine } from '../../output/index.js';
import { LockedError } from '../../backends/index.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import {
  addBackendFlags,
  backendFactory,
  reconcileOptionsFrom,
  type BackendFlags,
} from '../backend-flags.js';
import { addReconcileFlags, choiceFlag, durationFlag, type ReconcileFlags } from '../options.js';
import { resolveTopologyPath } from '../paths.js';
import { askToApply, createProgress, isInteractive } from '../confirm.js';
import { describeWhere, formatApplyReport, reportDiagnostics } from '../reports.js';
import { DEFAULT_WAIT_SECONDS, waitAfterApply } from '../wait-links.js';

interface ApplyFlags extends BackendFlags, ReconcileFlags {
  yes?: boolean;
  format: 'text' | 'json';
  /** `--wait [DURATION]`: true without a value, seconds with one. */
  wait?: number | true;
}

/** Registers the apply command. */
export function registerApply(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  const cmd = addBackendFlags(
    program
      .command('apply')
      .description(
        'make the actual state match the topology; with a saved plan, apply exactly that plan',
      )
      .argument('[file]', 'topology file, or a plan saved with `avnet plan --out`', 'topology.yaml')
      .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
      .option(
        '--format <format>',
        'report format: text or json',
        choiceFlag(['text', 'json'] as const),
        'text',
      )
      .option(
        '--wait [duration]',
        `after applying, wait until every link is online (default ${DEFAULT_WAIT_SECONDS / 60}m); exit 1 with each offline link's reason on timeout`,
        durationFlag,
      ),
  );
  addReconcileFlags(cmd, 'apply').action(async (file: string, flags: ApplyFlags) => {
    await run((env) => applyCommand(env, file, flags));
  });
}

function resultJson(result: ReconcileResult): string {
  return (
    JSON.stringify(
      {
        outcome: result.outcome,
        ...(result.message ? { message: result.message } : {}),
        plan: result.plan ? planToJson(result.plan) : null,
        servers: result.apply?.servers ?? [],
        writes: result.apply?.writes ?? 0,
        failed: result.apply?.failed ?? 0,
        converged: result.verify
          ? result.verify.changes.length === 0 && result.verify.errors.length === 0
          : null,
      },
      null,
      2,
    ) + '\n'
  );
}

async function applyCommand(env: CommandEnv, fileArg: string, flags: ApplyFlags): Promise<number> {
  const interactive = isInteractive(env.io);
  if (!flags.yes && !interactive) {
    throw new UsageError('refusing to apply without confirmation: not on a terminal; pass --yes');
  }
  const file = resolveTopologyPath(fileArg, env.io.cwd);
  let text: string | undefined;
  try {
    text = await readFile(path.resolve(env.io.cwd, file), 'utf8');
  } catch {
    text = undefined; // the load stage reports unreadable files precisely
  }
  const progress = createProgress(env.io);
  const confirm = flags.yes
    ? undefined
    : async (plan: Plan) => {
        env.err(formatPlanText(plan, env.errColors));
        return askToApply(env.io, planSummaryLine(plan));
      };
  const common = {
    env: env.io.env,
    allowOutsideRoot: flags.allowOutsideRoot,
    expiryWarningSeconds: flags.expiryWarning,
    concurrency: flags.concurrency,
    confirm,
    onProgress: (p: Parameters<typeof progress.update>[0]) => progress.update(p),
  };
  let result: ReconcileResult;
  try {
    if (text !== undefined && looksLikeSavedPlan(text)) {
      const parsed = parseSavedPlan(text);
      if (!parsed.ok) throw new UsageError(`${fileArg}: ${parsed.reason}`);
      const saved = parsed.plan;
      const stateDir = flags.state ?? saved.json.backend.state;
      result = await applySavedPlan(
        {
          ...common,
          saved,
          backend: backendFactory(
            { ...flags, backend: saved.json.backend.type, state: stateDir },
            saved.json.saved.topologyPath,
            env.io.cwd,
            env.io.env,
          ),
        },
        env.context,
      );
    } else {
      result = await reconcileOnce(
        {
          ...common,
          ...reconcileOptionsFrom(flags, file, env.io.cwd, env.io.env),
          mode: 'apply',
        },
        env.context,
      );
    }
  } catch (err) {
    progress.stop();
    if (err instanceof LockedError) {
      env.err(`avnet: ${err.message}\n`);
      return EXIT_FAILURE;
    }
    throw err;
  }
  progress.stop();
  env.redactor.add(knownSecretValues(result.checked.loaded));
  if (result.checked.loaded.missing)
    throw new UsageError(`topology file ${fileArg} does not exist`);
  reportDiagnostics(env, result, flags.strict ?? false);
  if (flags.format === 'json') env.out(resultJson(result));
  switch (result.outcome) {
    case 'invalid':
      env.err(`avnet: ${fileArg} is not valid; nothing was changed\n`);
      return EXIT_FAILURE;
    case 'refused':
      if (!result.plan && result.message?.startsWith('unknown --target'))
        throw new UsageError(result.message);
      env.err(`avnet: refusing to apply: ${result.message}\n`);
      return EXIT_FAILURE;
    case 'cancelled':
      env.err('Apply cancelled; nothing was changed.\n');
      return EXIT_OK;
    default:
      break;
  }
  const plan = result.plan!;
  if (flags.format === 'text') {
    if (flags.yes || plan.changes.length === 0)
      env.out(formatPlanText(plan, env.colors, (s) => describeWhere(env, result, s)));
    if (result.apply) env.out('\n' + formatApplyReport(result.apply, env));
    if (result.verify && (result.verify.changes.length > 0 || result.verify.errors.length > 0)) {
      env.out(
        env.colors.yellow(
          `Not yet converged: ${result.verify.changes.length} change(s) remain; run apply again.\n`,
        ),
      );
    }
  }
  const code = result.outcome === 'failed' ? EXIT_FAILURE : EXIT_OK;
  if (flags.wait === undefined) {
    await result.backend?.close?.();
    return code;
  }
  return waitAfterApply(
    env,
    result,
    flags.wait === true ? DEFAULT_WAIT_SECONDS : flags.wait,
    code,
    {
      json: flags.format === 'json',
      targets: flags.target,
      concurrency: flags.concurrency,
    },
  );
}
