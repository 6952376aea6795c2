/**
 * The drawable graph of a topology: nodes with safe ids and label lines, edges with flow labels.
 * Renderers (Mermaid, DOT) only format this model; they never look at the topology again, so
 * nothing that is not in the model (passwords above all) can reach a drawing.
 */
import type { Diagnostic, LinkSpec, PeerFlow, PeerLink, RuleId, Topology } from '../model/index.js';
import { FLOW_KINDS, dialingSides, effectiveConnection, pairKey } from '../model/index.js';
import { mapErrors } from './error-marks.js';

/** Longest address still printed inside a node; longer ones would widen the whole drawing. */
export const MAX_NODE_ADDRESS_LENGTH = 32;

/** A server of the drawing. */
export interface GraphNode {
  /** Safe identifier for Mermaid and DOT (`s0`, `s1`, … in file order; `u0`, … for unknown). */
  readonly id: string;
  readonly name: string;
  /** `unknown`: named by a link but not defined under `servers`. */
  readonly kind: 'server' | 'unknown';
  readonly version?: number;
  /** The server's address, when short enough to print. */
  readonly address?: string;
  /** Label text, one entry per line, unescaped. */
  readonly lines: readonly string[];
  /** Rules of the error diagnostics about this server; empty when it has none. */
  readonly errors: readonly RuleId[];
}

/** A link of the drawing. */
export interface GraphEdge {
  /** Position of the link in the file's `links` list. */
  readonly linkIndex: number;
  readonly kind: 'parent-child' | 'peer';
  /** Node id of the parent, or of the first peer. */
  readonly from: string;
  /** Node id of the child, or of the second peer. */
  readonly to: string;
  /** Order-independent key of the two server names (`pairKey` of the model). */
  readonly pair: string;
  /** Label text, one entry per line, unescaped: flows, then dialing side and connection. */
  readonly lines: readonly string[];
  /** Rules of the error diagnostics about this link; empty when it has none. */
  readonly errors: readonly RuleId[];
}

/** A topology as a graph: nodes in file order (unknown servers last), edges in file order. */
export interface TopologyGraph {
  readonly name?: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** Arrow for a flow going from a parent down to its child, and back up. */
const DOWN = '↓';
const UP = '↑';
const BOTH = '↔';

function nodeLines(name: string, version: number, address: string | undefined): string[] {
  return [name, address === undefined ? `v${version}` : `v${version} · ${address}`];
}

function peerFlowText(flow: PeerFlow | undefined, written: string | undefined): string | null {
  if (flow === undefined) return written === undefined ? null : '?';
  if (flow.kind === 'none') return null;
  if (flow.kind === 'both') return BOTH;
  return `${flow.from}→${flow.to}`;
}

/** `updates EAST→WEST, events, licenses ↔`: kinds grouped by direction, in flow-kind order. */
function peerFlowLine(link: PeerLink): string {
  if (!link.flows) return 'no flows';
  const groups = new Map<string, string[]>();
  for (const kind of FLOW_KINDS) {
    const text = peerFlowText(link.flows[kind], link.flowText?.[kind]);
    if (text === null) continue;
    const kinds = groups.get(text);
    if (kinds) kinds.push(kind);
    else groups.set(text, [kind]);
  }
  if (groups.size === 0) return 'no flows';
  return [...groups].map(([dir, kinds]) => `${kinds.join(', ')} ${dir}`).join(', ');
}

function connectionText(topology: Topology, link: LinkSpec): string | undefined {
  if (effectiveConnection(topology, link) !== 'periodic') return undefined;
  return link.reconnectPeriod ? `periodic ${link.reconnectPeriod}` : 'periodic';
}

function edgeLines(topology: Topology, link: LinkSpec): string[] {
  const meta: string[] = [];
  let flows: string;
  if (link.kind === 'parent-child') {
    // The flows of a parent/child link are fixed by the product, and the child always dials.
    flows = `updates, licenses ${DOWN} / events ${UP}`;
  } else {
    flows = peerFlowLine(link);
    const dialing = dialingSides(link);
    meta.push(dialing.length === 2 ? 'both dial' : `${dialing[0]} dials`);
  }
  const connection = connectionText(topology, link);
  if (connection) meta.push(connection);
  return meta.length > 0 ? [flows, meta.join(' · ')] : [flows];
}

/** Builds the graph of a topology; error diagnostics mark their servers and links. */
export function buildGraph(
  topology: Topology,
  diagnostics: readonly Diagnostic[] = [],
): TopologyGraph {
  const marks = mapErrors(topology, diagnostics);
  const nodes: GraphNode[] = [];
  const ids = new Map<string, string>();
  for (const server of topology.servers.values()) {
    const id = `s${ids.size}`;
    ids.set(server.name, id);
    const written = server.address?.trim();
    const address = written && written.length <= MAX_NODE_ADDRESS_LENGTH ? written : undefined;
    nodes.push({
      id,
      name: server.name,
      kind: 'server',
      version: server.version,
      address,
      lines: nodeLines(server.name, server.version, address),
      errors: marks.servers.get(server.name) ?? [],
    });
  }
  let unknown = 0;
  const nodeId = (name: string): string => {
    const known = ids.get(name);
    if (known !== undefined) return known;
    const id = `u${unknown++}`;
    ids.set(name, id);
    nodes.push({
      id,
      name,
      kind: 'unknown',
      lines: [name, 'unknown server'],
      errors: marks.servers.get(name) ?? [],
    });
    return id;
  };
  const edges: GraphEdge[] = topology.links.map((link) => {
    const [a, b] = link.kind === 'parent-child' ? [link.parent, link.child] : link.peers;
    return {
      linkIndex: link.index,
      kind: link.kind,
      from: nodeId(a),
      to: nodeId(b),
      pair: pairKey(a, b),
      lines: edgeLines(topology, link),
      errors: marks.links.get(link.index) ?? [],
    };
  });
  return { name: topology.name, nodes, edges };
}

/** Which links a renderer highlights or keeps: link indexes, or server pairs made with `pairKey`. */
export type EdgeSelection = ReadonlySet<number | string>;

/** True when the selection names the edge, by link index or by server pair. */
export function edgeSelected(edge: GraphEdge, selection: EdgeSelection): boolean {
  return selection.has(edge.linkIndex) || selection.has(edge.pair);
}

/**
 * The part of a graph to draw: with `only`, just the selected edges and the servers they join;
 * otherwise everything.
 */
export function selectGraph(graph: TopologyGraph, only?: EdgeSelection): TopologyGraph {
  if (!only) return graph;
  const edges = graph.edges.filter((e) => edgeSelected(e, only));
  const used = new Set(edges.flatMap((e) => [e.from, e.to]));
  return { ...graph, nodes: graph.nodes.filter((n) => used.has(n.id)), edges };
}

/** What a renderer draws and emphasises. */
export interface RenderOptions {
  /** Edges to emphasise, e.g. the links a plan changes: link indexes or `pairKey`s. */
  readonly highlight?: EdgeSelection;
  /** Draw only these edges and the servers they join. */
  readonly only?: EdgeSelection;
  /** Explain error marks and unknown servers when the drawing has any (default true). */
  readonly legend?: boolean;
}

/** What a drawing needs a legend entry for. */
export function legendEntries(graph: TopologyGraph): { errors: boolean; unknown: boolean } {
  return {
    errors:
      graph.nodes.some((n) => n.errors.length > 0) || graph.edges.some((e) => e.errors.length > 0),
    unknown: graph.nodes.some((n) => n.kind === 'unknown'),
  };
}
