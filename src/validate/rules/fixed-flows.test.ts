import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { fixedFlowsRule } from './fixed-flows.js';

const S2 = [server('A'), server('B')];

describeRule(fixedFlowsRule, [
  { name: 'parent/child without flows', yaml: topo(S2, pc('A', 'B')), want: [], clean: true },
  { name: 'peers with flows', yaml: topo(S2, peers('A', 'B')), want: [], clean: true },
  {
    name: 'flows on a parent/child link (flow style): at the key',
    yaml: topo(S2, pc('A', 'B', 'flows: {updates: both}')),
    want: [{ pointer: '/links/0/flows', at: '10:5' }],
    absent: ['schema'],
  },
  {
    name: 'flows on a parent/child link (block style): at the key',
    yaml: topo(S2, pc('A', 'B', 'notify: [A]', 'flows:', '  updates: A->B', '  events: none')),
    want: [{ pointer: '/links/0/flows', at: '11:5' }],
    absent: ['schema'],
  },
  {
    name: 'an empty flows mapping is still flows',
    yaml: topo(S2, pc('A', 'B', 'flows: {}')),
    want: [{ pointer: '/links/0/flows', at: '10:5' }],
  },
  {
    name: 'flows on a link written in flow style',
    yaml: topo(S2, ['  - {parent: A, child: B, password: {env: P}, flows: {events: both}}']),
    want: [{ pointer: '/links/0/flows', at: '7:47' }],
  },
]);
