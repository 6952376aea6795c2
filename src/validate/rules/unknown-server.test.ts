import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { unknownServerRule } from './unknown-server.js';

describeRule(unknownServerRule, [
  {
    name: 'both ends defined',
    yaml: topo([server('A'), server('B')], pc('A', 'B')),
    want: [],
    clean: true,
  },
  {
    name: 'child not defined',
    yaml: topo([server('A'), server('B')], pc('A', 'X')),
    want: [{ pointer: '/links/0/child', at: '8:12' }],
    messages: ['server "X" is not defined in servers'],
  },
  {
    name: 'parent and child not defined',
    yaml: topo([server('A')], pc('X', 'Y')),
    want: [
      { pointer: '/links/0/parent', at: '6:13' },
      { pointer: '/links/0/child', at: '7:12' },
    ],
  },
  {
    name: 'second peer not defined',
    yaml: topo([server('A'), server('B')], peers('A', 'X')),
    want: [{ pointer: '/links/0/peers/1', at: '7:16' }],
  },
  {
    name: 'names are case-sensitive, with a hint',
    yaml: topo([server('A'), server('B')], pc('a', 'B')),
    want: [{ pointer: '/links/0/parent', at: '7:13' }],
    messages: ['(did you mean "A"?)'],
  },
  {
    name: 'a misspelt name: the nearest by edit distance',
    yaml: topo([server('MAIN'), server('AUXILIARY')], pc('MAIN', 'AUXILARY')),
    want: [{ pointer: '/links/0/child', at: '8:12' }],
    messages: ['server "AUXILARY" is not defined in servers (did you mean "AUXILIARY"?)'],
  },
  {
    name: 'a transposition counts as one edit',
    yaml: topo([server('MAIN'), server('AUX')], pc('MIAN', 'AUX')),
    want: [{ pointer: '/links/0/parent', at: '7:13' }],
    messages: ['(did you mean "MAIN"?)'],
  },
  {
    name: 'several equally near names',
    yaml: topo([server('MAIN'), server('BRANCH-1'), server('BRANCH-2')], pc('MAIN', 'BRANCH-3')),
    want: [{ pointer: '/links/0/child', at: '9:12' }],
    messages: ['(did you mean "BRANCH-1" or "BRANCH-2"?)'],
  },
  {
    name: 'nothing near: no guess',
    yaml: topo([server('MAIN'), server('AUX')], pc('MAIN', 'WAREHOUSE')),
    want: [{ pointer: '/links/0/child', at: '8:12' }],
    messages: [/^server "WAREHOUSE" is not defined in servers$/],
  },
  {
    name: 'a look-alike name: suggested, with where it differs',
    yaml: topo(
      [server('ALPHA'), server('B')],
      ['  - parent: "\\u0410LPHA"', '    child: B', '    password: {env: P}'],
    ),
    want: [{ pointer: '/links/0/parent', at: '7:13' }],
    messages: [
      'server "АLPHA" is not defined in servers (did you mean "ALPHA"? they look alike: "А" (U+0410) where "ALPHA" has "A" (U+0041))',
    ],
  },
  {
    name: 'an invisible character in the reference is shown',
    yaml: topo(
      [server('ALPHA'), server('B')],
      ['  - parent: "ALPHA\\u200B"', '    child: B', '    password: {env: P}'],
    ),
    want: [{ pointer: '/links/0/parent', at: '7:13' }],
    messages: [
      /^server "ALPHA⟨U\+200B⟩" is not defined in servers \(did you mean "ALPHA"\? they look alike: "⟨U\+200B⟩" where "ALPHA" has nothing\)$/,
    ],
  },
  {
    name: 'no servers at all',
    yaml: topo(['  {}'].slice(1), pc('A', 'B')).replace('servers:\n', 'servers: {}\n'),
    want: [
      { pointer: '/links/0/parent', at: '5:13' },
      { pointer: '/links/0/child', at: '6:12' },
    ],
  },
]);
