/** `peer-address-both-sides`: a peer link where both sides hold the other's address. */
import type { Finding } from '../../model/index.js';
import { linkLabel, linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Peer links with `dial: both`. */
export const peerAddressBothSidesRule: TopologyRule = {
  id: 'peer-address-both-sides',
  severity: 'warning',
  scope: 'topology+actual-state',
  summary: 'A peer link has `dial: both` (or, in actual state, both entries hold an address).',
  description:
    'For a peer link the address should be set on one side only. With both sides dialing the link still works, but both servers log "Link with the same key id is already activated". Pick the side that connects.',
  example: {
    failing:
      'links:\n  - peers: [EAST, WEST]\n    dial: both\n    password: {env: P}\n    flows: {updates: both, events: both, licenses: none}\n',
    fixed:
      'links:\n  - peers: [EAST, WEST]\n    dial: EAST\n    password: {env: P}\n    flows: {updates: both, events: both, licenses: none}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      if (link.kind === 'peer' && link.dial === 'both') {
        out.push(
          finding(
            this,
            linkPointer(link, 'dial'),
            `both sides of peer link ${linkLabel(link)} dial each other; the servers will log "Link with the same key id is already activated"`,
          ),
        );
      }
    }
    return out;
  },
};
