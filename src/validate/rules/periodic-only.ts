/** `periodic-only`: reconnectPeriod on a permanent connection. */
import type { Finding } from '../../model/index.js';
import { effectiveConnection, linkLabel, linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Links that set a reconnect period but keep a permanent connection. */
export const periodicOnlyRule: TopologyRule = {
  id: 'periodic-only',
  severity: 'warning',
  scope: 'topology',
  summary: '`reconnectPeriod` on a permanent connection.',
  description:
    'A reconnect period only applies to `connection: periodic`; on a permanent connection it is ignored (and not written to the servers).',
  example: {
    failing:
      'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n    reconnectPeriod: 15m\n',
    fixed:
      'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n    connection: periodic\n    reconnectPeriod: 15m\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      if (
        link.reconnectPeriod !== undefined &&
        effectiveConnection(topology, link) === 'permanent'
      ) {
        out.push(
          finding(
            this,
            linkPointer(link, 'reconnectPeriod'),
            `reconnectPeriod has no effect: link ${linkLabel(link)} uses a permanent connection`,
          ),
        );
      }
    }
    return out;
  },
};
