/**
 * The network as the picture draws it: a forest of parent → child links (a server's first
 * parent is its place in the tree; any other parent link is drawn as a cross link), collapsed
 * subtrees shown as one node (so 2,000 servers stay legible), and every link mapped onto the
 * nodes that are visible, links hidden inside a collapsed subtree counted on it.
 */
import type { LinkStatusEntry, ServerStatus } from './api-types.js';

/** One server's place in the forest. */
export interface ForestNode {
  readonly name: string;
  parent: string | null;
  readonly children: string[];
  depth: number;
  /** Servers in the subtree, itself included. */
  size: number;
}

/** Servers arranged by their parent → child links. */
export interface Forest {
  readonly nodes: ReadonlyMap<string, ForestNode>;
  readonly roots: readonly string[];
  /** Depth-first pre-order: the order of the rows of the picture when all is expanded. */
  readonly order: readonly string[];
}

/** Key of a link, stable across status updates: `a|b|type`. */
export function linkKey(l: Pick<LinkStatusEntry, 'a' | 'b' | 'type'>): string {
  return `${l.a}|${l.b}|${l.type}`;
}

/** A string that changes exactly when the forest would (servers, links and their kinds). */
export function structureKey(
  servers: readonly Pick<ServerStatus, 'name'>[],
  links: readonly Pick<LinkStatusEntry, 'a' | 'b' | 'type'>[],
): string {
  const parts: string[] = [];
  for (const s of servers) parts.push(s.name);
  parts.push('\u0000');
  for (const l of links) parts.push(linkKey(l));
  return parts.join('\u0001');
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Builds the forest; a server with several parents keeps the first, cycles are broken. */
export function buildForest(
  servers: readonly Pick<ServerStatus, 'name'>[],
  links: readonly Pick<LinkStatusEntry, 'a' | 'b' | 'type'>[],
): Forest {
  const nodes = new Map<string, ForestNode>();
  const add = (name: string) => {
    let n = nodes.get(name);
    if (!n) {
      n = { name, parent: null, children: [], depth: 0, size: 1 };
      nodes.set(name, n);
    }
    return n;
  };
  for (const s of servers) add(s.name);
  for (const l of links) {
    add(l.a);
    add(l.b);
  }
  for (const l of links) {
    if (l.type !== 'parent-child' || l.a === l.b) continue;
    const child = nodes.get(l.b)!;
    if (child.parent !== null) continue;
    // Refuse a parent that is the child's own descendant: the topology's cycle is an error
    // elsewhere; here it must not make the tree loop.
    let p: string | null = l.a;
    let cycle = false;
    while (p !== null) {
      if (p === l.b) {
        cycle = true;
        break;
      }
      p = nodes.get(p)!.parent;
    }
    if (!cycle) child.parent = l.a;
  }
  for (const n of nodes.values()) if (n.parent !== null) nodes.get(n.parent)!.children.push(n.name);
  for (const n of nodes.values()) n.children.sort(byName);
  const roots = [...nodes.values()].filter((n) => n.parent === null).map((n) => n.name);
  const order: string[] = [];
  // Iterative, so that a chain of thousands of servers cannot overflow the stack.
  const stack = [...roots].sort(byName).reverse();
  while (stack.length > 0) {
    const name = stack.pop()!;
    const n = nodes.get(name)!;
    n.depth = n.parent === null ? 0 : nodes.get(n.parent)!.depth + 1;
    order.push(name);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = nodes.get(order[i]!)!;
    if (n.parent !== null) nodes.get(n.parent)!.size += n.size;
  }
  // Large trees first, single servers last: the eye finds the network's shape at the top.
  const sortedRoots = roots.sort((a, b) => nodes.get(b)!.size - nodes.get(a)!.size || byName(a, b));
  const rootRank = new Map(sortedRoots.map((r, i) => [r, i]));
  const rootOf = (name: string) => {
    let n = nodes.get(name)!;
    while (n.parent !== null) n = nodes.get(n.parent)!;
    return n.name;
  };
  const ordered = order
    .map((name, i) => ({ name, i, r: rootRank.get(rootOf(name))! }))
    .sort((x, y) => x.r - y.r || x.i - y.i)
    .map((x) => x.name);
  return { nodes, roots: sortedRoots, order: ordered };
}

/**
 * The subtrees to open at first: whole levels, top down, as long as the picture keeps at most
 * `budget` nodes (a network of 2,000 servers opens its head office and regions, not its sites).
 */
export function defaultExpanded(forest: Forest, budget: number): Set<string> {
  const expanded = new Set<string>();
  let visible = forest.roots.length;
  let level = forest.roots.filter((r) => forest.nodes.get(r)!.children.length > 0);
  while (level.length > 0) {
    const adds = level.reduce((sum, name) => sum + forest.nodes.get(name)!.children.length, 0);
    if (visible + adds > budget && expanded.size > 0) break;
    for (const name of level) expanded.add(name);
    visible += adds;
    if (visible > budget) break;
    level = level.flatMap((name) =>
      forest.nodes.get(name)!.children.filter((c) => forest.nodes.get(c)!.children.length > 0),
    );
  }
  return expanded;
}

/** The ancestors of a server, nearest first. */
export function ancestorsOf(forest: Forest, name: string): string[] {
  const out: string[] = [];
  let p = forest.nodes.get(name)?.parent ?? null;
  while (p !== null) {
    out.push(p);
    p = forest.nodes.get(p)!.parent;
  }
  return out;
}

/** What a collapsed node hides: servers, and the problems among them and their links. */
export interface HiddenSummary {
  servers: number;
  offline: number;
  unknown: number;
  outOfSync: number;
  unreadable: number;
  /** Hidden servers whose name matches the search. */
  matches: number;
}

/** A node of the picture. */
export interface VisibleNode {
  readonly name: string;
  readonly depth: number;
  /** Has children that are not shown. */
  readonly collapsed: boolean;
  readonly hasChildren: boolean;
  readonly hidden: HiddenSummary;
}

/** A line of the picture: one link, or several links between the same two visible nodes. */
export interface VisibleEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly type: LinkStatusEntry['type'];
  /** Worst state among its links: offline, then unknown, then online. */
  readonly state: LinkStatusEntry['state'];
  readonly links: readonly LinkStatusEntry[];
  /** True when an end stands for a collapsed subtree (the edge carries more than one link or a hidden end). */
  readonly aggregated: boolean;
  /** The tree edge of `to` (drawn as the tree's branch). */
  readonly tree: boolean;
}

/** Visible nodes in row order and the edges between them. */
export interface VisibleGraph {
  readonly nodes: readonly VisibleNode[];
  readonly edges: readonly VisibleEdge[];
}

const STATE_RANK: Record<LinkStatusEntry['state'], number> = { online: 0, unknown: 1, offline: 2 };

/** Maps servers and links onto the visible picture, given the expanded subtrees. */
export function visibleGraph(
  forest: Forest,
  expanded: ReadonlySet<string>,
  servers: readonly ServerStatus[],
  links: readonly LinkStatusEntry[],
  matches: (name: string) => boolean = () => false,
): VisibleGraph {
  // rep: the visible node that stands for each server (itself, or its nearest shown ancestor).
  const rep = new Map<string, string>();
  const nodes: VisibleNode[] = [];
  const summaries = new Map<string, HiddenSummary>();
  for (const name of forest.order) {
    const n = forest.nodes.get(name)!;
    const parentRep = n.parent === null ? null : rep.get(n.parent)!;
    const shown = n.parent === null || (parentRep === n.parent && expanded.has(n.parent));
    if (shown) {
      rep.set(name, name);
      const hidden: HiddenSummary = {
        servers: 0,
        offline: 0,
        unknown: 0,
        outOfSync: 0,
        unreadable: 0,
        matches: 0,
      };
      summaries.set(name, hidden);
      nodes.push({
        name,
        depth: n.depth,
        collapsed: n.children.length > 0 && !expanded.has(name),
        hasChildren: n.children.length > 0,
        hidden,
      });
    } else {
      rep.set(name, parentRep!);
      const h = summaries.get(parentRep!)!;
      h.servers++;
      if (matches(name)) h.matches++;
    }
  }
  for (const s of servers) {
    const r = rep.get(s.name);
    if (r === undefined || r === s.name) continue;
    const h = summaries.get(r)!;
    if (s.error !== null) h.unreadable++;
    else if (s.sync === 'OutOfSync') h.outOfSync++;
  }
  const edges = new Map<
    string,
    {
      from: string;
      to: string;
      type: LinkStatusEntry['type'];
      links: LinkStatusEntry[];
      exact: boolean;
    }
  >();
  for (const l of links) {
    const ra = rep.get(l.a);
    const rb = rep.get(l.b);
    if (ra === undefined || rb === undefined) continue;
    if (ra === rb) {
      // Inside one collapsed subtree: counted on it, not drawn.
      const h = summaries.get(ra)!;
      if (l.state === 'offline') h.offline++;
      else if (l.state === 'unknown') h.unknown++;
      continue;
    }
    for (const end of [l.a, l.b]) {
      const r = rep.get(end)!;
      if (r !== end) {
        const h = summaries.get(r)!;
        if (l.state === 'offline') h.offline++;
        else if (l.state === 'unknown') h.unknown++;
      }
    }
    const id = `${ra}|${rb}|${l.type}`;
    let e = edges.get(id);
    if (!e) {
      e = { from: ra, to: rb, type: l.type, links: [], exact: true };
      edges.set(id, e);
    }
    e.links.push(l);
    if (ra !== l.a || rb !== l.b) e.exact = false;
  }
  const out: VisibleEdge[] = [];
  for (const [id, e] of edges) {
    let state: LinkStatusEntry['state'] = 'online';
    for (const l of e.links) if (STATE_RANK[l.state] > STATE_RANK[state]) state = l.state;
    const aggregated = !e.exact || e.links.length > 1;
    out.push({
      id,
      from: e.from,
      to: e.to,
      type: e.type,
      state,
      links: e.links,
      aggregated,
      tree: e.type === 'parent-child' && forest.nodes.get(e.to)?.parent === e.from,
    });
  }
  return { nodes, edges: out };
}

/** Every subtree with children: "expand all". */
export function allExpandable(forest: Forest): Set<string> {
  const out = new Set<string>();
  for (const n of forest.nodes.values()) if (n.children.length > 0) out.add(n.name);
  return out;
}
