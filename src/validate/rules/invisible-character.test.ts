import { describeRule, topo } from '../../../test/helpers/rule-table.js';
import { HEAD } from '../../../test/helpers/topology.js';
import { invisibleCharacterRule } from './invisible-character.js';

/** A server line with a double-quoted YAML key, so escapes like \u200B spell the character. */
const named = (key: string, address: string) => `  "${key}": {address: ${address}}`;
const B = '  B: {address: b.example}';

describeRule(invisibleCharacterRule, [
  {
    name: 'plain names, inner spaces and letters of any script',
    yaml: topo([named('Main office', 'a.example'), named('Сервер-Ω 東京', 'c.example'), B]),
    want: [],
    clean: true,
  },
  {
    name: 'a zero width space',
    yaml: topo([named('AL\\u200BPHA', 'a.example'), B]),
    want: [{ pointer: '/servers/AL\u200bPHA', at: '4:3' }],
    messages: [
      'server name "AL⟨U+200B⟩PHA" contains U+200B (zero width space): such characters are invisible or reorder text',
    ],
  },
  {
    name: 'a right-to-left override',
    yaml: topo([named('MAIN\\u202ETSAE', 'a.example'), B]),
    want: [{ pointer: '/servers/MAIN\u202eTSAE', at: '4:3' }],
    messages: [/^server name "MAIN⟨U\+202E⟩TSAE" contains U\+202E \(right-to-left override\)/],
  },
  {
    name: 'joiners, word joiner, BOM and soft hyphen: each listed once, the rest counted',
    yaml: topo([named('A\\u200CB\\u200DC\\u2060D\\uFEFFE\\u00ADF\\u200CG', 'a.example'), B]),
    want: [{ pointer: '/servers/A\u200cB\u200dC\u2060D\ufeffE\u00adF\u200cG', at: '4:3' }],
    messages: [
      'contains U+200C (zero width non-joiner), U+200D (zero width joiner), U+2060 (word joiner) and 2 more',
    ],
  },
  {
    name: 'an isolate and a left-to-right mark',
    yaml: topo([named('\\u2067EAST\\u2069\\u200E', 'a.example'), B]),
    want: [{ pointer: '/servers/\u2067EAST\u2069\u200e', at: '4:3' }],
    messages: [
      'U+2067 (right-to-left isolate), U+2069 (pop directional isolate) and U+200E (left-to-right mark)',
    ],
  },
  {
    name: 'a no-break space inside a name',
    yaml: topo([named('Main\\u00A0office', 'a.example'), B]),
    want: [{ pointer: '/servers/Main\u00a0office', at: '4:3' }],
    messages: ['U+00A0 (no-break space)'],
  },
  {
    name: 'a Hangul filler, a letter that draws nothing',
    yaml: topo([named('A\\u3164', 'a.example'), B]),
    want: [{ pointer: '/servers/A\u3164', at: '4:3' }],
    messages: ['U+3164 (Hangul filler)'],
  },
  {
    name: 'a block-style key, several servers: each reported at its own key',
    yaml: topo([
      '  "X\\u200B":',
      '    address: x.example',
      B,
      '  "Y\\u202A":',
      '    address: y.example',
    ]),
    want: [
      { pointer: '/servers/X\u200b', at: '4:3' },
      { pointer: '/servers/Y\u202a', at: '7:3' },
    ],
  },
  {
    name: 'the network name',
    yaml: HEAD + 'name: "corp\\u200Bav"\nservers:\n' + B + '\n',
    want: [{ pointer: '/name', at: '3:7' }],
    messages: ['network name "corp⟨U+200B⟩av" contains U+200B (zero width space)'],
  },
  {
    name: 'control characters and spaces at either end are schema errors, not this rule',
    yaml: topo([named('A\\u0085', 'a.example'), named('\\u00A0C', 'c.example'), B]),
    want: [],
  },
  {
    name: 'links to such a server are not reported again',
    yaml: topo(
      [named('A\\u200B', 'a.example'), B],
      ['  - parent: "A\\u200B"', '    child: B', '    password: {env: P}'],
    ),
    want: [{ pointer: '/servers/A\u200b', at: '4:3' }],
    absent: ['unknown-server'],
  },
]);
