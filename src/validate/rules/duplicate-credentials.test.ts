import { fixture } from '../../../test/helpers/topology.js';
import { describeRule, server, topo } from '../../../test/helpers/rule-table.js';
import { duplicateCredentialsRule } from './duplicate-credentials.js';

const link = (parent: string, child: string, password: string) => [
  `  - parent: ${parent}`,
  `    child: ${child}`,
  `    password: ${password}`,
];
/** M is the parent of A and B; the two password values are at 10:15 and 13:15. */
const fromM = (p1: string, p2: string, m = server('M')) =>
  topo([m, server('A'), server('B')], [...link('M', 'A', p1), ...link('M', 'B', p2)]);
/** Two disjoint links A->B and C->D; passwords at 11:15 and 14:15. */
const disjoint = (
  p1: string,
  p2: string,
  servers = [server('A'), server('B'), server('C'), server('D')],
) => topo(servers, [...link('A', 'B', p1), ...link('C', 'D', p2)]);
const SECOND = { pointer: '/links/1/password', at: '13:15', related: ['10:15'] };
const P256 = fixture('ec-p256.pem');

describeRule(duplicateCredentialsRule, [
  { name: 'different env names', yaml: fromM('{env: P1}', '{env: P2}'), want: [], clean: true },
  {
    name: 'the same env name on two links of one server',
    yaml: fromM('{env: SHARED}', '{env: SHARED}'),
    want: [SECOND],
    messages: [
      /^links M->A and M->B use the same password with certificate of M \(sha256 ([0-9A-F]{2}:){8}\.\.\.\)$/,
    ],
  },
  {
    name: 'the same secret file on two links',
    yaml: fromM('{file: secrets/pw}', '{file: secrets/pw}'),
    files: { 'secrets/pw': 'pw\n' },
    want: [SECOND],
  },
  {
    name: 'the same inline password',
    yaml: fromM('same-pw', 'same-pw'),
    want: [SECOND],
  },
  {
    name: 'a parent/child and a peer link of one server',
    yaml: topo(
      [server('M'), server('A'), server('B')],
      [
        ...link('M', 'A', '{env: SHARED}'),
        '  - peers: [M, B]',
        '    password: {env: SHARED}',
        '    flows: {updates: both}',
      ],
    ),
    want: [{ pointer: '/links/1/password', at: '12:15', related: ['10:15'] }],
  },
  {
    name: 'three links with one password: each later one points at the first',
    yaml: topo(
      [server('M'), server('A'), server('B'), server('C')],
      [...link('M', 'A', '{env: S}'), ...link('M', 'B', '{env: S}'), ...link('M', 'C', '{env: S}')],
    ),
    want: [
      { pointer: '/links/1/password', at: '14:15', related: ['11:15'] },
      { pointer: '/links/2/password', at: '17:15', related: ['11:15'] },
    ],
  },
  {
    name: 'the same env name on links with no server in common',
    yaml: disjoint('{env: SHARED}', '{env: SHARED}'),
    want: [],
  },
  {
    name: 'no server in common, but one certificate (by fingerprint, two paths)',
    yaml: disjoint('{env: SHARED}', '{env: SHARED}', [
      server('A'),
      '  B: {address: b.example, certificates: [tls/one.pem]}',
      '  C: {address: c.example, certificates: [tls/two.pem]}',
      server('D'),
    ]),
    files: { 'tls/one.pem': P256, 'tls/two.pem': P256 },
    want: [{ pointer: '/links/1/password', at: '14:15', related: ['11:15'] }],
    messages: ['certificate of C'],
  },
  {
    name: 'an unparseable certificate still counts by path',
    yaml: fromM('{env: S}', '{env: S}', '  M: {address: m.example, certificates: [tls/bad.pem]}'),
    files: { 'tls/bad.pem': 'not a certificate' },
    want: [SECOND],
    messages: ['certificate of M (tls/bad.pem)'],
  },
  {
    name: 'different files with equal content, secrets not resolved: compared by reference',
    yaml: fromM('{file: secrets/one}', '{file: secrets/two}'),
    files: { 'secrets/one': 'pw\n', 'secrets/two': 'pw' },
    want: [],
  },
  {
    name: 'different files with equal content, secrets resolved: compared by value',
    yaml: fromM('{file: secrets/one}', '{file: secrets/two}'),
    files: { 'secrets/one': 'pw\n', 'secrets/two': 'pw' },
    load: { resolveSecrets: true, env: {} },
    want: [SECOND],
  },
  {
    name: 'different env names with equal values, secrets resolved',
    yaml: fromM('{env: P1}', '{env: P2}'),
    load: { resolveSecrets: true, env: { P1: 'same', P2: 'same' } },
    want: [SECOND],
  },
  {
    name: 'an env value equal to an inline password, secrets resolved',
    yaml: fromM('{env: P1}', 'same'),
    load: { resolveSecrets: true, env: { P1: 'same' } },
    want: [SECOND],
  },
  {
    name: 'different env names with different values, secrets resolved',
    yaml: fromM('{env: P1}', '{env: P2}'),
    load: { resolveSecrets: true, env: { P1: 'first-k3J9vQ2x', P2: 'second-Lm8tWr5z' } },
    want: [],
    clean: true,
  },
  {
    name: 'the message never contains the password value',
    yaml: fromM('{env: P1}', '{env: P2}'),
    load: { resolveSecrets: true, env: { P1: 'Qx7-unique', P2: 'Qx7-unique' } },
    want: [SECOND],
    messages: [/^(?!.*Qx7-unique)/],
  },
]);
