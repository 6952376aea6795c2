import { describe, expect, it } from 'vitest';
import type { LinkStatusEntry, ServerStatus } from './api-types.js';
import {
  allExpandable,
  ancestorsOf,
  buildForest,
  defaultExpanded,
  structureKey,
  visibleGraph,
} from './network-model.js';
import { edgeShape, layoutGraph, nodeLabel, nodeWidth, ROW_HEIGHT } from './layout.js';

const server = (name: string, over: Partial<ServerStatus> = {}): ServerStatus => ({
  name,
  sync: 'Synced',
  pending: 0,
  error: null,
  ...over,
});

const link = (
  a: string,
  b: string,
  type: LinkStatusEntry['type'] = 'parent-child',
  state: LinkStatusEntry['state'] = 'online',
): LinkStatusEntry => ({
  a,
  b,
  type,
  state,
  reason: state === 'offline' ? 'wrong-password' : null,
  detail: null,
  since: null,
});

/** HQ → R1, R2; R1 → S1, S2; S1 → T1; R2 → S3; peer R1 ↔ R2; LONE has no links. */
function sample() {
  const servers = ['HQ', 'R1', 'R2', 'S1', 'S2', 'S3', 'T1', 'LONE'].map((n) =>
    server(n, n === 'S2' ? { sync: 'OutOfSync', pending: 2 } : n === 'T1' ? { error: 'down' } : {}),
  );
  const links = [
    link('HQ', 'R1'),
    link('HQ', 'R2'),
    link('R1', 'S1'),
    link('R1', 'S2', 'parent-child', 'offline'),
    link('S1', 'T1', 'parent-child', 'unknown'),
    link('R2', 'S3'),
    link('R1', 'R2', 'peer'),
  ];
  return { servers, links };
}

describe('buildForest', () => {
  it('places servers by their parent links, big trees first, lone servers last', () => {
    const { servers, links } = sample();
    const f = buildForest(servers, links);
    expect(f.roots).toEqual(['HQ', 'LONE']);
    expect(f.order).toEqual(['HQ', 'R1', 'S1', 'T1', 'S2', 'R2', 'S3', 'LONE']);
    expect(f.nodes.get('HQ')!.size).toBe(7);
    expect(f.nodes.get('T1')!.depth).toBe(3);
    expect(ancestorsOf(f, 'T1')).toEqual(['S1', 'R1', 'HQ']);
  });

  it('keeps the first parent of a server with two and breaks a cycle instead of looping', () => {
    const f = buildForest(
      ['A', 'B', 'C'].map((n) => server(n)),
      [link('A', 'C'), link('B', 'C'), link('C', 'A')],
    );
    expect(f.nodes.get('C')!.parent).toBe('A');
    // C → A would close the cycle A → C → A: A stays a root.
    expect(f.nodes.get('A')!.parent).toBeNull();
    expect(f.order).toHaveLength(3);
  });

  it('handles a chain of 10,000 servers without deep recursion', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `N${i}`);
    const f = buildForest(
      names.map((n) => server(n)),
      names.slice(1).map((n, i) => link(names[i]!, n)),
    );
    expect(f.nodes.get('N9999')!.depth).toBe(9999);
    expect(f.nodes.get('N0')!.size).toBe(10_000);
  });
});

describe('structureKey', () => {
  it('changes with servers and links but not with states', () => {
    const { servers, links } = sample();
    const k = structureKey(servers, links);
    expect(
      structureKey(
        servers,
        links.map((l) => ({ ...l, state: 'offline' as const })),
      ),
    ).toBe(k);
    expect(structureKey(servers, links.slice(1))).not.toBe(k);
    expect(structureKey(servers.slice(1), links)).not.toBe(k);
  });
});

describe('visibleGraph', () => {
  it('shows everything when everything is open: one edge per link, none aggregated', () => {
    const { servers, links } = sample();
    const f = buildForest(servers, links);
    const g = visibleGraph(f, allExpandable(f), servers, links);
    expect(g.nodes.map((n) => n.name)).toEqual(f.order);
    expect(g.edges).toHaveLength(links.length);
    expect(g.edges.every((e) => !e.aggregated && e.links.length === 1)).toBe(true);
    expect(g.edges.find((e) => e.type === 'peer')!.tree).toBe(false);
    expect(g.edges.find((e) => e.to === 'S2')!.state).toBe('offline');
  });

  it('folds a closed subtree into its root and counts what it hides', () => {
    const { servers, links } = sample();
    const f = buildForest(servers, links);
    const g = visibleGraph(f, new Set(['HQ']), servers, links, (n) => n === 'T1');
    expect(g.nodes.map((n) => n.name)).toEqual(['HQ', 'R1', 'R2', 'LONE']);
    const r1 = g.nodes.find((n) => n.name === 'R1')!;
    expect(r1.collapsed).toBe(true);
    expect(r1.hidden).toEqual({
      servers: 3,
      offline: 1,
      unknown: 1,
      outOfSync: 1,
      unreadable: 1,
      matches: 1,
    });
    // Links inside R1's subtree are not drawn; HQ–R1, HQ–R2 and the peer link are.
    expect(g.edges.map((e) => e.id).sort()).toEqual([
      'HQ|R1|parent-child',
      'HQ|R2|parent-child',
      'R1|R2|peer',
    ]);
  });

  it('merges links between the same two shown nodes into one edge with the worst state', () => {
    const servers = ['A', 'B', 'A1', 'B1', 'B2'].map((n) => server(n));
    const links = [
      link('A', 'A1'),
      link('B', 'B1'),
      link('B', 'B2'),
      link('A', 'B', 'peer'),
      link('A1', 'B1', 'peer', 'offline'),
      link('A1', 'B2', 'peer', 'unknown'),
    ];
    const f = buildForest(servers, links);
    const g = visibleGraph(f, new Set(), servers, links);
    const peer = g.edges.find((e) => e.type === 'peer')!;
    expect(peer.links).toHaveLength(3);
    expect(peer.aggregated).toBe(true);
    expect(peer.state).toBe('offline');
  });
});

describe('defaultExpanded', () => {
  it('opens whole levels while the picture stays within the budget', () => {
    const { servers, links } = sample();
    const f = buildForest(servers, links);
    expect([...defaultExpanded(f, 4)]).toEqual(['HQ']);
    expect([...defaultExpanded(f, 7)].sort()).toEqual(['HQ', 'R1', 'R2']);
    expect(defaultExpanded(f, 100)).toEqual(allExpandable(f));
  });

  it('always opens the first level, even over the budget', () => {
    const servers = [server('HUB'), ...Array.from({ length: 50 }, (_, i) => server(`L${i}`))];
    const links = servers.slice(1).map((s) => link('HUB', s.name));
    const f = buildForest(servers, links);
    expect([...defaultExpanded(f, 10)]).toEqual(['HUB']);
  });
});

describe('layoutGraph', () => {
  it('gives every shown node its own row, columns by depth, and boxes that never overlap', () => {
    const { servers, links } = sample();
    const f = buildForest(servers, links);
    const g = visibleGraph(f, allExpandable(f), servers, links);
    const l = layoutGraph(f, g.nodes);
    expect(l.nodes.size).toBe(servers.length);
    const boxes = [...l.nodes.entries()];
    for (const [a, pa] of boxes)
      for (const [b, pb] of boxes) {
        if (a >= b) continue;
        const overlapX = pa.x < pb.x + pb.width && pb.x < pa.x + pa.width;
        const overlapY = Math.abs(pa.y - pb.y) < ROW_HEIGHT - 1;
        expect(overlapX && overlapY, `${a} and ${b} overlap`).toBe(false);
      }
    // Children sit right of their parents.
    expect(l.nodes.get('S1')!.x).toBeGreaterThan(l.nodes.get('R1')!.x + l.nodes.get('R1')!.width);
    // The extent holds every box.
    for (const p of l.nodes.values()) {
      expect(p.x + p.width).toBeLessThanOrEqual(l.width);
      expect(p.y + ROW_HEIGHT / 2).toBeLessThanOrEqual(l.height + 0.01);
    }
  });

  it('labels a folded node with the number of servers it holds', () => {
    const { servers, links } = sample();
    const f = buildForest(servers, links);
    const g = visibleGraph(f, new Set(['HQ']), servers, links);
    expect(nodeLabel(g.nodes.find((n) => n.name === 'R1')!)).toBe('R1 +3');
    expect(nodeWidth('R1 +3')).toBeGreaterThan(nodeWidth('R1'));
  });

  it('joins nodes of one column by an arc on their right and others left to right', () => {
    const a = { x: 0, y: 15, width: 100 };
    const b = { x: 0, y: 75, width: 80 };
    const c = { x: 200, y: 15, width: 80 };
    expect(edgeShape(a, b).mid.x).toBeGreaterThan(100);
    const s = edgeShape(a, c);
    expect(s.d.startsWith('M100,15')).toBe(true);
    expect(s.d.endsWith('200,15')).toBe(true);
  });
});
