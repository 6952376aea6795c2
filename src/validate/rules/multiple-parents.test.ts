import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { multipleParentsRule } from './multiple-parents.js';

const S4 = [server('A'), server('B'), server('C'), server('D')];

// Four servers: `links:` is line 8, links start at line 9 and take three lines each.
describeRule(multipleParentsRule, [
  {
    name: 'a tree',
    yaml: topo(S4, [...pc('A', 'B'), ...pc('A', 'C'), ...pc('B', 'D')]),
    want: [],
    clean: true,
  },
  {
    name: 'a child that is also a peer of another server',
    yaml: topo(S4, [...pc('A', 'C'), ...peers('B', 'C')]),
    want: [],
  },
  {
    name: 'a child of two parents',
    yaml: topo(S4, [...pc('A', 'C'), ...pc('B', 'C')]),
    want: [{ pointer: '/links/1/child', at: '13:12', related: ['10:12'] }],
    messages: ['C is a child of both A and B'],
  },
  {
    name: 'a child of three parents: each later parent points at the first',
    yaml: topo(S4, [...pc('A', 'D'), ...pc('B', 'C'), ...pc('B', 'D'), ...pc('C', 'D')]),
    want: [
      { pointer: '/links/2/child', at: '16:12', related: ['10:12'] },
      { pointer: '/links/3/child', at: '19:12', related: ['10:12'] },
    ],
  },
  {
    name: 'the same parent twice is a duplicate link, not two parents',
    yaml: topo(S4, [...pc('A', 'C'), ...pc('A', 'C')]),
    want: [],
  },
  {
    name: 'self-links are ignored',
    yaml: topo(S4, [...pc('A', 'C'), ...pc('C', 'C')]),
    want: [],
  },
]);
