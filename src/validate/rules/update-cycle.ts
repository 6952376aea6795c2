/** `update-cycle`: links carrying updates form a directed cycle through peer links. */
import type { Finding, LinkSpec } from '../../model/index.js';
import { linkLabel, linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';
import { edgesInside, stronglyConnected } from './graph.js';
import { wellFormedLinks } from './helpers.js';

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    let cur = x;
    while (cur !== root) {
      const next = this.parent.get(cur) ?? root;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  /** Joins two sets; false when they were already one (the edge closes a cycle). */
  union(a: string, b: string): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.parent.set(ra, rb);
    return true;
  }
}

/**
 * Update paths that loop back. Peer links with `updates: both` are undirected edges; a cycle may
 * not go back over the link it came by (two peers exchanging updates is not a loop). Undirected
 * components are contracted; a cycle is then either an undirected cycle or a directed one between
 * components, and it must involve a peer link (pure parent/child loops are `hierarchy-cycle`).
 */
export const updateCycleRule: TopologyRule = {
  id: 'update-cycle',
  severity: 'warning',
  scope: 'topology',
  summary: 'Links that carry updates form a directed cycle through peer links.',
  description:
    'Updates that travel in a loop reach servers over several paths and can bounce back to their source. Make one of the peer links in the loop carry updates one way only, or none.',
  example: {
    failing:
      'links:\n  - {parent: HQ, child: EAST, password: {env: P1}}\n  - peers: [EAST, WEST]\n    password: {env: P2}\n    flows: {updates: EAST->WEST, events: none, licenses: none}\n  - peers: [WEST, HQ]\n    password: {env: P3}\n    flows: {updates: WEST->HQ, events: none, licenses: none}\n',
    fixed:
      'links:\n  - {parent: HQ, child: EAST, password: {env: P1}}\n  - peers: [EAST, WEST]\n    password: {env: P2}\n    flows: {updates: EAST->WEST, events: none, licenses: none}\n  - peers: [WEST, HQ]\n    password: {env: P3}\n    flows: {updates: none, events: WEST->HQ, licenses: none}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    const uf = new UnionFind();
    const directed: { from: string; to: string; link: LinkSpec }[] = [];
    const undirectedCycleLinks: LinkSpec[] = [];
    const bothLinks: LinkSpec[] = [];
    for (const link of wellFormedLinks(topology)) {
      if (link.kind === 'parent-child') {
        directed.push({ from: link.parent, to: link.child, link });
        continue;
      }
      const f = link.flows?.updates;
      if (!f || f.kind === 'none') continue;
      if (f.kind === 'both') {
        bothLinks.push(link);
        if (!uf.union(link.peers[0], link.peers[1])) undirectedCycleLinks.push(link);
      } else {
        directed.push({ from: f.from, to: f.to, link });
      }
    }
    const report = (closing: LinkSpec, others: LinkSpec[], servers: string) =>
      out.push(
        finding(
          this,
          linkPointer(closing),
          `updates can travel in a loop through ${servers} (closed by link ${linkLabel(closing)})`,
          {
            related: others
              .filter((l) => l !== closing)
              .slice(0, 10)
              .map((l) => ({
                pointer: linkPointer(l),
                message: `carries updates in the loop (${linkLabel(l)})`,
              })),
          },
        ),
      );
    const reportedComponents = new Set<string>();
    for (const link of undirectedCycleLinks) {
      const comp = uf.find(link.kind === 'peer' ? link.peers[0] : '');
      if (reportedComponents.has(comp)) continue;
      reportedComponents.add(comp);
      const members = bothLinks.filter((l) => l.kind === 'peer' && uf.find(l.peers[0]) === comp);
      const servers = [
        ...new Set(members.flatMap((l) => (l.kind === 'peer' ? [...l.peers] : []))),
      ].join(', ');
      report(link, members, servers);
    }
    // Directed edges between contracted components.
    const edges = directed.map((e) => ({
      from: uf.find(e.from),
      to: uf.find(e.to),
      link: e.link,
      real: e,
    }));
    const components = stronglyConnected(edges);
    const insideOf = edgesInside(edges, components);
    for (const [i, comp] of components.entries()) {
      const inside = insideOf[i]!;
      const isCycle = comp.length > 1 || inside.some((e) => e.from === e.to);
      if (!isCycle) continue;
      const members = new Set(comp);
      const involvesPeer =
        inside.some((e) => e.link.kind === 'peer') ||
        bothLinks.some((l) => l.kind === 'peer' && members.has(uf.find(l.peers[0])));
      if (!involvesPeer) continue;
      const peerLinks = inside.filter((e) => e.link.kind === 'peer').map((e) => e.link);
      const bothInside = bothLinks.filter(
        (l) => l.kind === 'peer' && members.has(uf.find(l.peers[0])),
      );
      const all = [...inside.map((e) => e.link), ...bothInside];
      const closing = [...peerLinks, ...bothInside].reduce((a, b) => (b.index > a.index ? b : a));
      const servers = [...new Set(inside.flatMap((e) => [e.real.from, e.real.to]))].join(', ');
      report(closing, all, servers);
    }
    return out;
  },
};
