/** Hand-built actual state for the audit rules: neighbor entries and server states. */
import type { NeighborEntry, NeighborType, ServerState } from '../../src/model/index.js';

/** A neighbor entry with sensible defaults (type-appropriate flows, no address). */
export function entry(
  name: string,
  type: NeighborType,
  overrides: Partial<NeighborEntry> = {},
): NeighborEntry {
  const flows =
    type === 'parent'
      ? { updates: 'receive', events: 'send', licenses: 'receive' }
      : type === 'child'
        ? { updates: 'send', events: 'receive', licenses: 'send' }
        : { updates: 'both', events: 'none', licenses: 'none' };
  return {
    name,
    type,
    password: 'pw',
    ownCertificates: [],
    neighborCertificates: [],
    neighborPublicKey: null,
    address: null,
    consoleUrl: null,
    connection: 'permanent',
    reconnectPeriod: null,
    encryption: 'possible',
    compression: 'possible',
    licenses: {},
    flows: flows as NeighborEntry['flows'],
    notify: false,
    restrictions: {},
    managedBy: 'avnet',
    ...overrides,
  };
}

/** A server's state with the protocol enabled. */
export function server(
  name: string,
  neighbors: readonly NeighborEntry[],
  overrides: Partial<ServerState> = {},
): ServerState {
  return {
    name,
    version: 13,
    protocol: 'enabled',
    pendingRestart: false,
    revision: 1,
    neighbors,
    ...overrides,
  };
}

/** A map of states keyed by server name. */
export function states(...list: ServerState[]): Map<string, ServerState> {
  return new Map(list.map((s) => [s.name, s]));
}

/**
 * A linked pair: `a` holds an entry of `typeA` for `b` and `b` the mirrored one, with the
 * same password and, on the dialing side, an address.
 */
export function linked(
  a: string,
  b: string,
  typeA: NeighborType,
  onA: Partial<NeighborEntry> = {},
  onB: Partial<NeighborEntry> = {},
): [NeighborEntry, NeighborEntry] {
  const typeB: NeighborType = typeA === 'parent' ? 'child' : typeA === 'child' ? 'parent' : 'peer';
  const addrA = typeA === 'parent' || typeA === 'peer' ? `${b.toLowerCase()}.example` : null;
  return [
    entry(b, typeA, { address: addrA, ...onA }),
    entry(a, typeB, { address: typeB === 'parent' ? `${a.toLowerCase()}.example` : null, ...onB }),
  ];
}
