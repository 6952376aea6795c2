/**
 * Applying a saved plan exactly: the topology must be unchanged (sha256), every server must still
 * be at the revision the plan read, and planning again must give the very same changes (which
 * catches a changed secret or certificate). Passwords are re-read from their references, since the
 * saved plan holds none. The apply itself is the same step as `reconcileOnce`'s.
 */
import type { Context, Plan, StalePlanCause } from '../model/index.js';
import { failsValidation } from '../model/index.js';
import { readActualState } from '../actual/index.js';
import { computePlan, samePlannedChanges, type SavedPlan } from '../plan/index.js';
import { renderDesiredState } from '../render/index.js';
import type { ApplyProgress } from '../apply/index.js';
import { checkTopology, type CheckOptions } from './check-topology.js';
import { withBackend, type BackendSource } from './backend-source.js';
import { confirmApplyVerify } from './apply-and-verify.js';
import { describeBackend, endpointsOf } from './reconcile-once.js';
import type { Reading, ReconcileResult } from './outcome.js';

/** Options for applying a saved plan. */
export interface SavedPlanOptions extends CheckOptions {
  readonly saved: SavedPlan;
  readonly backend: BackendSource;
  readonly concurrency?: number;
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  readonly onProgress?: (p: ApplyProgress) => void;
  /** Operation name recorded in the lock (default apply). */
  readonly operation?: string;
}

/** Applies a saved plan, refusing it as stale when anything it was made from has changed. */
export async function applySavedPlan(
  opts: SavedPlanOptions,
  ctx: Context,
): Promise<ReconcileResult> {
  const { saved } = opts;
  const file = saved.json.saved.topologyPath;
  const checked = await checkTopology(file, { ...opts, resolveSecrets: true }, ctx);
  const base = { checked, diagnostics: checked.validation.diagnostics };
  const stale = (cause: StalePlanCause, subjects: readonly string[], reading: Reading | null) =>
    ({
      ...base,
      outcome: 'refused',
      refusal: { reason: 'stale-plan', cause, subjects },
      reading,
    }) as const;
  if (checked.loaded.missing) return stale('topology-missing', [file], null);
  if (failsValidation(base.diagnostics, false)) return { ...base, outcome: 'invalid' };
  if (checked.loaded.source.sha256 !== saved.json.topology.sha256) {
    return stale('topology-changed', [file], null);
  }
  const endpoints = endpointsOf(checked);
  return withBackend(opts.backend, endpoints, async (backend): Promise<ReconcileResult> => {
    const versions = new Map(endpoints.map((e) => [e.name, e.version]));
    const servers = Object.keys(saved.json.revisions);
    const read = await readActualState(
      backend,
      { servers, versions, onlyThese: true, concurrency: opts.concurrency },
      ctx,
    );
    const { topology } = checked.loaded;
    const desired = renderDesiredState({
      topology,
      files: checked.loaded.files,
      secrets: checked.loaded.secrets ?? new Map(),
    });
    // A removed server appears in the saved revisions; list it so its managed entries are planned too.
    const plan = computePlan({
      topology: { file: saved.json.topology.file, sha256: checked.loaded.source.sha256 },
      backend: { type: backend.type },
      desired,
      actual: read.servers,
      readErrors: read.errors,
      targets: saved.json.targets ?? servers,
    });
    const exact: Plan = saved.json.targets ? plan : { ...plan, targets: undefined };
    const reading: Reading = {
      desired,
      actual: read.servers,
      unread: exact.errors,
      plan: exact,
      backend: describeBackend(backend),
    };
    if (read.errors.length > 0) {
      return stale(
        'servers-unreadable',
        read.errors.map((e) => e.server),
        reading,
      );
    }
    const moved = servers.filter((s) => read.servers.get(s)?.revision !== saved.json.revisions[s]);
    if (moved.length > 0) return stale('servers-moved', moved, reading);
    if (!samePlannedChanges(saved, exact)) return stale('changes-differ', [], reading);
    if (exact.changes.length === 0) return { ...base, outcome: 'in-sync', reading };
    const step = await confirmApplyVerify(
      reading,
      backend,
      {
        operation: opts.operation ?? 'apply',
        concurrency: opts.concurrency,
        confirm: opts.confirm,
        onProgress: opts.onProgress,
      },
      ctx,
    );
    return { ...base, ...step, reading };
  });
}
