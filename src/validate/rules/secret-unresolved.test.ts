import { describeRule, pc, server, topo, type RuleCase } from '../../../test/helpers/rule-table.js';
import { secretUnresolvedDoc } from './secret-unresolved.js';

const yaml = topo([server('A'), server('B')], pc('A', 'B'));
const withFile = topo(
  [server('A'), server('B')],
  ['  - parent: A', '    child: B', '    password: {file: secrets/a-b}'],
);

const cases: RuleCase[] = [
  {
    name: 'secrets not resolved (plain validate): nothing to report',
    yaml,
    want: [],
    clean: true,
  },
  {
    name: 'the variable is set',
    yaml,
    load: { resolveSecrets: true, env: { P_A_B: 'pw-1234567' } },
    want: [],
  },
  {
    name: 'the variable is unset, at the variable name',
    yaml,
    load: { resolveSecrets: true, env: {} },
    want: [{ pointer: '/links/0/password/env', at: '9:21' }],
    messages: [/P_A_B/],
  },
  {
    name: 'the variable is empty',
    yaml,
    load: { resolveSecrets: true, env: { P_A_B: '' } },
    want: [{ pointer: '/links/0/password/env', at: '9:21' }],
  },
  {
    name: 'a secret file that exists',
    yaml: withFile,
    files: { 'secrets/a-b': 'pw-from-file\n' },
    load: { resolveSecrets: true, env: {} },
    want: [],
  },
  {
    name: 'a secret file that is missing',
    yaml: withFile,
    load: { resolveSecrets: true, env: {} },
    want: [{ pointer: '/links/0/password/file', at: '9:22' }],
    messages: [/secrets\/a-b/],
  },
];

describeRule(secretUnresolvedDoc, cases);
