/** A plan: what apply would change on each server. Pure data, printable and saveable. */
import type { NeighborEntry, NeighborType } from './neighbor.js';

/** What one change does. */
export type ChangeAction = PlanChange['action'];

/** One changed field of an entry; secrets carry only `sensitive` and `changed`. */
export interface FieldChange {
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly sensitive?: true;
  readonly changed?: true;
}

/** An entry to create or update on one server. */
export interface EntryWrite {
  readonly server: string;
  readonly action: 'create' | 'update';
  readonly neighbor: string;
  readonly type: NeighborType;
  /** The fields that differ (all of them for a create); secrets only as changed. */
  readonly fields: readonly FieldChange[];
  readonly reason: string;
  /** The entry to write (holds the password; never serialised). */
  readonly entry: NeighborEntry;
}

/** An entry to delete on one server. */
export interface EntryDelete {
  readonly server: string;
  readonly action: 'delete';
  readonly neighbor: string;
  readonly type: NeighborType;
  readonly reason: string;
}

/** A change of the server itself: switch the protocol module on, or restart. */
export interface ServerStep {
  readonly server: string;
  readonly action: 'enable-protocol' | 'restart';
  readonly reason: string;
}

/** One change on one server: a union on `action`, each with exactly the fields it has. */
export type PlanChange = EntryWrite | EntryDelete | ServerStep;

/** Changes that concern a neighbor entry (create, update, delete). */
export type EntryChange = EntryWrite | EntryDelete;

/** True when the change concerns a neighbor entry rather than the server itself. */
export function isEntryChange(c: PlanChange): c is EntryChange {
  return c.action === 'create' || c.action === 'update' || c.action === 'delete';
}

/** The neighbor an entry change concerns; undefined for a change of the server itself. */
export function changedNeighbor(c: PlanChange): string | undefined {
  return isEntryChange(c) ? c.neighbor : undefined;
}

/** The names of the fields a change writes (none for deletes and server steps). */
export function changedFieldNames(c: PlanChange): string[] {
  return c.action === 'create' || c.action === 'update' ? c.fields.map((f) => f.field) : [];
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
