import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { selfLinkRule } from './self-link.js';

describeRule(selfLinkRule, [
  {
    name: 'parent/child between two servers',
    yaml: topo([server('A'), server('B')], pc('A', 'B')),
    want: [],
    clean: true,
  },
  {
    name: 'peers between two servers',
    yaml: topo([server('A'), server('B')], peers('A', 'B')),
    want: [],
    clean: true,
  },
  {
    name: 'parent and child are the same server',
    yaml: topo([server('A'), server('B')], pc('A', 'A')),
    want: [{ pointer: '/links/0/child', at: '8:12', related: ['7:13'] }],
    messages: ['link joins A to itself'],
  },
  {
    name: 'both peers are the same server',
    yaml: topo([server('A'), server('B')], peers('A', 'A')),
    want: [{ pointer: '/links/0/peers/1', at: '7:16', related: ['7:13'] }],
  },
  {
    name: 'flow-style link',
    yaml: topo(
      [server('A'), server('B')],
      [
        '  - {parent: A, child: B, password: {env: P1}}',
        '  - {parent: B, child: B, password: {env: P2}}',
      ],
    ),
    want: [{ pointer: '/links/1/child', at: '8:24', related: ['8:14'] }],
    absent: ['duplicate-link', 'hierarchy-cycle'],
  },
]);
