/** Per-server state: neighbor entries as the product's "Create neighbor" dialog holds them. */
import type { ConnectionMode, ProtocolState, Tri } from './topology.js';

/** A neighbor entry's view of its neighbor. */
export type NeighborType = 'parent' | 'child' | 'peer';

/** Direction of one flow as seen from the server holding the entry. */
export type FlowDirection = 'send' | 'receive' | 'both' | 'none';

/** The three flows of an entry. */
export interface EntryFlows {
  readonly updates: FlowDirection;
  readonly events: FlowDirection;
  readonly licenses: FlowDirection;
}

/** License periods held by one side (only the ones that apply to that side). */
export interface EntryLicenses {
  readonly validity?: string;
  readonly renewBefore?: string;
  readonly syncPeriod?: string;
}

/** Restriction windows for the flows this side sends. */
export interface EntryRestrictions {
  readonly updates?: readonly string[];
  readonly events?: readonly string[];
}

/** The marker avnet writes in `managedBy` of every entry it owns. */
export const MANAGED_BY_AVNET = 'avnet';

/** One neighbor entry on one server. */
export interface NeighborEntry {
  readonly name: string;
  readonly type: NeighborType;
  readonly password: string;
  readonly ownCertificates: readonly string[];
  readonly neighborCertificates: readonly string[];
  readonly neighborPublicKey: string | null;
  readonly address: string | null;
  readonly consoleUrl: string | null;
  readonly connection: ConnectionMode;
  readonly reconnectPeriod: string | null;
  readonly encryption: Tri;
  readonly compression: Tri;
  readonly licenses: EntryLicenses;
  readonly flows: EntryFlows;
  readonly notify: boolean;
  readonly restrictions: EntryRestrictions;
  readonly managedBy: string | null;
}

/** Every field of an entry, in the order plans print them. */
export const ENTRY_FIELDS = [
  'type',
  'password',
  'address',
  'ownCertificates',
  'neighborCertificates',
  'neighborPublicKey',
  'consoleUrl',
  'connection',
  'reconnectPeriod',
  'encryption',
  'compression',
  'licenses',
  'flows',
  'notify',
  'restrictions',
  'managedBy',
] as const satisfies readonly (keyof NeighborEntry)[];

/** A field of an entry other than its name. */
export type EntryField = (typeof ENTRY_FIELDS)[number];

/** Fields whose values are secrets and never printed. */
export const SENSITIVE_FIELDS: ReadonlySet<EntryField> = new Set<EntryField>(['password']);

/** A server's actual state as a backend holds it. */
export interface ServerState {
  readonly name: string;
  readonly version: number;
  readonly protocol: ProtocolState;
  readonly pendingRestart: boolean;
  /** Bumped by every write; 0 for a server that has never been written. */
  readonly revision: number;
  readonly neighbors: readonly NeighborEntry[];
}

/** What avnet wants a server to hold. */
export interface DesiredServerState {
  readonly name: string;
  readonly version: number;
  readonly protocol: ProtocolState;
  readonly neighbors: readonly NeighborEntry[];
}

/** The state of a server that a backend has no record of: protocol off, no neighbors. */
export function freshServerState(name: string, version: number): ServerState {
  return { name, version, protocol: 'disabled', pendingRestart: false, revision: 0, neighbors: [] };
}

/** The entry type the other side of a link must hold for this one. */
export function mirrorType(type: NeighborType): NeighborType {
  return type === 'parent' ? 'child' : type === 'child' ? 'parent' : 'peer';
}

/** The direction the other side sees for a flow this side sees as `dir`. */
export function mirrorFlow(dir: FlowDirection): FlowDirection {
  return dir === 'send' ? 'receive' : dir === 'receive' ? 'send' : dir;
}
