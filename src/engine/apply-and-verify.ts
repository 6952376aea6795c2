/**
 * The one way a plan reaches the servers: confirm → lock → apply → verify. `reconcileOnce` and
 * `applySavedPlan` both end here, so they take the same lock, count failures the same way and
 * verify the same way; they differ only in what a revision conflict does (re-plan, or fail the
 * server because a saved plan must be applied exactly as reviewed).
 */
import type {
  Context,
  Plan,
  PlanChange,
  Refusal,
  ServerState,
  Verification,
} from '../model/index.js';
import { summarizeChanges } from '../model/index.js';
import { LockedError, type Backend, type BackendLock } from '../backends/index.js';
import { readActualState } from '../actual/index.js';
import { computePlan } from '../plan/index.js';
import { applyPlan, type ApplyProgress } from '../apply/index.js';
import type { ApplyRun, Reading } from './outcome.js';

/** How to apply a reading's plan. */
export interface ApplyStepOptions {
  /** Operation name recorded in the lock (apply, watch, serve). */
  readonly operation: string;
  readonly concurrency?: number;
  /** Asked before applying; false cancels. */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  readonly onProgress?: (p: ApplyProgress) => void;
  /**
   * Re-plans one server after a revision conflict (fresh read + plan). Absent for saved plans,
   * which must be applied exactly as made: a conflict then fails that server as stale.
   */
  readonly replan?: (server: string) => Promise<{ revision: number; changes: PlanChange[] }>;
}

/** How the apply step ended. */
export type ApplyStep =
  | { readonly outcome: 'cancelled' }
  | { readonly outcome: 'refused'; readonly refusal: Extract<Refusal, { reason: 'locked' }> }
  | (ApplyRun & {
      readonly outcome: 'applied';
      readonly verify: Extract<Verification, { status: 'converged' }>;
    })
  | (ApplyRun & { readonly outcome: 'failed'; readonly verify: Verification });

async function takeLock(
  backend: Backend,
  operation: string,
  ctx: Context,
): Promise<BackendLock | LockedError | null> {
  if (!backend.acquireLock) return null;
  try {
    return await backend.acquireLock(operation, ctx);
  } catch (err) {
    if (err instanceof LockedError) return err;
    throw err;
  }
}

/** Confirms, locks, applies the reading's plan and reads the touched servers back. */
export async function confirmApplyVerify(
  reading: Reading,
  backend: Backend,
  opts: ApplyStepOptions,
  ctx: Context,
): Promise<ApplyStep> {
  const { plan } = reading;
  if (opts.confirm && !(await opts.confirm(plan))) return { outcome: 'cancelled' };
  const lock = await takeLock(backend, opts.operation, ctx);
  if (lock instanceof LockedError) {
    return {
      outcome: 'refused',
      refusal: { reason: 'locked', holder: lock.holder, hint: lock.hint },
    };
  }
  if (lock?.replaced) {
    ctx.logger.warn({ lock: lock.replaced }, 'removed a stale lock of a process that is gone');
  }
  let apply;
  try {
    apply = await applyPlan(plan, backend, ctx, {
      concurrency: opts.concurrency,
      onProgress: opts.onProgress,
      replan: opts.replan,
    });
  } finally {
    await lock?.release();
  }
  const { verify, reread } = await verifyPlan(backend, reading, plan, ctx, opts.concurrency);
  const after: Reading =
    verify.status === 'skipped'
      ? reading
      : {
          ...reading,
          actual: new Map([...reading.actual, ...reread]),
          plan:
            verify.status === 'converged'
              ? { ...plan, changes: [], summary: summarizeChanges([]) }
              : { ...verify.plan, errors: [...reading.unread, ...verify.plan.errors] },
        };
  const run: ApplyRun = { apply, after, staleLockRemoved: lock?.replaced ?? null };
  if (apply.failed === 0 && reading.unread.length === 0 && verify.status === 'converged') {
    return { outcome: 'applied', ...run, verify };
  }
  return { outcome: 'failed', ...run, verify };
}

/** The verify stage: re-reads the servers the plan touched and plans again. */
export async function verifyPlan(
  backend: Backend,
  reading: Pick<Reading, 'desired'>,
  plan: Plan,
  ctx: Context,
  concurrency?: number,
): Promise<{ verify: Verification; reread: ReadonlyMap<string, ServerState> }> {
  // After Ctrl-C there is nothing trustworthy to verify: the reads would be aborted too.
  if (ctx.signal.aborted) return { verify: { status: 'skipped' }, reread: new Map() };
  const touched = [...new Set(plan.changes.map((c) => c.server))];
  const read = await readActualState(
    backend,
    {
      servers: touched,
      versions: new Map([...reading.desired].map(([name, d]) => [name, d.version])),
      onlyThese: true,
      concurrency,
    },
    ctx,
  );
  const again = computePlan({
    topology: plan.topology,
    backend: plan.backend,
    desired: reading.desired,
    actual: read.servers,
    readErrors: read.errors,
  });
  const reread = read.servers;
  if (read.errors.length > 0)
    return { verify: { status: 'unverified', unread: read.errors, plan: again }, reread };
  if (again.changes.length > 0) return { verify: { status: 'pending', plan: again }, reread };
  return { verify: { status: 'converged' }, reread };
}
