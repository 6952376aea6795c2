/** `fixed-flows`: `flows` is given on a parent/child link. */
import type { Finding } from '../../model/index.js';
import { linkLabel, linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Parent/child links that try to choose their flows. */
export const fixedFlowsRule: TopologyRule = {
  id: 'fixed-flows',
  severity: 'error',
  scope: 'topology',
  summary: '`flows` is given on a parent/child link.',
  description:
    'On a parent/child link the flows are fixed by the product: the parent sends licenses and updates, the child sends events. Remove `flows`, or make the link a peer link to choose them.',
  example: {
    failing:
      'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n    flows: {updates: both}\n',
    fixed: 'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      if (link.kind === 'parent-child' && link.hasFlows) {
        out.push(
          finding(
            this,
            linkPointer(link, 'flows'),
            `parent/child link ${linkLabel(link)} cannot choose flows: the parent sends updates and licenses, the child sends events`,
            { target: 'key' },
          ),
        );
      }
    }
    return out;
  },
};
