/**
 * One reconcile: load → validate → render → read actual state → plan → (confirm → lock → apply →
 * verify). `avnet plan`, `avnet apply`, `avnet watch`, `avnet serve` and the library API all call
 * this; the result is a closed union on `outcome` (see outcome.ts).
 */
import type { Context, Plan, ServerState } from '../model/index.js';
import { failsValidation } from '../model/index.js';
import type { Backend, ServerEndpoint } from '../backends/index.js';
import { readActualState } from '../actual/index.js';
import { computePlan, countManagedEntries, deletesEverything, planServer } from '../plan/index.js';
import { renderDesiredState } from '../render/index.js';
import type { ApplyProgress } from '../apply/index.js';
import { checkTopology, type CheckOptions, type CheckedTopology } from './check-topology.js';
import { withBackend, type BackendSource } from './backend-source.js';
import { confirmApplyVerify } from './apply-and-verify.js';
import type { Reading, ReconcileResult } from './outcome.js';

/** What a reconcile should do. */
export interface ReconcileOptions extends CheckOptions {
  readonly file: string;
  readonly mode: 'plan' | 'apply';
  /** The backend: opened (and closed) by the engine, or kept open by the caller. */
  readonly backend: BackendSource;
  readonly targets?: readonly string[];
  /** Allow a plan that deletes every managed entry. */
  readonly allowEmpty?: boolean;
  /** Warnings fail validation. */
  readonly strict?: boolean;
  readonly concurrency?: number;
  /** Asked before applying a non-empty plan; false cancels. */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  readonly onProgress?: (p: ApplyProgress) => void;
  /** Operation name recorded in the lock (apply, watch, serve). */
  readonly operation?: string;
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
  const base = { checked, diagnostics: checked.validation.diagnostics };
  if (checked.loaded.missing || failsValidation(base.diagnostics, opts.strict ?? false)) {
    return { ...base, outcome: 'invalid' };
  }
  const { topology } = checked.loaded;
  const targets = opts.targets ?? [];
  const unknownTargets = targets.filter((t) => !topology.servers.has(t));
  if (unknownTargets.length > 0) {
    return {
      ...base,
      outcome: 'refused',
      refusal: { reason: 'unknown-target', targets: unknownTargets },
      reading: null,
    };
  }
  const desired = renderDesiredState({
    topology,
    files: checked.loaded.files,
    secrets: checked.loaded.secrets ?? new Map(),
  });
  const endpoints = endpointsOf(checked);
  return withBackend(opts.backend, endpoints, async (backend): Promise<ReconcileResult> => {
    const versions = new Map(endpoints.map((e) => [e.name, e.version]));
    const read = await readActualState(
      backend,
      {
        servers: targets.length > 0 ? targets : [...topology.servers.keys()],
        versions,
        onlyThese: targets.length > 0,
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
    const reading: Reading = {
      desired,
      actual: read.servers,
      unread: plan.errors,
      plan,
      backend: describeBackend(backend),
    };
    if (!opts.allowEmpty && deletesEverything(plan, countManagedEntries(read.servers, targets))) {
      return {
        ...base,
        outcome: 'refused',
        refusal: { reason: 'deletes-everything', destroy: plan.summary.destroy },
        reading,
      };
    }
    if (opts.mode === 'plan' || plan.changes.length === 0) {
      const outcome =
        reading.unread.length > 0 ? 'incomplete' : plan.changes.length > 0 ? 'planned' : 'in-sync';
      return { ...base, outcome, reading };
    }
    const step = await confirmApplyVerify(
      reading,
      backend,
      {
        operation: opts.operation ?? 'apply',
        concurrency: opts.concurrency,
        confirm: opts.confirm,
        onProgress: opts.onProgress,
        replan: async (server) => {
          const fresh =
            (await backend.readServer(server, ctx)) ?? (read.servers.get(server) as ServerState);
          return {
            revision: fresh.revision,
            changes: planServer(server, desired.get(server), fresh).changes,
          };
        },
      },
      ctx,
    );
    return { ...base, ...step, reading };
  });
}

/** The pure description of a backend a result keeps (its names and folder), without its I/O. */
export function describeBackend(backend: Backend): Reading['backend'] {
  const folder = backend.stateFolder?.();
  return {
    type: backend.type,
    describeServer: (name) => backend.describeServer(name),
    ...(folder !== undefined ? { stateFolder: () => folder } : {}),
  };
}
