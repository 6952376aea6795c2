import { HEAD } from '../../../test/helpers/topology.js';
import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { missingFieldRule } from './missing-field.js';

const S2 = [server('A'), server('B')];

describeRule(missingFieldRule, [
  { name: 'a complete topology', yaml: topo(S2, [...pc('A', 'B')]), want: [], clean: true },
  { name: 'no links at all', yaml: topo(['  A: {version: 13}']), want: [], clean: true },

  // Required by the schema (reported by the loader with this rule id).
  {
    name: 'apiVersion',
    yaml: 'kind: Topology\nservers: {}\n',
    want: [{ pointer: '', at: '1:1' }],
    messages: ['the topology is missing required field "apiVersion"'],
  },
  {
    name: 'kind',
    yaml: 'apiVersion: avnet/v1\nservers: {}\n',
    want: [{ pointer: '', at: '1:1' }],
    messages: ['missing required field "kind"'],
  },
  {
    name: 'servers',
    yaml: HEAD + 'links: []\n',
    want: [{ pointer: '', at: '1:1' }],
    messages: ['missing required field "servers"'],
  },
  {
    name: 'all three, in message order',
    yaml: '# comment\nname: x\n',
    want: [
      { pointer: '', at: '2:1' },
      { pointer: '', at: '2:1' },
      { pointer: '', at: '2:1' },
    ],
    messages: ['"apiVersion"', '"kind"', '"servers"'],
  },
  {
    name: "a parent/child link's password",
    yaml: topo(S2, ['  - parent: A', '    child: B']),
    want: [{ pointer: '/links/0', at: '7:5' }],
    messages: ['link A->B is missing required field "password"'],
  },
  {
    name: "a peer link's password, flow style",
    yaml: topo(S2, ['  - {peers: [A, B], flows: {updates: both}}']),
    want: [{ pointer: '/links/0', at: '7:5' }],
    messages: ['"password"'],
  },
  {
    name: "a peer link's flows",
    yaml: topo(S2, ['  - peers: [A, B]', '    password: {env: P}']),
    want: [{ pointer: '/links/0', at: '7:5' }],
    messages: ['link A<->B is missing required field "flows"'],
    absent: ['no-dataflow'],
  },

  // Certificates of a linked v11+ server.
  {
    name: 'certificates of a linked v13 server (default version): at the server name',
    yaml: topo(['  A: {address: a.example}', server('B')], pc('A', 'B')),
    want: [{ pointer: '/servers/A', at: '4:3', related: ['7:5'] }],
    messages: ['server A (v13) has links but no certificates'],
  },
  {
    name: 'an empty certificate list of a linked v11 server',
    yaml: topo(
      [server('A'), '  B: {address: b.example, version: 11, certificates: []}'],
      peers('A', 'B'),
    ),
    want: [{ pointer: '/servers/B', at: '5:3', related: ['7:5'] }],
  },
  {
    name: 'certificates of an unlinked server are not needed',
    yaml: topo([server('A'), server('B'), '  C: {address: c.example}'], pc('A', 'B')),
    want: [],
  },
  {
    name: 'v10 servers linked to each other need none',
    yaml: topo(
      ['  A: {address: a.example, version: 10}', '  B: {address: b.example, version: 10}'],
      pc('A', 'B'),
    ),
    want: [],
    clean: true,
  },

  // The address of a server another server must dial.
  {
    name: 'a parent without address, the link has none either',
    yaml: topo(['  A: {certificates: [certs/A.pem]}', server('B')], pc('A', 'B')),
    want: [{ pointer: '/servers/A', at: '4:3', related: ['7:5'] }],
    messages: ['server A has no address, but B must dial it'],
  },
  {
    name: 'a parent without address, the link gives one',
    yaml: topo(
      ['  A: {certificates: [certs/A.pem]}', server('B')],
      pc('A', 'B', 'address: 10.0.0.5'),
    ),
    want: [],
    clean: true,
  },
  {
    name: 'a child without address is never dialed',
    yaml: topo([server('A'), '  B: {certificates: [certs/B.pem]}'], pc('A', 'B')),
    want: [],
    clean: true,
  },
  {
    name: 'a parent without address dialed by two children',
    yaml: topo(
      ['  A: {certificates: [certs/A.pem]}', server('B'), server('C')],
      [...pc('A', 'B'), ...pc('A', 'C')],
    ),
    want: [{ pointer: '/servers/A', at: '4:3', related: ['8:5', '11:5'] }],
    messages: ['server A has no address, but B, C must dial it'],
  },
  {
    name: 'the non-dialing peer without address (default dial: first peer)',
    yaml: topo([server('A'), '  B: {certificates: [certs/B.pem]}'], peers('A', 'B')),
    want: [{ pointer: '/servers/B', at: '5:3', related: ['7:5'] }],
    messages: ['server B has no address, but A must dial it'],
  },
  {
    name: 'the dialing peer itself needs no address',
    yaml: topo(['  A: {certificates: [certs/A.pem]}', server('B')], peers('A', 'B')),
    want: [],
    clean: true,
  },
  {
    name: 'dial: B makes A the one that needs an address',
    yaml: topo(
      ['  A: {certificates: [certs/A.pem]}', server('B')],
      peers('A', 'B', undefined, 'dial: B'),
    ),
    want: [{ pointer: '/servers/A', at: '4:3', related: ['7:5'] }],
  },
  {
    name: 'dial: both needs both addresses',
    yaml: topo(
      ['  A: {certificates: [certs/A.pem]}', '  B: {certificates: [certs/B.pem]}'],
      peers('A', 'B', undefined, 'dial: both'),
    ),
    want: [
      { pointer: '/servers/A', at: '4:3', related: ['7:5'] },
      { pointer: '/servers/B', at: '5:3', related: ['7:5'] },
    ],
  },
]);
