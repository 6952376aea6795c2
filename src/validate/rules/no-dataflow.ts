/** `no-dataflow`: a peer link carries no flow at all. */
import type { Finding } from '../../model/index.js';
import { FLOW_KINDS, linkLabel, linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Peer links whose updates, events and licenses are all `none`. */
export const noDataflowRule: TopologyRule = {
  id: 'no-dataflow',
  severity: 'error',
  scope: 'topology',
  summary: 'A peer link carries no flow at all.',
  description:
    'A peer link with updates, events and licenses all `none` does nothing; choose at least one flow or remove the link. A flow left out of `flows` counts as `none`.',
  example: {
    failing:
      'links:\n  - peers: [EAST, WEST]\n    password: {env: P}\n    flows: {updates: none, events: none, licenses: none}\n',
    fixed:
      'links:\n  - peers: [EAST, WEST]\n    password: {env: P}\n    flows: {updates: EAST->WEST, events: none, licenses: none}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      if (link.kind !== 'peer' || !link.flows) continue;
      // A direction the normaliser could not read is a schema error, not an absent flow.
      if (FLOW_KINDS.some((k) => link.flowText?.[k] !== undefined && link.flows?.[k] === undefined))
        continue;
      if (FLOW_KINDS.every((k) => (link.flows?.[k]?.kind ?? 'none') === 'none')) {
        out.push(
          finding(
            this,
            linkPointer(link, 'flows'),
            `peer link ${linkLabel(link)} carries no updates, events or licenses`,
          ),
        );
      }
    }
    return out;
  },
};
