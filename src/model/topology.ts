/**
 * The topology domain model: what a user declared, after parsing and normalisation.
 * Every later stage works on these types; raw YAML never leaves the load stage.
 */

/** Encryption / compression policy of one side of a link. */
export type Tri = 'yes' | 'possible' | 'no';

/** How a link keeps its connection. */
export type ConnectionMode = 'permanent' | 'periodic';

/** Whether a server has the "Dr.Web Server protocol" module enabled. */
export type ProtocolState = 'enabled' | 'disabled';

/** Where a link's password comes from. */
export type SecretRef =
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'inline'; readonly value: string };

/** Topology-wide defaults, used where neither the link nor the server sets a value. */
export interface TopologyDefaults {
  readonly encryption?: Tri;
  readonly compression?: Tri;
  readonly connection?: ConnectionMode;
}

/** One declared Dr.Web Server. */
export interface ServerSpec {
  readonly name: string;
  readonly address?: string;
  /** Major version, 10..13. */
  readonly version: number;
  /** Paths of own certificate files, relative to the topology file, as written. */
  readonly certificates: readonly string[];
  readonly publicKey?: string;
  readonly consoleUrl?: string;
  readonly api?: string;
  readonly encryption?: Tri;
  readonly compression?: Tri;
  readonly protocol: ProtocolState;
}

/** License exchange periods of a link, as duration strings (`30d`). */
export interface LinkLicenses {
  readonly validity?: string;
  readonly renewBefore?: string;
  readonly syncPeriod?: string;
}

/** Restriction windows in which a flow is not transmitted. */
export interface LinkRestrictions {
  readonly updates?: readonly string[];
  readonly events?: readonly string[];
}

/** The direction of one peer flow: from one named peer to the other, both ways, or not at all. */
export type PeerFlow =
  | { readonly kind: 'one-way'; readonly from: string; readonly to: string }
  | { readonly kind: 'both' }
  | { readonly kind: 'none' };

/** The three data flows of a link. */
export interface PeerFlows {
  readonly updates?: PeerFlow;
  readonly events?: PeerFlow;
  readonly licenses?: PeerFlow;
}

interface LinkCommon {
  /** Position of the link in the file's `links` list; pointers are built from it. */
  readonly index: number;
  readonly password?: SecretRef;
  readonly encryption?: Tri;
  readonly compression?: Tri;
  readonly connection?: ConnectionMode;
  readonly reconnectPeriod?: string;
  readonly licenses?: LinkLicenses;
  readonly notify?: readonly string[];
  readonly restrictions?: LinkRestrictions;
}

/** A parent → child link; its flows are fixed by the product. */
export interface ParentChildLink extends LinkCommon {
  readonly kind: 'parent-child';
  readonly parent: string;
  readonly child: string;
  /** Address the child dials instead of the parent's own address. */
  readonly address?: string;
  /** True when the file gives `flows` (which the `fixed-flows` rule rejects). */
  readonly hasFlows: boolean;
}

/** A peer ↔ peer link with chosen flows. */
export interface PeerLink extends LinkCommon {
  readonly kind: 'peer';
  readonly peers: readonly [string, string];
  /** The peer that holds the other's address and connects, or both. */
  readonly dial: string | 'both';
  readonly flows?: PeerFlows;
  /** Flow values as written, to report a direction that names other servers. */
  readonly flowText?: {
    readonly updates?: string;
    readonly events?: string;
    readonly licenses?: string;
  };
}

/** A declared link between two servers. */
export type LinkSpec = ParentChildLink | PeerLink;

/** A whole topology file, normalised. */
export interface Topology {
  readonly name?: string;
  readonly defaults: TopologyDefaults;
  /** Servers in file order. */
  readonly servers: ReadonlyMap<string, ServerSpec>;
  /** Links in file order; a link the file does not describe well enough is left out. */
  readonly links: readonly LinkSpec[];
}

/** Default Dr.Web Server protocol port. */
export const DEFAULT_SERVER_PORT = 2193;

/** Default server major version when a server does not state one. */
export const DEFAULT_SERVER_VERSION = 13;

/** The two server names a link joins, in declaration order (parent first). */
export function linkEnds(link: LinkSpec): readonly [string, string] {
  return link.kind === 'parent-child' ? [link.parent, link.child] : link.peers;
}

/** A short human label for a link: `MAIN->AUX` or `EAST<->WEST`. */
export function linkLabel(link: LinkSpec): string {
  return link.kind === 'parent-child'
    ? `${link.parent}->${link.child}`
    : `${link.peers[0]}<->${link.peers[1]}`;
}

/** An order-independent key for the pair of servers a link joins. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** JSON pointer of a link, or of a field inside it. */
export function linkPointer(
  link: { readonly index: number },
  ...rest: (string | number)[]
): string {
  return jsonPointer('links', link.index, ...rest);
}

/** JSON pointer of a server, or of a field inside it. */
export function serverPointer(name: string, ...rest: (string | number)[]): string {
  return jsonPointer('servers', name, ...rest);
}

/** Builds an RFC 6901 JSON pointer from path segments. */
export function jsonPointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Splits an RFC 6901 JSON pointer into its segments. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
