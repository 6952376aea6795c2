import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { duplicateLinkRule } from './duplicate-link.js';

const S3 = [server('A'), server('B'), server('C')];

describeRule(duplicateLinkRule, [
  {
    name: 'different pairs',
    yaml: topo(S3, [...pc('A', 'B'), ...peers('B', 'C')]),
    want: [],
    clean: true,
  },
  {
    name: 'the same parent/child link twice',
    yaml: topo(S3, [...pc('A', 'B'), ...pc('A', 'B')]),
    want: [{ pointer: '/links/1', at: '11:5', related: ['8:5'] }],
    messages: ['link A->B duplicates link A->B'],
  },
  {
    name: 'parent/child in both directions',
    yaml: topo(S3, [...pc('A', 'B'), ...pc('B', 'A')]),
    want: [{ pointer: '/links/1', at: '11:5', related: ['8:5'] }],
  },
  {
    name: 'parent/child and peers over the same pair, peers in the other order',
    yaml: topo(S3, [...pc('A', 'B'), ...peers('B', 'A')]),
    want: [{ pointer: '/links/1', at: '11:5', related: ['8:5'] }],
    messages: ['link B<->A duplicates link A->B'],
  },
  {
    name: 'three links over one pair point back at the first',
    yaml: topo(S3, [...peers('A', 'B'), ...pc('C', 'A'), ...peers('A', 'B'), ...pc('B', 'A')]),
    want: [
      { pointer: '/links/2', at: '14:5', related: ['8:5'] },
      { pointer: '/links/3', at: '17:5', related: ['8:5'] },
    ],
  },
  {
    name: 'self-links are left to self-link',
    yaml: topo(S3, [...pc('A', 'A'), ...pc('A', 'A')]),
    want: [],
  },
]);
