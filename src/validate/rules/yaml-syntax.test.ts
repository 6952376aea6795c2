import { HEAD, lines } from '../../../test/helpers/topology.js';
import { describeRule, pc, server, topo, type RuleCase } from '../../../test/helpers/rule-table.js';
import { yamlSyntaxDoc } from './yaml-syntax.js';

const twoServers = topo([server('A'), server('B')], pc('A', 'B'));

const cases: RuleCase[] = [
  { name: 'a well-formed file', yaml: twoServers, want: [], clean: true },
  {
    name: 'an unclosed flow sequence',
    yaml: lines('apiVersion: avnet/v1', 'kind: Topology', 'servers: [', ''),
    want: [{ pointer: '', at: '5:1' }],
    messages: [/YAML syntax error/],
  },
  {
    name: 'a server declared twice is a duplicate key, at the second one',
    yaml: topo([server('A'), server('B'), server('A')]),
    want: [{ pointer: '', at: '6:3' }],
    messages: [/duplicate key "A"/],
  },
  {
    name: 'two documents in one file',
    yaml: twoServers + '---\n' + HEAD,
    want: [{ pointer: '', at: '10:1' }],
    messages: [/several YAML documents/],
  },
  {
    name: 'a tab used for indentation',
    yaml: lines('apiVersion: avnet/v1', 'kind: Topology', 'servers:', '\tA: {address: a.example}'),
    want: [{ pointer: '', at: '4:1' }],
  },
];

describeRule(yamlSyntaxDoc, cases);
