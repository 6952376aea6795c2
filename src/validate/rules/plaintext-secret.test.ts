import { describeRule, pc, server, topo } from '../../../test/helpers/rule-table.js';
import { plaintextSecretRule } from './plaintext-secret.js';

const S2 = [server('A'), server('B')];

describeRule(plaintextSecretRule, [
  { name: 'env secret', yaml: topo(S2, pc('A', 'B')), want: [], clean: true },
  {
    name: 'file secret',
    yaml: topo(S2, ['  - parent: A', '    child: B', '    password: {file: secrets/ab}']),
    files: { 'secrets/ab': 'pw\n' },
    want: [],
    clean: true,
  },
  {
    name: 'inline password',
    yaml: topo(S2, ['  - parent: A', '    child: B', '    password: hunter2']),
    want: [{ pointer: '/links/0/password', at: '9:15' }],
  },
  {
    name: 'inline password in a flow-style link',
    yaml: topo(S2, ['  - {parent: A, child: B, password: "s3cret"}']),
    want: [{ pointer: '/links/0/password', at: '7:37' }],
  },
  {
    name: 'the message never contains the password',
    yaml: topo(S2, ['  - parent: A', '    child: B', '    password: Zq8-unique-secret']),
    want: [{ pointer: '/links/0/password', at: '9:15' }],
    messages: [/^(?!.*Zq8-unique-secret).*written inline/],
  },
]);
