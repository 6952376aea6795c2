import { describeRule, pc, server, topo } from '../../../test/helpers/rule-table.js';
import { invalidAddressRule } from './invalid-address.js';

/** Server A with the given address (value at 4:16), linked as the parent of B. */
const addr = (a: string) =>
  topo(
    [`  A: {address: ${JSON.stringify(a)}, certificates: [certs/A.pem]}`, server('B')],
    pc('A', 'B'),
  );

const valid = [
  'a.example',
  'a.example:2193',
  'a.example:1',
  'a.example:65535',
  '10.0.0.5',
  '10.0.0.5:2193',
  '[::1]:2193',
  '[::1]',
  '[2001:db8::1]:443',
  'localhost',
];

const invalid = [
  'a.example:0',
  'a.example:65536',
  'a.example:99999',
  'a.example:',
  'bad_host',
  'bad host',
  '300.1.1.1',
  '::1',
  '[::1',
  '[::g]:2193',
  'http://a.example',
  '-a.example',
];

describeRule(invalidAddressRule, [
  ...valid.map((a) => ({ name: `valid: ${a}`, yaml: addr(a), want: [], clean: true })),
  ...invalid.map((a) => ({
    name: `invalid: ${a}`,
    yaml: addr(a),
    want: [{ pointer: '/servers/A/address', at: '4:16' }],
    messages: [`address "${a}" of A is invalid`],
    absent: ['schema' as const, 'duplicate-address' as const],
  })),
  {
    name: 'a link address with port 0',
    yaml: topo([server('A'), server('B')], pc('A', 'B', 'address: "10.0.0.5:0"')),
    want: [{ pointer: '/links/0/address', at: '10:14' }],
    messages: ['address "10.0.0.5:0" of link A->B is invalid'],
  },
  {
    name: 'a valid link address',
    yaml: topo([server('A'), server('B')], pc('A', 'B', 'address: "[::1]:2193"')),
    want: [],
    clean: true,
  },
]);
