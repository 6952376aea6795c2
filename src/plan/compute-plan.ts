/** The plan stage (pure): desired state + actual state in, the changes that make them equal out. */
import type {
  DesiredServerState,
  FieldChange,
  NeighborEntry,
  Plan,
  PlanChange,
  ServerError,
  ServerState,
  UnmanagedEntry,
} from '../model/index.js';
import {
  ENTRY_FIELDS,
  changedNeighbor,
  MANAGED_BY_AVNET,
  SENSITIVE_FIELDS,
  summarizeChanges,
} from '../model/index.js';

/** Everything computePlan looks at. */
export interface PlanInput {
  readonly topology: { readonly file: string; readonly sha256: string };
  readonly backend: { readonly type: string };
  /** Desired state of every topology server. */
  readonly desired: ReadonlyMap<string, DesiredServerState>;
  /** Actual state of every server in scope (fresh servers included), keyed by name. */
  readonly actual: ReadonlyMap<string, ServerState>;
  /** Servers whose state could not be read; nothing is planned for them. */
  readonly readErrors?: readonly ServerError[];
  /** Limit the plan to these servers. */
  readonly targets?: readonly string[];
}

/** A canonical JSON form: object keys sorted, so equal values compare equal as strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .filter((k) => o[k] !== undefined)
          .sort()
          .map((k) => [k, o[k]]),
      );
    }
    return v;
  });
}

/** The field-by-field differences between an actual entry and the desired one. */
export function diffEntry(
  actual: NeighborEntry | undefined,
  desired: NeighborEntry,
  ignoreOwnership = false,
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of ENTRY_FIELDS) {
    if (ignoreOwnership && field === 'managedBy') continue;
    const before = actual ? (actual as unknown as Record<string, unknown>)[field] : undefined;
    const after = (desired as unknown as Record<string, unknown>)[field];
    if (actual && canonicalJson(before ?? null) === canonicalJson(after ?? null)) continue;
    if (SENSITIVE_FIELDS.has(field)) out.push({ field, sensitive: true, changed: true });
    else out.push({ field, before: before ?? null, after: after ?? null });
  }
  return out;
}

/** Plans one server: protocol, restart, entries to create, update and delete, unmanaged entries. */
export function planServer(
  name: string,
  desired: DesiredServerState | undefined,
  actual: ServerState,
): { changes: PlanChange[]; unmanaged: UnmanagedEntry[] } {
  const changes: PlanChange[] = [];
  const unmanaged: UnmanagedEntry[] = [];
  const wanted = desired?.neighbors ?? [];
  // Only servers that take part in links get their protocol switched on: enabling it costs a restart.
  const needsProtocol =
    desired !== undefined && desired.protocol === 'enabled' && wanted.length > 0;
  const enabling = needsProtocol && actual.protocol !== 'enabled';
  if (enabling) {
    changes.push({
      server: name,
      action: 'enable-protocol',
      reason: 'links need the Dr.Web Server protocol module',
    });
  }
  if (enabling || (actual.pendingRestart && needsProtocol)) {
    changes.push({
      server: name,
      action: 'restart',
      reason: enabling ? 'enabling the protocol module takes a restart' : 'a restart is pending',
    });
  }
  const actualByName = new Map<string, NeighborEntry>();
  for (const e of actual.neighbors) if (!actualByName.has(e.name)) actualByName.set(e.name, e);
  for (const entry of wanted) {
    const current = actualByName.get(entry.name);
    if (!current) {
      changes.push({
        server: name,
        action: 'create',
        neighbor: entry.name,
        type: entry.type,
        fields: diffEntry(undefined, entry),
        reason: 'missing on server',
        entry,
      });
      continue;
    }
    const managed = current.managedBy === MANAGED_BY_AVNET;
    // An entry created by hand that already matches the topology is left as it is (import, then
    // reconcile, plans nothing); one that differs is taken over, and from then on managed.
    const fields = managed ? diffEntry(current, entry) : diffEntry(current, entry, true);
    if (fields.length === 0) continue;
    const takeover = managed
      ? fields
      : [
          ...fields,
          { field: 'managedBy', before: current.managedBy ?? null, after: MANAGED_BY_AVNET },
        ];
    changes.push({
      server: name,
      action: 'update',
      neighbor: entry.name,
      type: entry.type,
      fields: takeover,
      reason: managed
        ? 'differs from the topology'
        : 'declared in the topology; taking over an entry avnet did not create',
      entry,
    });
  }
  const wantedNames = new Set(wanted.map((e) => e.name));
  for (const e of actual.neighbors) {
    if (wantedNames.has(e.name)) continue;
    if (e.managedBy === MANAGED_BY_AVNET) {
      changes.push({
        server: name,
        action: 'delete',
        neighbor: e.name,
        type: e.type,
        reason: desired
          ? 'no longer in the topology'
          : `server ${name} is no longer in the topology`,
      });
    } else {
      unmanaged.push({ server: name, neighbor: e.name });
    }
  }
  return { changes, unmanaged };
}

const ACTION_ORDER: Readonly<Record<PlanChange['action'], number>> = {
  'enable-protocol': 0,
  restart: 1,
  create: 2,
  update: 3,
  delete: 4,
};

/** Computes the plan for every server in scope. */
export function computePlan(input: PlanInput): Plan {
  const targets = input.targets && input.targets.length > 0 ? new Set(input.targets) : undefined;
  const names = [...input.actual.keys()].filter((n) => !targets || targets.has(n)).sort();
  const changes: PlanChange[] = [];
  const unmanaged: UnmanagedEntry[] = [];
  const revisions: Record<string, number> = {};
  for (const name of names) {
    const actual = input.actual.get(name)!;
    revisions[name] = actual.revision;
    const planned = planServer(name, input.desired.get(name), actual);
    changes.push(
      ...planned.changes.sort(
        (a, b) =>
          ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
          (changedNeighbor(a) ?? '').localeCompare(changedNeighbor(b) ?? ''),
      ),
    );
    unmanaged.push(...planned.unmanaged);
  }
  return {
    topology: input.topology,
    backend: input.backend,
    changes,
    unmanaged,
    summary: summarizeChanges(changes),
    revisions,
    errors: (input.readErrors ?? []).filter((e) => !targets || targets.has(e.server)),
    ...(targets ? { targets: [...targets].sort() } : {}),
  };
}

/** Managed entries in the actual state of the servers in scope. */
export function countManagedEntries(
  actual: ReadonlyMap<string, ServerState>,
  targets?: readonly string[],
): number {
  const scope = targets && targets.length > 0 ? new Set(targets) : undefined;
  let n = 0;
  for (const [name, s] of actual) {
    if (scope && !scope.has(name)) continue;
    for (const e of s.neighbors) if (e.managedBy === MANAGED_BY_AVNET) n++;
  }
  return n;
}

/** True when the plan deletes every managed entry there is (an empty or truncated topology). */
export function deletesEverything(plan: Plan, managedEntries: number): boolean {
  return managedEntries > 0 && plan.summary.destroy >= managedEntries;
}
