/** Rules over actual state: what servers really hold, read from a backend. */
import type { Finding, NeighborEntry, ServerState } from '../model/index.js';
import type { RuleDoc } from '../validate/index.js';

/** Actual state of every server a backend knows. */
export interface StateInput {
  readonly servers: ReadonlyMap<string, ServerState>;
  readonly now: Date;
  /** Servers whose state could not be read: entries naming them cannot be checked. */
  readonly unreadable?: ReadonlySet<string>;
}

/** A rule that checks actual state. */
export interface StateRule extends RuleDoc {
  checkState(input: StateInput): Finding[];
}

/** Pointer of an entry in a server's state document. */
export function entryPointer(index: number, field?: string): string {
  return field === undefined ? `/neighbors/${index}` : `/neighbors/${index}/${field}`;
}

/** The entry on `other` that should mirror `entry` held by `server`, with its index. */
export function mirrorEntry(
  servers: ReadonlyMap<string, ServerState>,
  server: string,
  entry: NeighborEntry,
): { entry: NeighborEntry; index: number } | undefined {
  const other = servers.get(entry.name);
  if (!other) return undefined;
  const index = other.neighbors.findIndex((e) => e.name === server);
  return index < 0 ? undefined : { entry: other.neighbors[index]!, index };
}

/** Visits each pair of mirrored entries once (the server named first alphabetically holds `a`). */
export function forEachEntryPair(
  servers: ReadonlyMap<string, ServerState>,
  visit: (
    a: { server: string; entry: NeighborEntry; index: number },
    b: { server: string; entry: NeighborEntry; index: number },
  ) => void,
): void {
  for (const [name, state] of servers) {
    state.neighbors.forEach((entry, index) => {
      if (!(name < entry.name)) return;
      const m = mirrorEntry(servers, name, entry);
      if (m)
        visit(
          { server: name, entry, index },
          { server: entry.name, entry: m.entry, index: m.index },
        );
    });
  }
}
