/** `self-link`: a link joins a server to itself. */
import type { Finding } from '../../model/index.js';
import { linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Links whose two ends are the same server. */
export const selfLinkRule: TopologyRule = {
  id: 'self-link',
  severity: 'error',
  scope: 'topology',
  summary: 'A link joins a server to itself.',
  description: 'A server cannot be its own neighbor; name two different servers.',
  example: {
    failing:
      'links:\n  - peers: [EAST, EAST]\n    password: {env: P}\n    flows: {updates: both, events: none, licenses: none}\n',
    fixed:
      'links:\n  - peers: [EAST, WEST]\n    password: {env: P}\n    flows: {updates: both, events: none, licenses: none}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      if (link.kind === 'parent-child' && link.parent === link.child) {
        out.push(
          finding(this, linkPointer(link, 'child'), `link joins ${link.parent} to itself`, {
            related: [
              { pointer: linkPointer(link, 'parent'), message: 'parent is the same server' },
            ],
          }),
        );
      } else if (link.kind === 'peer' && link.peers[0] === link.peers[1]) {
        out.push(
          finding(this, linkPointer(link, 'peers', 1), `link joins ${link.peers[0]} to itself`, {
            related: [
              { pointer: linkPointer(link, 'peers', 0), message: 'first peer is the same server' },
            ],
          }),
        );
      }
    }
    return out;
  },
};
