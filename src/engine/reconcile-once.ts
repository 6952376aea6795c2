/**
 * One reconcile: load → validate → render → read actual state → plan → (apply → verify).
 * `avnet plan`, `avnet apply`, `avnet watch` and the library API all call this.
 */
import type { Context, DesiredServerState, Diagnostic, Plan, ServerState } from '../model/index.js';
import type { Backend, ServerEndpoint } from '../backends/index.js';
import { readActualState } from '../actual/index.js';
import { computePlan, countManagedEntries, deletesEverything, planServer } from '../plan/index.js';
import { renderDesiredState } from '../render/index.js';
import { applyPlan, type ApplyProgress, type ApplyReport } from '../apply/index.js';
import { checkTopology, type CheckOptions, type CheckedTopology } from './check-topology.js';

/** What a reconcile should do. */
export interface ReconcileOptions extends CheckOptions {
  readonly file: string;
  readonly mode: 'plan' | 'apply';
  /** Creates the backend once the topology is known (endpoints come from it). */
  readonly backend: (endpoints: readonly ServerEndpoint[]) => Promise<Backend>;
  readonly targets?: readonly string[];
  /** Allow a plan that deletes every managed entry. */
  readonly allowEmpty?: boolean;
  /** Warnings fail validation. */
  readonly strict?: boolean;
  readonly concurrency?: number;
  /** Asked before applying a non-empty plan; false cancels. */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  readonly onProgress?: (p: ApplyProgress) => void;
  /** Operation name recorded in the lock (apply, watch). */
  readonly operation?: string;
}

/** How a reconcile ended. */
export type ReconcileOutcome =
  | 'invalid' // validation failed: nothing read, nothing changed
  | 'refused' // the plan deletes everything without allowEmpty, or an unknown target
  | 'planned' // plan mode, or apply with nothing to do
  | 'cancelled' // the user declined
  | 'applied' // every server applied
  | 'failed'; // at least one server failed (others applied)

/** Everything a reconcile produced. */
export interface ReconcileResult {
  readonly outcome: ReconcileOutcome;
  readonly checked: CheckedTopology;
  readonly diagnostics: readonly Diagnostic[];
  readonly plan?: Plan;
  readonly desired?: ReadonlyMap<string, DesiredServerState>;
  readonly actual?: ReadonlyMap<string, ServerState>;
  readonly apply?: ApplyReport;
  /** After apply: the plan computed from a fresh read, which should be empty. */
  readonly verify?: Plan;
  readonly message?: string;
  readonly backend?: Backend;
}

/** True when validation results stop a reconcile. */
export function blocksReconcile(diagnostics: readonly Diagnostic[], strict: boolean): boolean {
  return diagnostics.some((d) => d.severity === 'error' || strict);
}

/** Endpoints of the topology's servers, for backends. */
export function endpointsOf(checked: CheckedTopology): ServerEndpoint[] {
  return [...checked.loaded.topology.servers.values()].map((s) => ({
    name: s.name,
    version: s.version,
    api: s.api,
  }));
}

/** Runs one reconcile; never throws for invalid input or a server failure (see `outcome`). */
export async function reconcileOnce(
  opts: ReconcileOptions,
  ctx: Context,
): Promise<ReconcileResult> {
  const checked = await checkTopology(opts.file, { ...opts, resolveSecrets: true }, ctx);
  const diagnostics = checked.validation.diagnostics;
  if (checked.loaded.missing || blocksReconcile(diagnostics, opts.strict ?? false)) {
    return { outcome: 'invalid', checked, diagnostics };
  }
  const { topology } = checked.loaded;
  const unknownTargets = (opts.targets ?? []).filter((t) => !topology.servers.has(t));
  if (unknownTargets.length > 0) {
    return {
      outcome: 'refused',
      checked,
      diagnostics,
      message: `unknown --target server(s): ${unknownTargets.join(', ')}`,
    };
  }
  const desired = renderDesiredState({
    topology,
    files: checked.loaded.files,
    secrets: checked.loaded.secrets ?? new Map(),
  });
  const endpoints = endpointsOf(checked);
  const backend = await opts.backend(endpoints);
  const versions = new Map(endpoints.map((e) => [e.name, e.version]));
  const read = await readActualState(
    backend,
    {
      servers:
        opts.targets && opts.targets.length > 0 ? opts.targets : [...topology.servers.keys()],
      versions,
      onlyThese: (opts.targets?.length ?? 0) > 0,
      concurrency: opts.concurrency,
    },
    ctx,
  );
  const plan = computePlan({
    topology: { file: checked.loaded.source.displayPath, sha256: checked.loaded.source.sha256 },
    backend: { type: backend.type },
    desired,
    actual: read.servers,
    readErrors: read.errors,
    targets: opts.targets,
  });
  const base = { checked, diagnostics, plan, desired, actual: read.servers, backend };
  if (
    !opts.allowEmpty &&
    deletesEverything(plan, countManagedEntries(read.servers, opts.targets))
  ) {
    return {
      ...base,
      outcome: 'refused',
      message: `the plan would delete every entry avnet manages (${plan.summary.destroy}); the topology looks empty or truncated. Pass --allow-empty if this is intended.`,
    };
  }
  if (opts.mode === 'plan' || plan.changes.length === 0) {
    return { ...base, outcome: plan.errors.length > 0 ? 'failed' : 'planned' };
  }
  if (opts.confirm && !(await opts.confirm(plan))) return { ...base, outcome: 'cancelled' };
  const lock = await backend.acquireLock(opts.operation ?? 'apply', ctx);
  let report: ApplyReport;
  try {
    report = await applyPlan(plan, backend, ctx, {
      concurrency: opts.concurrency,
      onProgress: opts.onProgress,
      replan: async (server) => {
        const fresh =
          (await backend.readServer(server, ctx)) ?? (read.servers.get(server) as ServerState);
        return {
          revision: fresh.revision,
          changes: planServer(server, desired.get(server), fresh).changes,
        };
      },
    });
  } finally {
    await lock.release();
  }
  // After Ctrl-C there is nothing trustworthy to verify: the reads would be aborted too.
  const verify = ctx.signal.aborted
    ? undefined
    : await verifyAgainst(backend, desired, plan, ctx, versions, opts);
  const failed = report.failed > 0 || plan.errors.length > 0;
  return { ...base, outcome: failed ? 'failed' : 'applied', apply: report, verify };
}

/** The verify stage: re-reads the servers the plan touched and plans again (empty when converged). */
export async function verifyAgainst(
  backend: Backend,
  desired: ReadonlyMap<string, DesiredServerState>,
  plan: Plan,
  ctx: Context,
  versions: ReadonlyMap<string, number>,
  opts: { concurrency?: number },
): Promise<Plan> {
  const touched = [...new Set(plan.changes.map((c) => c.server))];
  const read = await readActualState(
    backend,
    { servers: touched, versions, onlyThese: true, concurrency: opts.concurrency },
    ctx,
  );
  return computePlan({
    topology: plan.topology,
    backend: plan.backend,
    desired,
    actual: read.servers,
    readErrors: read.errors,
  });
}
