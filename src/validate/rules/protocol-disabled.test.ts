import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { protocolDisabledRule } from './protocol-disabled.js';

// `  A: {address: a.example, certificates: [certs/A.pem], protocol: ` is 65 characters.
describeRule(protocolDisabledRule, [
  {
    name: 'enabled explicitly',
    yaml: topo([server('A', 'protocol: enabled'), server('B')], pc('A', 'B')),
    want: [],
    clean: true,
  },
  {
    name: 'disabled on a server without links',
    yaml: topo([server('A'), server('B'), server('C', 'protocol: disabled')], pc('A', 'B')),
    want: [],
    clean: true,
  },
  {
    name: 'disabled on a linked server',
    yaml: topo([server('A', 'protocol: disabled'), server('B')], pc('A', 'B')),
    want: [{ pointer: '/servers/A/protocol', at: '4:66', related: ['7:5'] }],
    messages: ['server A has 1 link but its protocol is disabled'],
  },
  {
    name: 'disabled on a server with two links',
    yaml: topo(
      [server('A'), server('B', 'protocol: disabled'), server('C')],
      [...pc('A', 'B'), ...peers('B', 'C')],
    ),
    want: [{ pointer: '/servers/B/protocol', at: '5:66', related: ['8:5', '11:5'] }],
    messages: ['server B has 2 links'],
  },
]);
