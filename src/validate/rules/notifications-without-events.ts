/** `notifications-without-events`: `notify` names a server that receives no events over the link. */
import type { Finding } from '../../model/index.js';
import { linkEnds, linkLabel, linkPointer, receives } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** `notify` entries that cannot be honoured. */
export const notificationsWithoutEventsRule: TopologyRule = {
  id: 'notifications-without-events',
  severity: 'error',
  scope: 'topology',
  summary:
    '`notify` names a server that does not receive events over that link, or a server not on the link.',
  description:
    'A server can only send notifications about events it receives over the link: the parent on a parent/child link, and on a peer link the side(s) that `events` flows to.',
  example: {
    failing:
      'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n    notify: [AUX]   # the child sends events, it does not receive them\n',
    fixed: 'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n    notify: [MAIN]\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      const ends = linkEnds(link);
      (link.notify ?? []).forEach((name, i) => {
        const pointer = linkPointer(link, 'notify', i);
        if (!ends.includes(name)) {
          out.push(
            finding(
              this,
              pointer,
              `${name} is not on link ${linkLabel(link)}, so it cannot be notified of its events`,
            ),
          );
        } else if (!receives(link, name, 'events')) {
          out.push(
            finding(
              this,
              pointer,
              `${name} receives no events over link ${linkLabel(link)}, so it has nothing to notify about`,
            ),
          );
        }
      });
    }
    return out;
  },
};
