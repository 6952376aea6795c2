import { entry, linked, server, states } from '../../../test/helpers/state.js';
import { describeStateRule } from '../../../test/helpers/state-table.js';
import { peerAddressMissingRule } from './peer-address-missing.js';

const [aPeerB, bPeerA] = linked('A', 'B', 'peer');
const [aForC, cForA] = linked('A', 'C', 'child');

describeStateRule(peerAddressMissingRule, [
  {
    name: 'one side holds the address',
    servers: states(server('A', [aPeerB]), server('B', [bPeerA])),
    want: [],
  },
  {
    name: 'the other side holds the address',
    servers: states(
      server('A', [{ ...aPeerB, address: null }]),
      server('B', [{ ...bPeerA, address: 'a.example' }]),
    ),
    want: [],
  },
  {
    name: 'both sides hold one (that is peer-address-both-sides)',
    servers: states(server('A', [aPeerB]), server('B', [{ ...bPeerA, address: 'a.example' }])),
    want: [],
  },
  {
    name: 'neither side holds an address',
    servers: states(
      server('A', [aForC, { ...aPeerB, address: null }]),
      server('B', [bPeerA]),
      server('C', [cForA]),
    ),
    want: ['A→B /neighbors/1/address [related: B /neighbors/0/address]'],
    messages: ['peer link A<->B: neither entry holds an address'],
  },
  {
    name: 'an empty string is no address',
    servers: states(server('A', [{ ...aPeerB, address: '' }]), server('B', [bPeerA])),
    want: ['A→B /neighbors/0/address [related: B /neighbors/0/address]'],
  },
  {
    name: 'parent/child entries without addresses are not peer links',
    servers: states(
      server('A', [{ ...aForC, address: null }]),
      server('C', [{ ...cForA, address: null }]),
    ),
    want: [],
  },
  {
    name: 'a one-sided peer entry is left to one-sided-link',
    servers: states(server('A', [entry('B', 'peer')]), server('B', [])),
    want: [],
  },
]);
