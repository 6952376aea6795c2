/** What a link means for each of its sides: who dials, which flows go where, effective policies. */
import type { FlowDirection } from './neighbor.js';
import type { ConnectionMode, LinkSpec, PeerFlow, Topology, Tri } from './topology.js';

/** The three flow kinds. */
export const FLOW_KINDS = ['updates', 'events', 'licenses'] as const;

/** One of the three flow kinds. */
export type FlowKind = (typeof FLOW_KINDS)[number];

/** The servers of a link that hold the other side's address and connect. */
export function dialingSides(link: LinkSpec): string[] {
  if (link.kind === 'parent-child') return [link.child];
  return link.dial === 'both' ? [link.peers[0], link.peers[1]] : [link.dial];
}

/** The other server of a link. */
export function otherSide(link: LinkSpec, server: string): string {
  if (link.kind === 'parent-child') return server === link.parent ? link.child : link.parent;
  return server === link.peers[0] ? link.peers[1] : link.peers[0];
}

function peerDirection(flow: PeerFlow | undefined, server: string): FlowDirection {
  if (!flow || flow.kind === 'none') return 'none';
  if (flow.kind === 'both') return 'both';
  return flow.from === server ? 'send' : 'receive';
}

/** How `server` sees one flow of the link: send, receive, both or none. */
export function flowDirection(link: LinkSpec, server: string, kind: FlowKind): FlowDirection {
  if (link.kind === 'parent-child') {
    const isParent = server === link.parent;
    if (kind === 'events') return isParent ? 'receive' : 'send';
    return isParent ? 'send' : 'receive';
  }
  return peerDirection(link.flows?.[kind], server);
}

/** True when `server` sends this flow over the link. */
export function sends(link: LinkSpec, server: string, kind: FlowKind): boolean {
  const d = flowDirection(link, server, kind);
  return d === 'send' || d === 'both';
}

/** True when `server` receives this flow over the link. */
export function receives(link: LinkSpec, server: string, kind: FlowKind): boolean {
  const d = flowDirection(link, server, kind);
  return d === 'receive' || d === 'both';
}

/** Where an effective encryption/compression value came from, for messages. */
export type PolicySource = 'link' | 'server' | 'defaults' | 'built-in';

/** The effective encryption or compression of one side: link, else server, else defaults, else possible. */
export function effectivePolicy(
  topology: Topology,
  link: LinkSpec,
  server: string,
  field: 'encryption' | 'compression',
): { value: Tri; source: PolicySource } {
  const own = link[field];
  if (own) return { value: own, source: 'link' };
  const s = topology.servers.get(server)?.[field];
  if (s) return { value: s, source: 'server' };
  const d = topology.defaults[field];
  if (d) return { value: d, source: 'defaults' };
  return { value: 'possible', source: 'built-in' };
}

/** The link's connection mode: link, else defaults, else permanent. */
export function effectiveConnection(topology: Topology, link: LinkSpec): ConnectionMode {
  return link.connection ?? topology.defaults.connection ?? 'permanent';
}

/** True when two sides' policies cannot work together (`yes` against `no`). */
export function policiesConflict(a: Tri, b: Tri): boolean {
  return (a === 'yes' && b === 'no') || (a === 'no' && b === 'yes');
}

/** The policy a working link ends up with: on unless a side says `no`. */
export function negotiatedPolicy(a: Tri, b: Tri): boolean {
  return a !== 'no' && b !== 'no';
}
