/** `hierarchy-cycle`: parent/child links form a cycle. */
import type { Finding, ParentChildLink } from '../../model/index.js';
import { linkLabel, linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';
import { findCycles } from './graph.js';

/** Cycles among parent → child edges. */
export const hierarchyCycleRule: TopologyRule = {
  id: 'hierarchy-cycle',
  severity: 'error',
  scope: 'topology',
  summary: 'Parent/child links form a cycle.',
  description:
    'The parent/child hierarchy must be a tree (or a forest): a server cannot be its own ancestor. Turn one of the links into a peer link or reverse it.',
  example: {
    failing:
      'links:\n  - {parent: A, child: B, password: {env: P1}}\n  - {parent: B, child: C, password: {env: P2}}\n  - {parent: C, child: A, password: {env: P3}}\n',
    fixed:
      'links:\n  - {parent: A, child: B, password: {env: P1}}\n  - {parent: B, child: C, password: {env: P2}}\n  - {parent: A, child: C, password: {env: P3}}\n',
  },
  check({ topology }) {
    const edges = topology.links
      .filter((l): l is ParentChildLink => l.kind === 'parent-child' && l.parent !== l.child)
      .map((l) => ({ from: l.parent, to: l.child, link: l }));
    const out: Finding[] = [];
    for (const cycle of findCycles(edges)) {
      const closing = cycle.reduce((a, b) => (b.link.index > a.link.index ? b : a));
      const path = [...cycle.map((e) => e.from), cycle[0]!.from].join(' -> ');
      out.push(
        finding(this, linkPointer(closing.link), `parent/child links form a cycle: ${path}`, {
          related: cycle
            .filter((e) => e !== closing)
            .map((e) => ({
              pointer: linkPointer(e.link),
              message: `part of the cycle (${linkLabel(e.link)})`,
            })),
        }),
      );
    }
    return out;
  },
};
