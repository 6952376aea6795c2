import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { updateCycleRule } from './update-cycle.js';

const S4 = [server('A'), server('B'), server('C'), server('D')];
const oneWay = (from: string, to: string) =>
  `updates: ${from}->${to}, events: none, licenses: none`;
const both = 'updates: both, events: none, licenses: none';

// Four servers: links start at line 9 and take three lines each (9, 12, 15, 18).
describeRule(updateCycleRule, [
  {
    name: 'a single peer link with updates: both is not a loop',
    yaml: topo(S4, peers('A', 'B', both)),
    want: [],
    clean: true,
  },
  {
    name: 'a pure parent/child loop is hierarchy-cycle, not update-cycle',
    yaml: topo(S4, [...pc('A', 'B'), ...pc('B', 'C'), ...pc('C', 'A')]),
    want: [],
  },
  {
    name: 'siblings exchanging updates under one parent',
    yaml: topo(S4, [...pc('A', 'B'), ...pc('A', 'C'), ...peers('B', 'C', both)]),
    want: [],
  },
  {
    name: 'a chain of peer links with updates: both',
    yaml: topo(S4, [...peers('A', 'B', both), ...peers('B', 'C', both), ...peers('C', 'D', both)]),
    want: [],
  },
  {
    name: 'one-way peer links that do not close a loop',
    yaml: topo(S4, [
      ...peers('A', 'B', oneWay('A', 'B')),
      ...peers('B', 'C', oneWay('B', 'C')),
      ...peers('A', 'C', oneWay('A', 'C')),
    ]),
    want: [],
  },
  {
    name: 'a loop that carries events only, not updates',
    yaml: topo(S4, [
      ...pc('A', 'B'),
      ...peers('B', 'C', 'updates: none, events: both, licenses: none'),
      ...peers('C', 'A', 'updates: none, events: C->A, licenses: none'),
    ]),
    want: [],
  },
  {
    name: 'parent/child then two one-way peer links back to the parent',
    yaml: topo(S4, [
      ...pc('A', 'B'),
      ...peers('B', 'C', oneWay('B', 'C')),
      ...peers('C', 'A', oneWay('C', 'A')),
    ]),
    want: [{ pointer: '/links/2', at: '15:5', related: ['9:5', '12:5'] }],
    messages: ['closed by link C<->A'],
  },
  {
    name: 'a triangle of one-way peer links',
    yaml: topo(S4, [
      ...peers('A', 'B', oneWay('A', 'B')),
      ...peers('B', 'C', oneWay('B', 'C')),
      ...peers('C', 'A', oneWay('C', 'A')),
    ]),
    want: [{ pointer: '/links/2', at: '15:5', related: ['9:5', '12:5'] }],
  },
  {
    name: 'a triangle of peer links with updates: both',
    yaml: topo(S4, [...peers('A', 'B', both), ...peers('B', 'C', both), ...peers('C', 'A', both)]),
    want: [{ pointer: '/links/2', at: '15:5', related: ['9:5', '12:5'] }],
  },
  {
    name: 'parent/child links around a peer link with updates: both',
    yaml: topo(S4, [...pc('A', 'B'), ...peers('B', 'C', both), ...pc('C', 'A')]),
    want: [{ pointer: '/links/1', at: '12:5', related: ['9:5', '15:5'] }],
  },
]);
