/**
 * What a write does to an emulated server's state, written from the contract (README "Backends",
 * docs/sim-and-http.md, schemas/drweb-api.openapi.yaml) and deliberately not shared with the dir
 * backend: the http-versus-sim tests compare two implementations, so a bug in one is caught by
 * the other instead of hiding on both sides.
 *
 * - `upsert` creates the entry of that name or replaces it whole, in place; `remove` deletes by
 *   name; entries named in neither are kept exactly as they are, in their order.
 * - Switching the protocol module (to a value other than the current one) leaves a restart
 *   pending; `restart` clears it (a change may do both: the module is switched, then restarted).
 * - Every write bumps the revision by exactly one, and applies only to the revision it was planned
 *   against.
 * - An entry has the shape of `server-state.schema.json#/$defs/neighborEntry` (fields not written
 *   by avnet may be absent); a server is never its own neighbor and holds one entry per name.
 */
import type { NeighborEntry, ProtocolState, ServerState } from '../model/index.js';

/** One write to an emulated server, as the management API receives it. */
export interface SimChange {
  /** The revision the write was planned against. */
  readonly expectedRevision: number;
  /** Switch the Dr.Web Server protocol module. */
  readonly protocol?: ProtocolState;
  /** Restart the server (clears a pending restart). */
  readonly restart?: boolean;
  /** Entries to create or replace, by name. */
  readonly upsert?: readonly NeighborEntry[];
  /** Names of entries to delete. */
  readonly remove?: readonly string[];
  /** Names that must not have an entry yet (`neighbors/add.ds`). */
  readonly mustBeAbsent?: readonly string[];
  /** Names that must have an entry (`neighbors/change.ds`, `neighbors/delete.ds`). */
  readonly mustExist?: readonly string[];
}

/** What a write came to: the new state, or why nothing was done. */
export type WriteOutcome =
  | { readonly kind: 'applied'; readonly state: ServerState }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'conflict'; readonly revision: number }
  | { readonly kind: 'exists'; readonly name: string }
  | { readonly kind: 'missing'; readonly name: string };

const ENTRY_TYPES: ReadonlySet<unknown> = new Set(['parent', 'child', 'peer']);
const TRI: ReadonlySet<unknown> = new Set(['yes', 'possible', 'no']);
const FLOW: ReadonlySet<unknown> = new Set(['send', 'receive', 'both', 'none']);
const CONNECTION: ReadonlySet<unknown> = new Set(['permanent', 'periodic']);
const STRING_LISTS = ['ownCertificates', 'neighborCertificates'] as const;
const NULLABLE_STRINGS = [
  'neighborPublicKey',
  'address',
  'consoleUrl',
  'reconnectPeriod',
  'managedBy',
] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringList(v: unknown): boolean {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** Names one field of an object that has a value outside `allowed`, or undefined. */
function badMember(
  v: unknown,
  fields: readonly string[],
  ok: (value: unknown) => boolean,
): string | undefined {
  if (!isObject(v)) return '';
  return fields.find((f) => v[f] !== undefined && !ok(v[f]));
}

/**
 * Why a value is not a neighbor entry (naming the field, never quoting a value: it may be a
 * password), or undefined when it is one.
 */
export function entryProblem(v: unknown, where: string): string | undefined {
  if (!isObject(v)) return `${where} must be an object`;
  if (typeof v.name !== 'string' || v.name.length === 0) {
    return `${where}.name must be a non-empty string`;
  }
  if (!ENTRY_TYPES.has(v.type)) return `${where}.type must be parent, child or peer`;
  if (v.password !== undefined && typeof v.password !== 'string') {
    return `${where}.password must be a string`;
  }
  for (const f of STRING_LISTS) {
    if (v[f] !== undefined && !isStringList(v[f])) return `${where}.${f} must be a list of strings`;
  }
  for (const f of NULLABLE_STRINGS) {
    if (v[f] !== undefined && v[f] !== null && typeof v[f] !== 'string') {
      return `${where}.${f} must be a string or null`;
    }
  }
  if (v.connection !== undefined && !CONNECTION.has(v.connection)) {
    return `${where}.connection must be permanent or periodic`;
  }
  for (const f of ['encryption', 'compression'] as const) {
    if (v[f] !== undefined && !TRI.has(v[f])) return `${where}.${f} must be yes, possible or no`;
  }
  if (v.notify !== undefined && typeof v.notify !== 'boolean') {
    return `${where}.notify must be a boolean`;
  }
  const checks: [string, readonly string[], (x: unknown) => boolean, string][] = [
    [
      'licenses',
      ['validity', 'renewBefore', 'syncPeriod'],
      (x) => typeof x === 'string',
      'a string',
    ],
    ['flows', ['updates', 'events', 'licenses'], (x) => FLOW.has(x), 'send, receive, both or none'],
    ['restrictions', ['updates', 'events'], isStringList, 'a list of strings'],
  ];
  for (const [field, members, ok, what] of checks) {
    if (v[field] === undefined) continue;
    const bad = badMember(v[field], members, ok);
    if (bad === '') return `${where}.${field} must be an object`;
    if (bad !== undefined) return `${where}.${field}.${bad} must be ${what}`;
  }
  return undefined;
}

/** Why a change cannot be applied to the server named `server` whatever its state, if it cannot. */
export function changeProblem(server: string, change: SimChange): string | undefined {
  const upsert = change.upsert ?? [];
  for (const [i, e] of upsert.entries()) {
    const p = entryProblem(e, `upsert[${i}]`);
    if (p) return p;
    if (e.name === server) return `upsert[${i}]: a server cannot be its own neighbor`;
  }
  const names = new Set(upsert.map((e) => e.name));
  if (names.size !== upsert.length) return 'upsert names one neighbor twice';
  for (const [i, n] of (change.remove ?? []).entries()) {
    if (typeof n !== 'string' || n.length === 0) {
      return `remove[${i}] must be a non-empty neighbor name`;
    }
    // Replace-and-delete in one atomic change has no single meaning: refuse it.
    if (names.has(n)) return `remove[${i}] names a neighbor that upsert also names`;
  }
  return undefined;
}

/**
 * Applies a change to a state, without preconditions: the new state with its revision bumped by
 * one. Callers check the change (changeProblem) and the revision first (applyWrite does both).
 */
export function nextState(state: ServerState, change: SimChange): ServerState {
  let protocol = state.protocol;
  let pendingRestart = state.pendingRestart;
  if (change.protocol !== undefined && change.protocol !== protocol) {
    protocol = change.protocol;
    pendingRestart = true; // the module switch takes effect at the next restart
  }
  if (change.restart === true) pendingRestart = false;
  const removed = new Set(change.remove ?? []);
  const replacements = new Map((change.upsert ?? []).map((e) => [e.name, e]));
  const neighbors: NeighborEntry[] = [];
  for (const e of state.neighbors) {
    if (removed.has(e.name)) continue;
    const replacement = replacements.get(e.name);
    neighbors.push(replacement ?? e);
    replacements.delete(e.name);
  }
  neighbors.push(...replacements.values()); // new entries go last, in the order given
  return { ...state, protocol, pendingRestart, revision: state.revision + 1, neighbors };
}

/**
 * One write with every precondition, in the order the API answers them: an invalid change (400),
 * a revision that moved (412), an entry that must or must not exist (409 / 404); else the new
 * state.
 */
export function applyWrite(state: ServerState, change: SimChange): WriteOutcome {
  const problem = changeProblem(state.name, change);
  if (problem) return { kind: 'invalid', message: problem };
  if (change.expectedRevision !== state.revision) {
    return { kind: 'conflict', revision: state.revision };
  }
  const has = (n: string) => state.neighbors.some((e) => e.name === n);
  const present = (change.mustBeAbsent ?? []).find(has);
  if (present !== undefined) return { kind: 'exists', name: present };
  const absent = (change.mustExist ?? []).find((n) => !has(n));
  if (absent !== undefined) return { kind: 'missing', name: absent };
  return { kind: 'applied', state: nextState(state, change) };
}
