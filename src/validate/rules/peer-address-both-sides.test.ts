import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { peerAddressBothSidesRule } from './peer-address-both-sides.js';

const S2 = [server('A'), server('B')];

describeRule(peerAddressBothSidesRule, [
  { name: 'default dial (first peer)', yaml: topo(S2, peers('A', 'B')), want: [], clean: true },
  { name: 'dial: B', yaml: topo(S2, peers('A', 'B', undefined, 'dial: B')), want: [], clean: true },
  { name: 'parent/child', yaml: topo(S2, pc('A', 'B')), want: [], clean: true },
  {
    name: 'dial: both',
    yaml: topo(S2, peers('A', 'B', undefined, 'dial: both')),
    want: [{ pointer: '/links/0/dial', at: '10:11' }],
    messages: ['Link with the same key id is already activated'],
  },
]);
