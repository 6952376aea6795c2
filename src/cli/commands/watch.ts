/**
 * `avnet watch [FILE]`: re-validate and re-plan (with `--apply`, apply) whenever the topology or a
 * file it references changes, and on an interval to catch drift. Runs until SIGINT/SIGTERM.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Logger } from '../../model/index.js';
import {
  failedServers,
  keepBackend,
  knownSecretValues,
  ranApply,
  readingOf,
} from '../../engine/index.js';
import { describeRefusal, describeStaleLock, describeUnread } from '../../output/index.js';
import { planToJson } from '../../plan/index.js';
import {
  DEFAULT_DEBOUNCE_MS,
  DEFAULT_INTERVAL_MS,
  reconcileWith,
  watchTopology,
  type WatchCycle,
} from '../../watch/index.js';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { addBackendFlags, reconcileOptionsFrom, type BackendFlags } from '../backend-flags.js';
import { addReconcileFlags, choiceFlag, intervalFlag, type ReconcileFlags } from '../options.js';
import { resolveTopologyPath } from '../paths.js';
import { formatApplyReport, renderPlan, reportDiagnostics } from '../reports.js';

/** Output formats of watch: text, or one JSON object per cycle and line. */
export const WATCH_FORMATS = ['text', 'json'] as const;

interface WatchFlags extends BackendFlags, ReconcileFlags {
  apply?: boolean;
  interval: number;
  debounce: number;
  format: (typeof WATCH_FORMATS)[number];
}

/** Parses `--debounce`: milliseconds, 0 or more. */
export function debounceFlag(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError(`"${value}" is not a number of milliseconds`);
  return n;
}

/** Registers the watch command. */
export function registerWatch(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  const cmd = addBackendFlags(
    program
      .command('watch')
      .description(
        're-validate and re-plan (with --apply, apply) whenever the topology or a referenced file changes, and on an interval to catch drift',
      )
      .argument('[file]', 'topology file', 'topology.yaml')
      .option(
        '--apply',
        'apply every valid change and heal drift, without asking (passing it is the consent)',
      )
      .addOption(
        new Option(
          '--interval <duration>',
          're-read the actual state this often to catch drift (e.g. 30s, 5m; 0 or off: never)',
        )
          .argParser(intervalFlag)
          .default(DEFAULT_INTERVAL_MS, `${DEFAULT_INTERVAL_MS / 60_000}m`),
      )
      .addOption(
        new Option('--debounce <ms>', 'wait this long after the last file event before running')
          .argParser(debounceFlag)
          .default(DEFAULT_DEBOUNCE_MS),
      )
      .option(
        '--format <format>',
        'output per cycle: text, or json (one object per line)',
        choiceFlag(WATCH_FORMATS),
        'text',
      ),
  );
  addReconcileFlags(cmd, 'each cycle').action(
    async (file: string, flags: WatchFlags, self: Command) => {
      const explicitLevel = (self.optsWithGlobals() as { logLevel?: string }).logLevel;
      await run((env) => watchCommand(env, file, flags, explicitLevel));
    },
  );
}

/** Watch's own logger: its one line per cycle is at info, which other commands hide by default. */
function cycleLogger(env: CommandEnv, explicitLevel: string | undefined): Logger {
  const logger = env.logger.child({ command: 'watch' });
  if (explicitLevel === undefined && env.io.env.AVNET_LOG_LEVEL === undefined) {
    // The env logger is pino; a pino child may log at a lower level than its parent.
    (logger as unknown as { level: string }).level = 'info';
  }
  return logger;
}

function clockTime(d: Date): string {
  return d.toTimeString().slice(0, 8);
}

function describeTrigger(cycle: WatchCycle): string {
  return cycle.files.length > 0 ? `${cycle.trigger}: ${cycle.files.join(', ')}` : cycle.trigger;
}

function cycleJson(cycle: WatchCycle): string {
  const r = cycle.result;
  const reading = r ? readingOf(r) : null;
  const applied = r && ranApply(r) ? r : undefined;
  return (
    JSON.stringify({
      cycle: cycle.number,
      trigger: cycle.trigger,
      files: cycle.files,
      startedAt: cycle.startedAt.toISOString(),
      durationMs: cycle.durationMs,
      outcome: cycle.outcome,
      changes: cycle.changes,
      applied: cycle.applied,
      nextRunAt: cycle.nextRunAt?.toISOString() ?? null,
      ...(r
        ? { errors: r.checked.validation.errors, warnings: r.checked.validation.warnings }
        : {}),
      ...(r?.outcome === 'refused'
        ? { reason: r.refusal.reason, message: describeRefusal(r.refusal) }
        : {}),
      ...(cycle.error ? { message: cycle.error.message } : {}),
      plan: reading ? planToJson(reading.plan) : null,
      unread: reading?.unread ?? [],
      apply: applied
        ? {
            servers: applied.apply.servers,
            writes: applied.apply.writes,
            failed: failedServers(applied),
          }
        : null,
      verify: applied ? applied.verify.status : null,
      converged: applied ? applied.verify.status === 'converged' : null,
    }) + '\n'
  );
}

/** One line for an interval cycle that found the servers as they should be. */
function heartbeat(cycle: WatchCycle, servers: number): string {
  const next = cycle.nextRunAt ? `; next check at ${clockTime(cycle.nextRunAt)}` : '';
  return `${clockTime(cycle.startedAt)} cycle ${cycle.number} (interval): in sync, ${servers} server${servers === 1 ? '' : 's'} read${next}\n`;
}

function reportCycle(env: CommandEnv, cycle: WatchCycle, flags: WatchFlags, fileArg: string): void {
  const r = cycle.result;
  if (r) env.redactor.add(knownSecretValues(r.checked.loaded));
  const json = flags.format === 'json';
  if (json) env.out(cycleJson(cycle));
  else if (cycle.trigger === 'interval' && r?.outcome === 'in-sync') {
    // A quiet drift check: one line, not a whole plan, so the terminal stays readable for hours.
    env.out(env.colors.dim(heartbeat(cycle, r.reading.actual.size)));
    return;
  } else
    env.out(
      env.colors.bold(
        `\n=== ${clockTime(cycle.startedAt)} cycle ${cycle.number} (${describeTrigger(cycle)}) ===\n`,
      ),
    );
  if (cycle.stillInvalid) {
    env.err(`avnet: ${fileArg} is still not valid; nothing was read or applied\n`);
    return;
  }
  if (cycle.error) {
    const retry = cycle.nextRunAt ? `; retrying at ${clockTime(cycle.nextRunAt)}` : '';
    env.err(`avnet: ${cycle.error.message}${retry}\n`);
    return;
  }
  if (!r) return;
  // A cycle's trigger is a change or the start, or drift: diagnostics are worth repeating then,
  // but not on every quiet interval tick.
  if (cycle.trigger !== 'interval' || r.outcome === 'invalid')
    reportDiagnostics(env, r, flags.strict ?? false);
  const retry = cycle.nextRunAt ? `; retrying at ${clockTime(cycle.nextRunAt)}` : '';
  if (ranApply(r) && r.staleLockRemoved)
    env.err(`avnet: ${describeStaleLock(r.staleLockRemoved)}\n`);
  switch (r.outcome) {
    case 'invalid':
      env.err(
        r.checked.loaded.missing
          ? `avnet: ${fileArg} does not exist (removed?); nothing was applied, watching for it to come back\n`
          : `avnet: ${fileArg} is not valid; nothing was ${flags.apply ? 'applied' : 'planned'}, the servers keep their last good state; watching for a fix\n`,
      );
      return;
    case 'refused':
      if (!json && r.reading)
        env.out(renderPlan('text', { checked: r.checked, reading: r.reading }, env));
      env.err(
        `avnet: refusing this ${flags.apply ? 'apply' : 'plan'}: ${describeRefusal(r.refusal)}${r.refusal.reason === 'locked' ? retry : ''}\n`,
      );
      return;
    case 'incomplete':
      if (!json) env.out(renderPlan('text', r, env));
      env.err(
        `avnet: ${r.reading.unread.length} server${r.reading.unread.length === 1 ? '' : 's'} could not be read${retry}\n` +
          describeUnread(r.reading.unread).join('\n') +
          '\n',
      );
      return;
    case 'cancelled':
      return;
    case 'in-sync':
    case 'planned':
      if (!json) env.out(renderPlan('text', r, env));
      return;
    case 'applied':
    case 'failed':
      if (json) return;
      env.out(renderPlan('text', r, env));
      env.out('\n' + formatApplyReport(r, env));
      if (r.outcome === 'failed' && retry) env.err(`avnet: the apply did not converge${retry}\n`);
      return;
  }
}

async function watchCommand(
  env: CommandEnv,
  fileArg: string,
  flags: WatchFlags,
  explicitLevel: string | undefined,
): Promise<number> {
  const file = resolveTopologyPath(fileArg, env.io.cwd);
  const absolute = path.resolve(env.io.cwd, file);
  const exists = await stat(absolute).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists) throw new UsageError(`topology file ${fileArg} does not exist`);
  const logger = cycleLogger(env, explicitLevel);
  const options = reconcileOptionsFrom(flags, file, env.io.cwd, env.io.env);
  // One backend for the whole watch (its connections are reused cycle after cycle), closed at the end.
  const backends = keepBackend(options.backend);
  const reconcile = reconcileWith({ ...options, backend: backends });
  const summary = await watchTopology(
    {
      file: absolute,
      apply: flags.apply ?? false,
      debounceMs: flags.debounce,
      intervalMs: flags.interval,
      // The stages keep the command's log level; only watch's per-cycle line uses `logger`.
      reconcile: (mode, ctx) => reconcile(mode, { ...ctx, logger: env.context.logger }),
      onCycle: (cycle) => reportCycle(env, cycle, flags, fileArg),
      onReady: (files) => {
        const every =
          flags.interval > 0 ? `every ${flags.interval / 1000}s` : 'never (--interval off)';
        env.err(
          `Watching ${files.length} file${files.length === 1 ? '' : 's'} (${fileArg} and the files it references); ` +
            `${flags.apply ? 'applying' : 'planning'} on change, drift check ${every}. Press Ctrl-C to stop.\n`,
        );
      },
    },
    { ...env.context, logger },
  ).finally(() => backends.close());
  env.err(
    `avnet watch stopped after ${summary.cycles} cycle${summary.cycles === 1 ? '' : 's'}${flags.apply ? ` (${summary.applied} applied)` : ''}.\n`,
  );
  return EXIT_OK;
}
