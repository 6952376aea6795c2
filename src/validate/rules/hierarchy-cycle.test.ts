import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { hierarchyCycleRule } from './hierarchy-cycle.js';

const S4 = [server('A'), server('B'), server('C'), server('D')];

// Four servers: links start at line 9 and take three lines each (9, 12, 15, 18).
describeRule(hierarchyCycleRule, [
  {
    name: 'a chain',
    yaml: topo(S4, [...pc('A', 'B'), ...pc('B', 'C'), ...pc('C', 'D')]),
    want: [],
    clean: true,
  },
  {
    name: 'a diamond is not a cycle',
    yaml: topo(S4, [...pc('A', 'B'), ...pc('A', 'C'), ...pc('B', 'D'), ...pc('C', 'D')]),
    want: [],
  },
  {
    name: 'a cycle of length 2, reported at the closing link',
    yaml: topo(S4, [...pc('A', 'B'), ...pc('B', 'A')]),
    want: [{ pointer: '/links/1', at: '12:5', related: ['9:5'] }],
    messages: [/parent\/child links form a cycle: (A -> B -> A|B -> A -> B)/],
  },
  {
    name: 'a cycle of length 3',
    yaml: topo(S4, [...pc('A', 'B'), ...pc('B', 'C'), ...pc('C', 'A'), ...pc('C', 'D')]),
    want: [{ pointer: '/links/2', at: '15:5', related: ['9:5', '12:5'] }],
    messages: [/cycle: ([ABC]) -> [ABC] -> [ABC] -> \1$/],
  },
  {
    name: 'a cycle declared in reverse order closes at the last link; related follow the cycle',
    yaml: topo(S4, [...pc('C', 'A'), ...pc('B', 'C'), ...pc('D', 'B'), ...pc('A', 'D')]),
    want: [{ pointer: '/links/3', at: '18:5', related: ['12:5', '9:5', '15:5'] }],
    messages: ['cycle: B -> C -> A -> D -> B'],
  },
  {
    name: 'peer links never form a hierarchy cycle',
    yaml: topo(S4, [
      ...pc('A', 'B'),
      ...peers('B', 'C', 'updates: B->C, events: none, licenses: none'),
      ...peers('C', 'A', 'updates: C->A, events: none, licenses: none'),
    ]),
    want: [],
  },
  {
    name: 'two separate cycles',
    yaml: topo(S4, [...pc('A', 'B'), ...pc('C', 'D'), ...pc('B', 'A'), ...pc('D', 'C')]),
    want: [
      { pointer: '/links/2', at: '15:5', related: ['9:5'] },
      { pointer: '/links/3', at: '18:5', related: ['12:5'] },
    ],
  },
]);
