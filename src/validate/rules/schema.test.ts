import { describeRule, pc, server, topo, type RuleCase } from '../../../test/helpers/rule-table.js';
import { schemaDoc } from './schema.js';

const cases: RuleCase[] = [
  {
    name: 'a valid file',
    yaml: topo([server('A'), server('B')], pc('A', 'B')),
    want: [],
    clean: true,
  },
  {
    name: 'an unknown key, at the key',
    yaml: topo([server('A', 'adress: x.example'), server('B')], pc('A', 'B')),
    want: [{ pointer: '/servers/A/adress', at: '4:56' }],
    messages: [/adress/],
  },
  {
    name: 'a version that is not a number, at the value',
    yaml: topo([server('A', 'version: eleven'), server('B')], pc('A', 'B')),
    want: [{ pointer: '/servers/A/version', at: '4:65' }],
  },
  {
    name: 'a bad enum value',
    yaml: topo([server('A', 'encryption: maybe'), server('B')], pc('A', 'B')),
    want: [{ pointer: '/servers/A/encryption', at: '4:68' }],
    messages: [/yes, possible|possible/],
  },
  {
    name: 'a wrong apiVersion',
    yaml: 'apiVersion: avnet/v2\nkind: Topology\nservers: {}\n',
    want: [{ pointer: '/apiVersion', at: '1:13' }],
  },
];

describeRule(schemaDoc, cases);
