/** `peer-address-missing` (actual state): neither entry of a peer link holds an address. */
import type { Finding } from '../../model/index.js';
import { entryPointer, forEachEntryPair, type StateRule } from '../state-rule.js';

/** Peer links nobody dials. */
export const peerAddressMissingRule: StateRule = {
  id: 'peer-address-missing',
  severity: 'error',
  scope: 'actual-state',
  summary: '(actual state) Neither entry of a peer link holds an address.',
  description:
    "One side of a peer link must hold the other's address and connect; without any address the link never comes up. In the topology, `dial` chooses that side (the first peer by default).",
  example: {
    failing:
      '# state/EAST.json: neighbors: [{name: WEST, type: peer, address: null, ...}]\n# state/WEST.json: neighbors: [{name: EAST, type: peer, address: null, ...}]\n',
    fixed:
      'links:\n  - peers: [EAST, WEST]\n    dial: EAST\n    password: {env: P}\n    flows: {updates: both, events: none, licenses: none}\n',
  },
  checkState({ servers }) {
    const out: Finding[] = [];
    forEachEntryPair(servers, (a, b) => {
      if (a.entry.type !== 'peer' || b.entry.type !== 'peer') return;
      if (a.entry.address || b.entry.address) return;
      out.push({
        rule: this.id,
        severity: this.severity,
        message: `peer link ${a.server}<->${b.server}: neither entry holds an address, so neither side connects`,
        pointer: entryPointer(a.index, 'address'),
        server: a.server,
        neighbor: b.server,
        related: [
          {
            pointer: entryPointer(b.index, 'address'),
            message: `entry on ${b.server}`,
            server: b.server,
          },
        ],
      });
    });
    return out;
  },
};
