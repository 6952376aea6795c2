import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { notificationsWithoutEventsRule } from './notifications-without-events.js';

const S3 = [server('A'), server('B'), server('C')];

// Three servers: the link starts at line 8; its `notify` line is 11 (`    notify: [` = 13).
describeRule(notificationsWithoutEventsRule, [
  {
    name: 'parent receives events from its child',
    yaml: topo(S3, pc('A', 'B', 'notify: [A]')),
    want: [],
    clean: true,
  },
  {
    name: 'the child receives no events',
    yaml: topo(S3, pc('A', 'B', 'notify: [B]')),
    want: [{ pointer: '/links/0/notify/0', at: '11:14' }],
    messages: ['B receives no events over link A->B'],
  },
  {
    name: 'a server not on the link',
    yaml: topo(S3, pc('A', 'B', 'notify: [C]')),
    want: [{ pointer: '/links/0/notify/0', at: '11:14' }],
    messages: ['C is not on link A->B'],
  },
  {
    name: 'an undefined server',
    yaml: topo(S3, pc('A', 'B', 'notify: [A, Z]')),
    want: [{ pointer: '/links/0/notify/1', at: '11:17' }],
  },
  {
    name: 'peer receiving events A->B',
    yaml: topo(S3, peers('A', 'B', 'updates: none, events: A->B, licenses: none', 'notify: [B]')),
    want: [],
    clean: true,
  },
  {
    name: 'peer sending events A->B',
    yaml: topo(
      S3,
      peers('A', 'B', 'updates: none, events: A->B, licenses: none', 'notify: [B, A]'),
    ),
    want: [{ pointer: '/links/0/notify/1', at: '11:17' }],
  },
  {
    name: 'events both: both peers may notify',
    yaml: topo(
      S3,
      peers('A', 'B', 'updates: none, events: both, licenses: none', 'notify: [A, B]'),
    ),
    want: [],
  },
  {
    name: 'events none: nobody may notify',
    yaml: topo(S3, peers('A', 'B', 'updates: both, events: none, licenses: none', 'notify: [A]')),
    want: [{ pointer: '/links/0/notify/0', at: '11:14' }],
  },
  {
    name: 'block-style notify list',
    yaml: topo(S3, pc('A', 'B', 'notify:', '  - A', '  - B')),
    want: [{ pointer: '/links/0/notify/1', at: '13:9' }],
  },
]);
