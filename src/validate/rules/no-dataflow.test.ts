import { describeRule, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { noDataflowRule } from './no-dataflow.js';

const S2 = [server('A'), server('B')];

// The peer link starts at line 7; `flows: {` puts the mapping at 9:12.
describeRule(noDataflowRule, [
  { name: 'updates both', yaml: topo(S2, peers('A', 'B')), want: [], clean: true },
  {
    name: 'only licenses, one way',
    yaml: topo(S2, peers('A', 'B', 'licenses: B->A')),
    want: [],
    clean: true,
  },
  {
    name: 'every flow none',
    yaml: topo(S2, peers('A', 'B', 'updates: none, events: none, licenses: none')),
    want: [{ pointer: '/links/0/flows', at: '9:12' }],
    messages: ['peer link A<->B carries no updates, events or licenses'],
  },
  {
    name: 'an empty flows mapping',
    yaml: topo(S2, peers('A', 'B', '')),
    want: [{ pointer: '/links/0/flows', at: '9:12' }],
  },
  {
    name: 'absent flows count as none (block style)',
    yaml: topo(S2, [
      '  - peers: [A, B]',
      '    password: {env: P}',
      '    flows:',
      '      events: none',
    ]),
    want: [{ pointer: '/links/0/flows', at: '10:7' }],
  },
  {
    name: 'a direction that names other servers is a schema error instead',
    yaml: topo(S2, peers('A', 'B', 'updates: X->Y, events: none, licenses: none')),
    want: [],
  },
  {
    name: 'missing flows is missing-field instead',
    yaml: topo(S2, ['  - peers: [A, B]', '    password: {env: P}']),
    want: [],
  },
]);
