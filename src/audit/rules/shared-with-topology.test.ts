import { describe, expect, it } from 'vitest';
import { entry, linked, server, states } from '../../../test/helpers/state.js';
import { describeStateRule } from '../../../test/helpers/state-table.js';
import {
  compressionMismatchRule,
  duplicateCredentialsRule,
  encryptionMismatchRule,
  invalidAddressRule,
  multipleParentsRule,
  peerAddressBothSidesRule,
  protocolDisabledRule,
} from '../../validate/rules/index.js';
import {
  compressionMismatchStateRule,
  duplicateCredentialsStateRule,
  encryptionMismatchStateRule,
  invalidAddressStateRule,
  multipleParentsStateRule,
  peerAddressBothSidesStateRule,
  protocolDisabledStateRule,
} from './shared-with-topology.js';

const [aPeerB, bPeerA] = linked('A', 'B', 'peer');
const [mForA, aForM] = linked('M', 'A', 'child', { password: 'p1' }, { password: 'p1' });
const [mForB, bForM] = linked('M', 'B', 'child', { password: 'p2' }, { password: 'p2' });

describe('state rules share id, severity and documentation with the topology rules', () => {
  it.each([
    [peerAddressBothSidesStateRule, peerAddressBothSidesRule],
    [encryptionMismatchStateRule, encryptionMismatchRule],
    [compressionMismatchStateRule, compressionMismatchRule],
    [duplicateCredentialsStateRule, duplicateCredentialsRule],
    [protocolDisabledStateRule, protocolDisabledRule],
    [multipleParentsStateRule, multipleParentsRule],
    [invalidAddressStateRule, invalidAddressRule],
  ])('%#', (state, topology) => {
    expect([state.id, state.severity, state.summary]).toEqual([
      topology.id,
      topology.severity,
      topology.summary,
    ]);
  });
});

describeStateRule(peerAddressBothSidesStateRule, [
  { name: 'one address', servers: states(server('A', [aPeerB]), server('B', [bPeerA])), want: [] },
  {
    name: 'both entries hold an address',
    servers: states(server('A', [aPeerB]), server('B', [{ ...bPeerA, address: 'a.example:2193' }])),
    want: ['A→B /neighbors/0/address'],
    messages: ['Link with the same key id is already activated'],
  },
  {
    name: 'parent/child entries are not peer links',
    servers: states(server('M', [{ ...mForA, address: 'a.example' }]), server('A', [aForM])),
    want: [],
  },
]);

for (const [rule, field] of [
  [encryptionMismatchStateRule, 'encryption'],
  [compressionMismatchStateRule, 'compression'],
] as const) {
  const pair = (a: string, b: string) =>
    states(server('A', [{ ...aPeerB, [field]: a }]), server('B', [{ ...bPeerA, [field]: b }]));
  describeStateRule(rule, [
    { name: 'yes and possible', servers: pair('yes', 'possible'), want: [] },
    { name: 'possible and no', servers: pair('possible', 'no'), want: [] },
    { name: 'no and no', servers: pair('no', 'no'), want: [] },
    {
      name: 'yes and no',
      servers: pair('yes', 'no'),
      want: [`A→B /neighbors/0/${field}`],
      messages: [`link A<->B cannot connect: A has ${field} yes and B no`],
    },
    { name: 'no and yes', servers: pair('no', 'yes'), want: [`A→B /neighbors/0/${field}`] },
  ]);
}

describeStateRule(duplicateCredentialsStateRule, [
  {
    name: 'one password per neighbor',
    servers: states(server('M', [mForA, mForB]), server('A', [aForM]), server('B', [bForM])),
    want: [],
  },
  {
    name: 'one server uses a password for two neighbors',
    servers: states(
      server('M', [mForA, { ...mForB, password: 'p1' }]),
      server('A', [aForM]),
      server('B', [{ ...bForM, password: 'p1' }]),
    ),
    want: ['M→B /neighbors/1/password [related: M /neighbors/0/password]'],
    messages: [/^M uses the same password with its certificate for neighbors A and B$/],
  },
]);

describeStateRule(protocolDisabledStateRule, [
  {
    name: 'enabled with neighbors',
    servers: states(server('A', [aPeerB]), server('B', [bPeerA])),
    want: [],
  },
  {
    name: 'disabled without neighbors',
    servers: states(server('A', [], { protocol: 'disabled' })),
    want: [],
  },
  {
    name: 'disabled with neighbors',
    servers: states(server('A', [aPeerB]), server('B', [bPeerA], { protocol: 'disabled' })),
    want: ['B→- /protocol'],
    messages: ['server B has 1 neighbor entries but the Dr.Web Server protocol is disabled'],
  },
]);

describeStateRule(multipleParentsStateRule, [
  { name: 'one parent', servers: states(server('A', [aForM]), server('M', [mForA])), want: [] },
  {
    name: 'two parent entries',
    servers: states(server('A', [aForM, aPeerB, entry('N', 'parent')])),
    want: ['A→N /neighbors/2'],
    messages: ['A is a child of both M and N'],
  },
]);

describeStateRule(invalidAddressStateRule, [
  {
    name: 'valid, missing and IPv6 addresses',
    servers: states(
      server('A', [
        { ...aPeerB, address: '[::1]:2193' },
        entry('C', 'peer', { address: null }),
        entry('D', 'parent', { address: 'd.example:65535' }),
      ]),
    ),
    want: [],
  },
  {
    name: 'port 0 and a host with a space',
    servers: states(
      server('A', [
        { ...aPeerB, address: 'b.example:0' },
        entry('C', 'parent', { address: 'bad host' }),
      ]),
    ),
    want: ['A→B /neighbors/0/address', 'A→C /neighbors/1/address'],
    messages: ['A\'s entry for B holds an invalid address "b.example:0"'],
  },
]);
