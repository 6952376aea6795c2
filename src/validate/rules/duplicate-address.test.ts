import { describeRule, topo } from '../../../test/helpers/rule-table.js';
import { duplicateAddressRule } from './duplicate-address.js';

describeRule(duplicateAddressRule, [
  {
    name: 'distinct hosts',
    yaml: topo(['  A: {address: a.example}', '  B: {address: b.example}']),
    want: [],
    clean: true,
  },
  {
    name: 'same host, different ports',
    yaml: topo(['  A: {address: "a.example:2193"}', '  B: {address: "a.example:2194"}']),
    want: [],
  },
  {
    name: 'default port 2193 and host case are normalised',
    yaml: topo(['  A: {address: a.example}', '  B: {address: "A.EXAMPLE:2193"}']),
    want: [{ pointer: '/servers/B/address', at: '5:16', related: ['4:16'] }],
    messages: ['servers A and B both use address a.example:2193'],
  },
  {
    name: 'IPv4 with and without the default port',
    yaml: topo(['  A: {address: "10.0.0.5:2193"}', '  B: {address: 10.0.0.5}']),
    want: [{ pointer: '/servers/B/address', at: '5:16', related: ['4:16'] }],
  },
  {
    name: 'IPv6 [::1]:2193 and [::1] (block style)',
    yaml: topo([
      '  A:',
      '    address: "[::1]:2193"',
      '  B:',
      '    version: 12',
      "    address: '[::1]'",
    ]),
    want: [{ pointer: '/servers/B/address', at: '8:14', related: ['5:14'] }],
    messages: ['[::1]:2193'],
  },
  {
    name: 'IPv6 hex digits are compared case-insensitively',
    yaml: topo(['  A: {address: "[::A]"}', '  B: {address: "[::a]:2193"}']),
    want: [{ pointer: '/servers/B/address', at: '5:16', related: ['4:16'] }],
  },
  {
    name: 'IPv6 on another port',
    yaml: topo(['  A: {address: "[::1]:2193"}', '  B: {address: "[::1]:2194"}']),
    want: [],
  },
  {
    name: 'three servers on one endpoint: each later one points back at the first',
    yaml: topo([
      '  A: {address: a.example}',
      '  B: {address: b.example}',
      '  C: {address: a.example}',
      '  D: {address: "a.example:2193"}',
    ]),
    want: [
      { pointer: '/servers/C/address', at: '6:16', related: ['4:16'] },
      { pointer: '/servers/D/address', at: '7:16', related: ['4:16'] },
    ],
  },
  {
    name: 'invalid addresses are left to invalid-address',
    yaml: topo(['  A: {address: "a.example:0"}', '  B: {address: "a.example:0"}']),
    want: [],
  },
  {
    name: 'servers without an address',
    yaml: topo(['  A: {version: 13}', '  B: {version: 13}']),
    want: [],
  },
]);
