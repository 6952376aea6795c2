import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { flowDirectionRule } from './flow-direction.js';

const S3 = [server('A'), server('B'), server('C')];
const S2 = [server('A'), server('B')];

describeRule(flowDirectionRule, [
  {
    name: 'A->B, B->A and none',
    yaml: topo(S2, peers('A', 'B', 'updates: A->B, events: B->A, licenses: none')),
    want: [],
    clean: true,
  },
  {
    name: 'both everywhere, dial: B',
    yaml: topo(S2, peers('A', 'B', 'updates: both, events: both, licenses: both', 'dial: B')),
    want: [],
    clean: true,
  },
  {
    name: 'spaces around the arrow',
    yaml: topo(S2, peers('A', 'B', 'updates: A -> B, events: none, licenses: none')),
    want: [],
    clean: true,
  },
  {
    name: 'dial: both is not a schema problem',
    yaml: topo(S2, peers('A', 'B', undefined, 'dial: both')),
    want: [],
  },
  {
    name: 'a direction naming two other servers',
    yaml: topo(S2, peers('A', 'B', 'updates: both, events: X->Y, licenses: none')),
    want: [{ pointer: '/links/0/flows/events', at: '9:36' }],
    messages: ['events must be A->B, B->A, both or none (got "X->Y")'],
    absent: ['no-dataflow'],
  },
  {
    name: 'a direction naming a defined server that is not a peer of the link',
    yaml: topo(S3, peers('A', 'B', 'updates: A->C, events: none, licenses: none')),
    want: [{ pointer: '/links/0/flows/updates', at: '10:22' }],
    absent: ['no-dataflow', 'update-cycle'],
  },
  {
    name: 'a direction from a peer to itself',
    yaml: topo(S2, peers('A', 'B', 'updates: none, events: none, licenses: B->B')),
    want: [{ pointer: '/links/0/flows/licenses', at: '9:52' }],
    absent: ['no-dataflow'],
  },
  {
    name: 'a value that is not a direction at all is reported once',
    yaml: topo(S2, peers('A', 'B', 'updates: sideways, events: both, licenses: none')),
    want: [{ pointer: '/links/0/flows/updates', at: '9:22' }],
  },
  {
    name: 'dial names a server that is not a peer',
    yaml: topo(S3, peers('A', 'B', undefined, 'dial: C')),
    want: [{ pointer: '/links/0/dial', at: '11:11' }],
    messages: ['dial must be "A", "B" or "both" (got "C")'],
  },
  {
    name: 'flows block style, the bad direction in the second peer link',
    yaml: topo(S3, [
      ...peers('A', 'B'),
      '  - peers: [B, C]',
      '    password: {env: P_B_C}',
      '    flows:',
      '      updates: C->A',
      '      events: both',
    ]),
    want: [{ pointer: '/links/1/flows/updates', at: '14:16' }],
  },
  {
    name: 'parent/child links are not checked here',
    yaml: topo(S2, pc('A', 'B')),
    want: [],
  },
]);
