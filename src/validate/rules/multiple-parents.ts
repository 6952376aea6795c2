/** `multiple-parents`: a server is the child of more than one parent. */
import type { Finding, ParentChildLink } from '../../model/index.js';
import { linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Children with several parents. */
export const multipleParentsRule: TopologyRule = {
  id: 'multiple-parents',
  severity: 'warning',
  scope: 'topology',
  summary: 'A server is the child of more than one parent.',
  description:
    'The product allows it, but a child then receives updates and licenses from several parents, which is rarely intended. Consider a peer link for the second relation.',
  example: {
    failing:
      'links:\n  - {parent: HQ, child: BRANCH, password: {env: P1}}\n  - {parent: REGION, child: BRANCH, password: {env: P2}}\n',
    fixed:
      'links:\n  - {parent: HQ, child: BRANCH, password: {env: P1}}\n  - peers: [REGION, BRANCH]\n    password: {env: P2}\n    flows: {updates: none, events: BRANCH->REGION, licenses: none}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    const firstParent = new Map<string, ParentChildLink>();
    for (const link of topology.links) {
      if (link.kind !== 'parent-child' || link.parent === link.child) continue;
      const prev = firstParent.get(link.child);
      if (!prev) {
        firstParent.set(link.child, link);
        continue;
      }
      if (prev.parent === link.parent) continue; // a duplicate link, reported by duplicate-link
      out.push(
        finding(
          this,
          linkPointer(link, 'child'),
          `${link.child} is a child of both ${prev.parent} and ${link.parent}`,
          {
            related: [
              { pointer: linkPointer(prev, 'child'), message: `child of ${prev.parent} here` },
            ],
          },
        ),
      );
    }
    return out;
  },
};
