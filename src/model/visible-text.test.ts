import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codePointLabel,
  escapeHiddenInJson,
  hiddenCharacters,
  visibleText,
} from './visible-text.js';

describe('visibleText', () => {
  it.each([
    ['a zero width space', 'AL\u200bPHA', 'AL⟨U+200B⟩PHA'],
    ['zero width non-joiner and joiner', 'A\u200cB\u200dC', 'A⟨U+200C⟩B⟨U+200D⟩C'],
    ['a word joiner', 'A\u2060B', 'A⟨U+2060⟩B'],
    ['a BOM', '\ufeffMAIN', '⟨U+FEFF⟩MAIN'],
    ['a soft hyphen', 'MA\u00adIN', 'MA⟨U+00AD⟩IN'],
    ['a right-to-left override', 'MAIN\u202eTSAE', 'MAIN⟨U+202E⟩TSAE'],
    ['embeddings and pop', '\u202aA\u202bB\u202c', '⟨U+202A⟩A⟨U+202B⟩B⟨U+202C⟩'],
    ['isolates', '\u2066A\u2067B\u2068C\u2069', '⟨U+2066⟩A⟨U+2067⟩B⟨U+2068⟩C⟨U+2069⟩'],
    ['marks', 'A\u200eB\u200fC\u061c', 'A⟨U+200E⟩B⟨U+200F⟩C⟨U+061C⟩'],
    [
      'C0 and C1 controls',
      'A\u0001B\tC\nD\u0085E\u009b',
      'A⟨U+0001⟩B⟨U+0009⟩C⟨U+000A⟩D⟨U+0085⟩E⟨U+009B⟩',
    ],
    ['line and paragraph separators', 'A\u2028B\u2029', 'A⟨U+2028⟩B⟨U+2029⟩'],
    ['spaces other than U+0020', 'A\u00a0B\u3000C\u2009D', 'A⟨U+00A0⟩B⟨U+3000⟩C⟨U+2009⟩D'],
    ['a Hangul filler (a letter that draws nothing)', 'A\u3164B', 'A⟨U+3164⟩B'],
    ['a variation selector', 'A\ufe0fB', 'A⟨U+FE0F⟩B'],
    ['a tag character (astral)', 'A\u{e0041}B', 'A⟨U+E0041⟩B'],
    ['a private-use character', 'A\ue000B', 'A⟨U+E000⟩B'],
    ['a lone surrogate', 'A\ud800B', 'A⟨U+D800⟩B'],
  ])('escapes %s', (_what, text, shown) => {
    expect(visibleText(text)).toBe(shown);
  });

  it.each([
    ['ASCII with spaces and punctuation', 'Main office / HQ-1 (v13)'],
    ['Cyrillic, Greek and CJK letters', 'Сервер-Ω 東京'],
    ['combining marks, which draw', 'Sü\u0308d'],
    ['emoji without selectors', 'node 😀'],
    ['text that looks like an escape already', 'A⟨U+202E⟩B'],
  ])('leaves %s alone', (_what, text) => {
    expect(visibleText(text)).toBe(text);
  });

  it('never leaves a format, control, separator or odd-space character, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const out = visibleText(text);
        expect(out).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\u00a0\u2000-\u200b\u3000]/u);
        expect(visibleText(out)).toBe(out);
      }),
    );
  });
});

describe('hiddenCharacters', () => {
  it('lists each hidden character with its code point position and a description', () => {
    expect(hiddenCharacters('😀A\u202eB\u200b')).toEqual([
      { char: '\u202e', code: 'U+202E', position: 2, description: 'right-to-left override' },
      { char: '\u200b', code: 'U+200B', position: 4, description: 'zero width space' },
    ]);
  });

  it('describes characters without a name by their class', () => {
    expect(hiddenCharacters('\u0001\u2009\ue000\ufe0e\u{e0041}').map((h) => h.description)).toEqual(
      [
        'control character',
        'space other than U+0020',
        'private-use character',
        'variation selector',
        'tag character',
      ],
    );
  });

  it('finds nothing in ordinary names', () => {
    expect(hiddenCharacters('АLPHA-1 Süd')).toEqual([]);
  });
});

describe('codePointLabel', () => {
  it('writes at least four upper-case hex digits', () => {
    expect(codePointLabel('\u0001')).toBe('U+0001');
    expect(codePointLabel('\u{1f600}')).toBe('U+1F600');
  });
});

describe('escapeHiddenInJson', () => {
  it('writes hidden characters as \\u escapes, astral ones as surrogate pairs', () => {
    const json = JSON.stringify({ name: 'EAST\u202eX\u{e0041} y' });
    const out = escapeHiddenInJson(json);
    expect(out).toBe('{"name":"EAST\\u202eX\\udb40\\udc41 y"}');
    expect(JSON.parse(out)).toEqual(JSON.parse(json));
  });

  it('keeps any JSON text parseable to the same value, with no hidden character left', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary', maxLength: 20 }), (v, s) => {
        const json = JSON.stringify({ v, s }, null, 2);
        const out = escapeHiddenInJson(json);
        expect(JSON.parse(out)).toEqual(JSON.parse(json));
        expect(out.replace(/\n/g, '')).not.toMatch(/[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\u00a0]/u);
      }),
    );
  });
});
