import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { unknownServerRule } from './unknown-server.js';

describeRule(unknownServerRule, [
  {
    name: 'both ends defined',
    yaml: topo([server('A'), server('B')], pc('A', 'B')),
    want: [],
    clean: true,
  },
  {
    name: 'child not defined',
    yaml: topo([server('A'), server('B')], pc('A', 'X')),
    want: [{ pointer: '/links/0/child', at: '8:12' }],
    messages: ['server "X" is not defined in servers'],
  },
  {
    name: 'parent and child not defined',
    yaml: topo([server('A')], pc('X', 'Y')),
    want: [
      { pointer: '/links/0/parent', at: '6:13' },
      { pointer: '/links/0/child', at: '7:12' },
    ],
  },
  {
    name: 'second peer not defined',
    yaml: topo([server('A'), server('B')], peers('A', 'X')),
    want: [{ pointer: '/links/0/peers/1', at: '7:16' }],
  },
  {
    name: 'names are case-sensitive, with a hint',
    yaml: topo([server('A'), server('B')], pc('a', 'B')),
    want: [{ pointer: '/links/0/parent', at: '7:13' }],
    messages: ['(did you mean "A"?)'],
  },
  {
    name: 'no servers at all',
    yaml: topo(['  {}'].slice(1), pc('A', 'B')).replace('servers:\n', 'servers: {}\n'),
    want: [
      { pointer: '/links/0/parent', at: '5:13' },
      { pointer: '/links/0/child', at: '6:12' },
    ],
  },
]);
