/** `duplicate-link`: two links join the same pair of servers. */
import type { Finding, LinkSpec } from '../../model/index.js';
import { linkEnds, linkLabel, linkPointer, pairKey } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Pairs of servers joined more than once, in any type or order. */
export const duplicateLinkRule: TopologyRule = {
  id: 'duplicate-link',
  severity: 'error',
  scope: 'topology',
  summary: 'Two links join the same pair of servers (in any type or order).',
  description:
    'Each server holds one neighbor entry per neighbor, so two servers can be linked only once: as parent/child or as peers, not both.',
  example: {
    failing:
      'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P1}\n  - peers: [AUX, MAIN]\n    password: {env: P2}\n    flows: {updates: both, events: none, licenses: none}\n',
    fixed: 'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P1}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    const first = new Map<string, LinkSpec>();
    for (const link of topology.links) {
      const [a, b] = linkEnds(link);
      if (a === b) continue;
      const key = pairKey(a, b);
      const prev = first.get(key);
      if (!prev) {
        first.set(key, link);
        continue;
      }
      out.push(
        finding(
          this,
          linkPointer(link),
          `link ${linkLabel(link)} duplicates link ${linkLabel(prev)}: ${a} and ${b} are already linked`,
          {
            related: [{ pointer: linkPointer(prev), message: 'first declared here' }],
          },
        ),
      );
    }
    return out;
  },
};
