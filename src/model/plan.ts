/** A plan: what apply would change on each server. Pure data, printable and saveable. */
import type { NeighborEntry, NeighborType } from './neighbor.js';

/** What one change does. */
export type ChangeAction = 'create' | 'update' | 'delete' | 'enable-protocol' | 'restart';

/** One changed field of an entry; secrets carry only `sensitive` and `changed`. */
export interface FieldChange {
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly sensitive?: true;
  readonly changed?: true;
}

/** One change on one server. */
export interface PlanChange {
  readonly server: string;
  readonly action: ChangeAction;
  readonly neighbor?: string;
  readonly type?: NeighborType;
  readonly fields?: readonly FieldChange[];
  readonly reason: string;
  /** The entry to write for create/update (holds the password; never serialised). */
  readonly entry?: NeighborEntry;
}

/** An entry on a server that avnet does not manage and leaves alone. */
export interface UnmanagedEntry {
  readonly server: string;
  readonly neighbor: string;
}

/** A server whose actual state could not be read; nothing is planned for it. */
export interface ServerError {
  readonly server: string;
  readonly message: string;
}

/** Counts printed as `Plan: N to add, N to change, N to destroy.` */
export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly restart: number;
}

/** The whole plan. */
export interface Plan {
  readonly topology: { readonly file: string; readonly sha256: string };
  readonly backend: { readonly type: string };
  readonly changes: readonly PlanChange[];
  readonly unmanaged: readonly UnmanagedEntry[];
  readonly summary: PlanSummary;
  /** Revision of every server the plan read, to refuse a stale saved plan. */
  readonly revisions: Readonly<Record<string, number>>;
  /** Servers whose state could not be read. */
  readonly errors: readonly ServerError[];
  /** Targets the plan was limited to, if any. */
  readonly targets?: readonly string[];
}

/** Counts a plan's changes the way the summary line reports them. */
export function summarizeChanges(changes: readonly PlanChange[]): PlanSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let restart = 0;
  for (const c of changes) {
    if (c.action === 'create') add++;
    else if (c.action === 'update' || c.action === 'enable-protocol') change++;
    else if (c.action === 'delete') destroy++;
    else restart++;
  }
  return { add, change, destroy, restart };
}

/**
 * Default size cap of markdown meant for a pull-request comment (plan and diff), safely below
 * GitHub's limit of 65,536 characters per comment.
 */
export const PR_COMMENT_MAX_CHARS = 65_000;

/** Servers (and, over HTTP, requests) handled at once unless `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 8;

/** The apply phases, in order: protocol switches and restarts, then entries, then deletions. */
export type ApplyPhase = 'protocol' | 'entries' | 'deletions';

/** The apply phase a change belongs to (apply and the runbook both order changes by it). */
export function applyPhaseOf(c: Pick<PlanChange, 'action'>): ApplyPhase {
  return c.action === 'enable-protocol' || c.action === 'restart'
    ? 'protocol'
    : c.action === 'delete'
      ? 'deletions'
      : 'entries';
}

/** True when the plan changes nothing. */
export function isEmptyPlan(plan: Pick<Plan, 'changes'>): boolean {
  return plan.changes.length === 0;
}
