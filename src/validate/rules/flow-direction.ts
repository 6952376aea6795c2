/** `schema` (semantic part): peer flow directions and `dial` must name the link's own peers. */
import { linkPointer, FLOW_KINDS } from '../../model/index.js';
import type { Finding } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';
import { schemaDoc } from './schema.js';

/** Peer `flows` values and `dial` that name servers other than the link's peers. */
export const flowDirectionRule: TopologyRule = {
  ...schemaDoc,
  scope: 'topology',
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      if (link.kind !== 'peer') continue;
      const [a, b] = link.peers;
      if (link.dial !== 'both' && link.dial !== a && link.dial !== b) {
        out.push(
          finding(
            schemaDoc,
            linkPointer(link, 'dial'),
            `dial must be "${a}", "${b}" or "both" (got "${link.dial}")`,
          ),
        );
      }
      if (!link.flows) continue;
      for (const kind of FLOW_KINDS) {
        if (link.flows[kind] !== undefined) continue;
        // normalize() leaves out a direction it cannot match to the peers; absent keys mean none.
        const raw = link.flowText?.[kind];
        if (raw === undefined) continue;
        out.push(
          finding(
            schemaDoc,
            linkPointer(link, 'flows', kind),
            `${kind} must be ${a}->${b}, ${b}->${a}, both or none (got "${String(raw)}")`,
          ),
        );
      }
    }
    return out;
  },
};
