/** `avnet apply [FILE | PLANFILE]`: make the actual state match, safely; or apply a saved plan exactly. */
import path from 'node:path';
import type { Command } from 'commander';
import type { Plan } from '../../model/index.js';
import {
  applySavedPlan,
  failedServers,
  keepBackend,
  knownSecretValues,
  ranApply,
  readingOf,
  reconcileOnce,
  type ReconcileResult,
} from '../../engine/index.js';
import {
  looksLikeSavedPlan,
  MAX_SAVED_PLAN_BYTES,
  parseSavedPlan,
  planToJson,
} from '../../plan/index.js';
import { readRegularFile } from '../../util/read-regular-file.js';
import {
  describeRefusal,
  describeStaleLock,
  describeUnread,
  formatPlanText,
  planSummaryLine,
} from '../../output/index.js';
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
import { formatApplyReport, renderPlan, reportDiagnostics } from '../reports.js';
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
  const reading = readingOf(result);
  const applied = ranApply(result) ? result : undefined;
  return (
    JSON.stringify(
      {
        outcome: result.outcome,
        ...(result.outcome === 'refused'
          ? { reason: result.refusal.reason, message: describeRefusal(result.refusal) }
          : {}),
        plan: reading ? planToJson(reading.plan) : null,
        servers: applied?.apply.servers ?? [],
        unread: reading?.unread ?? [],
        writes: applied?.apply.writes ?? 0,
        failed: applied ? failedServers(applied) : (reading?.unread.length ?? 0),
        verify: applied ? applied.verify.status : null,
        converged: applied ? applied.verify.status === 'converged' : null,
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
  // Never a plain read: a FIFO or a device named here would hang the command or fill memory.
  const read = await readRegularFile(path.resolve(env.io.cwd, file), {
    limit: MAX_SAVED_PLAN_BYTES,
  });
  // Anything but a readable regular file goes to the load stage, which reports it precisely.
  const text = read.ok ? read.bytes.toString('utf8') : undefined;
  const saved = text !== undefined && looksLikeSavedPlan(text) ? parseSavedPlan(text) : undefined;
  if (saved && !saved.ok) throw new UsageError(`${fileArg}: ${saved.reason}`);
  const topologyFile = saved ? saved.plan.json.saved.topologyPath : file;
  const open = backendFactory(
    saved
      ? {
          ...flags,
          backend: saved.plan.json.backend.type,
          state: flags.state ?? saved.plan.json.backend.state,
        }
      : flags,
    topologyFile,
    env.io.cwd,
    env.io.env,
  );
  // `--wait` polls the same backend after the apply, so the command keeps it open and closes it.
  const keeper = flags.wait !== undefined ? keepBackend(open) : undefined;
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
    backend: keeper ?? open,
  };
  try {
    let result: ReconcileResult;
    try {
      result = saved
        ? await applySavedPlan({ ...common, saved: saved.plan }, env.context)
        : await reconcileOnce(
            {
              ...reconcileOptionsFrom(flags, file, env.io.cwd, env.io.env),
              ...common,
              mode: 'apply',
            },
            env.context,
          );
    } finally {
      progress.stop();
    }
    const code = reportApply(env, result, flags, fileArg);
    if (flags.wait === undefined || !keeper?.current()) return code;
    if (!['applied', 'failed', 'in-sync'].includes(result.outcome)) return code;
    return await waitAfterApply(
      env,
      result,
      keeper.current()!,
      flags.wait === true ? DEFAULT_WAIT_SECONDS : flags.wait,
      code,
      { json: flags.format === 'json', targets: flags.target, concurrency: flags.concurrency },
    );
  } finally {
    await keeper?.close();
  }
}

/** Prints what the apply did, in words chosen from its outcome; returns the exit code. */
function reportApply(
  env: CommandEnv,
  result: ReconcileResult,
  flags: ApplyFlags,
  fileArg: string,
): number {
  env.redactor.add(knownSecretValues(result.checked.loaded));
  if (result.checked.loaded.missing)
    throw new UsageError(`topology file ${fileArg} does not exist`);
  reportDiagnostics(env, result, flags.strict ?? false);
  if (flags.format === 'json') env.out(resultJson(result));
  const text = flags.format === 'text';
  if (ranApply(result) && result.staleLockRemoved)
    env.err(`avnet: ${describeStaleLock(result.staleLockRemoved)}\n`);
  switch (result.outcome) {
    case 'invalid':
      env.err(`avnet: ${fileArg} is not valid; nothing was changed\n`);
      return EXIT_FAILURE;
    case 'refused':
      if (result.refusal.reason === 'unknown-target')
        throw new UsageError(describeRefusal(result.refusal));
      if (text && result.reading && result.refusal.reason === 'deletes-everything')
        env.out(renderPlan('text', { checked: result.checked, reading: result.reading }, env));
      env.err(`avnet: refusing to apply: ${describeRefusal(result.refusal)}\n`);
      if (result.reading && result.reading.unread.length > 0)
        env.err(describeUnread(result.reading.unread).join('\n') + '\n');
      return EXIT_FAILURE;
    case 'cancelled':
      env.err('Apply cancelled; nothing was changed.\n');
      return EXIT_OK;
    case 'in-sync':
      if (text) env.out(renderPlan('text', result, env));
      return EXIT_OK;
    case 'incomplete':
      if (text) env.out(renderPlan('text', result, env));
      env.err(
        `avnet: nothing was applied: the servers that were read need no changes, but ${result.reading.unread.length} could not be read\n` +
          describeUnread(result.reading.unread).join('\n') +
          '\n',
      );
      return EXIT_FAILURE;
    case 'applied':
    case 'failed':
      if (text) {
        if (flags.yes) env.out(renderPlan('text', result, env));
        env.out('\n' + formatApplyReport(result, env));
      }
      return result.outcome === 'applied' ? EXIT_OK : EXIT_FAILURE;
    case 'planned':
      throw new Error('apply ended without applying its plan');
  }
}
