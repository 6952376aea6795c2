/**
 * Applying a saved plan exactly: the topology must be unchanged (sha256), every server must still
 * be at the revision the plan read, and planning again must give the very same changes (which
 * catches a changed secret or certificate). Passwords are re-read from their references, since the
 * saved plan holds none.
 */
import type { Context, Plan } from '../model/index.js';
import type { Backend, ServerEndpoint } from '../backends/index.js';
import { readActualState } from '../actual/index.js';
import { computePlan, samePlannedChanges, type SavedPlan } from '../plan/index.js';
import { renderDesiredState } from '../render/index.js';
import { applyPlan, type ApplyProgress } from '../apply/index.js';
import { checkTopology, type CheckOptions } from './check-topology.js';
import {
  blocksReconcile,
  endpointsOf,
  verifyAgainst,
  type ReconcileResult,
} from './reconcile-once.js';

/** Options for applying a saved plan. */
export interface SavedPlanOptions extends CheckOptions {
  readonly saved: SavedPlan;
  readonly backend: (endpoints: readonly ServerEndpoint[]) => Promise<Backend>;
  readonly concurrency?: number;
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  readonly onProgress?: (p: ApplyProgress) => void;
}

/** Applies a saved plan, refusing it as stale when anything it was made from has changed. */
export async function applySavedPlan(
  opts: SavedPlanOptions,
  ctx: Context,
): Promise<ReconcileResult> {
  const { saved } = opts;
  const file = saved.json.saved.topologyPath;
  const checked = await checkTopology(file, { ...opts, resolveSecrets: true }, ctx);
  const diagnostics = checked.validation.diagnostics;
  if (checked.loaded.missing) {
    return {
      outcome: 'refused',
      checked,
      diagnostics,
      message: `stale plan: the topology ${file} no longer exists`,
    };
  }
  if (blocksReconcile(diagnostics, false)) return { outcome: 'invalid', checked, diagnostics };
  if (checked.loaded.source.sha256 !== saved.json.topology.sha256) {
    return {
      outcome: 'refused',
      checked,
      diagnostics,
      message: `stale plan: ${file} changed since the plan was made; run plan again`,
    };
  }
  const endpoints = endpointsOf(checked);
  const backend = await opts.backend(endpoints);
  const versions = new Map(endpoints.map((e) => [e.name, e.version]));
  const servers = Object.keys(saved.json.revisions);
  const read = await readActualState(
    backend,
    { servers, versions, onlyThese: true, concurrency: opts.concurrency },
    ctx,
  );
  const moved = servers.filter((s) => read.servers.get(s)?.revision !== saved.json.revisions[s]);
  if (read.errors.length > 0 || moved.length > 0) {
    const why =
      read.errors.length > 0
        ? read.errors.map((e) => `${e.server}: ${e.message}`).join('; ')
        : `changed since the plan was made: ${moved.join(', ')}`;
    return {
      outcome: 'refused',
      checked,
      diagnostics,
      backend,
      message: `stale plan: ${why}; run plan again`,
    };
  }
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
    targets: saved.json.targets ?? servers,
  });
  const exact: Plan = saved.json.targets ? plan : { ...plan, targets: undefined };
  if (!samePlannedChanges(saved, exact)) {
    return {
      outcome: 'refused',
      checked,
      diagnostics,
      backend,
      plan: exact,
      message:
        'stale plan: planning again gives different changes (a secret or a referenced file changed); run plan again',
    };
  }
  const base = { checked, diagnostics, plan: exact, desired, actual: read.servers, backend };
  if (exact.changes.length === 0) return { ...base, outcome: 'planned' };
  if (opts.confirm && !(await opts.confirm(exact))) return { ...base, outcome: 'cancelled' };
  const lock = await backend.acquireLock('apply', ctx);
  let report;
  try {
    report = await applyPlan(exact, backend, ctx, {
      concurrency: opts.concurrency,
      onProgress: opts.onProgress,
    });
  } finally {
    await lock.release();
  }
  const verify = ctx.signal.aborted
    ? undefined
    : await verifyAgainst(backend, desired, exact, ctx, versions, opts);
  return { ...base, outcome: report.failed > 0 ? 'failed' : 'applied', apply: report, verify };
}
