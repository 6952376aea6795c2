import { describeRule, server, topo } from '../../../test/helpers/rule-table.js';
import { confusableNameRule } from './confusable-name.js';

/** A server line with a double-quoted YAML key, so escapes like \u0410 spell the character. */
const named = (key: string, address: string) => `  "${key}": {address: ${address}}`;

describeRule(confusableNameRule, [
  {
    name: 'different names, case differences and numbered names are not look-alikes',
    yaml: topo([server('ALPHA'), server('BRAVO'), server('BRANCH-1'), server('BRANCH-2')]),
    want: [],
    clean: true,
  },
  {
    name: 'main and MAIN differ in case, which shows',
    yaml: topo([named('main', 'a.example'), named('MAIN', 'b.example')]),
    want: [],
  },
  {
    name: 'a Cyrillic А: reported at the later name, with the first as related',
    yaml: topo([named('ALPHA', 'a.example'), named('\\u0410LPHA', 'b.example')]),
    want: [{ pointer: '/servers/\u0410LPHA', at: '5:3', related: ['4:3'] }],
    messages: [
      'server name "АLPHA" looks like server name "ALPHA": "А" (U+0410) where the other has "A" (U+0041); rename one of them',
    ],
  },
  {
    name: 'a zero width space more',
    yaml: topo([named('ALPHA', 'a.example'), named('AL\\u200BPHA', 'b.example')]),
    want: [{ pointer: '/servers/AL\u200bPHA', at: '5:3', related: ['4:3'] }],
    messages: ['"⟨U+200B⟩" where the other has nothing'],
  },
  {
    name: 'a right-to-left override more',
    yaml: topo([named('EAST', 'a.example'), named('EAST\\u202E', 'b.example')]),
    want: [{ pointer: '/servers/EAST\u202e', at: '5:3', related: ['4:3'] }],
  },
  {
    name: 'ASCII look-alikes: 1 and l, 0 and O',
    yaml: topo([
      named('SRV-1', 'a.example'),
      named('SRV-l', 'b.example'),
      named('DB0', 'c.example'),
      named('DBO', 'd.example'),
    ]),
    want: [
      { pointer: '/servers/SRV-l', at: '5:3', related: ['4:3'] },
      { pointer: '/servers/DBO', at: '7:3', related: ['6:3'] },
    ],
    messages: ['"l" (U+006C) where the other has "1" (U+0031)', '"O" (U+004F)'],
  },
  {
    name: 'precomposed and decomposed accents',
    yaml: topo([named('S\\u00DCD', 'a.example'), named('SU\\u0308D', 'b.example')]),
    want: [{ pointer: '/servers/SU\u0308D', at: '5:3', related: ['4:3'] }],
  },
  {
    name: 'three look-alikes: each later one against the first',
    yaml: topo([
      named('OMEGA', 'a.example'),
      named('\\u041EMEGA', 'b.example'),
      named('\\u039FMEGA', 'c.example'),
    ]),
    want: [
      { pointer: '/servers/\u041eMEGA', at: '5:3', related: ['4:3'] },
      { pointer: '/servers/\u039fMEGA', at: '6:3', related: ['4:3'] },
    ],
  },
]);
