import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { visibleText } from '../model/index.js';
import { escapeDot, escapeMermaid } from './escape.js';

/** What Mermaid shows for escaped text: entity codes decoded (the inverse of escapeMermaid). */
function decodeMermaid(text: string): string {
  return text.replace(/#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/** What Graphviz shows for the inside of a quoted string with our escapes. */
function decodeDot(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/\\(["\\])/g, '$1');
}

const CONTROL = /[\u0000-\u001f\u007f]/g; // eslint-disable-line no-control-regex

// Strings rich in the characters that matter, plus any unicode.
const nasty = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'#"%&<>|`\\;:[](){}-.\n\t '.split('')), maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('direction TB', 'a style:#x;', 'classDef x', '%%{init: {}}%%', '#35;', '&amp;'),
);

describe('escapeMermaid', () => {
  it('escapes quotes, markup, entities, pipes, comments and line-scanned words', () => {
    expect(escapeMermaid('a "b" <c> #1 | d & `e` 50%')).toBe(
      'a #34;b#34; #60;c#62; #35;1 #124; d #38; #96;e#96; 50#37;',
    );
    expect(escapeMermaid('Redirection TB, lifestyle, classDef')).toBe(
      'Re#100;irection TB, life#115;tyle, #99;lassDef',
    );
    expect(escapeMermaid('東京 Süd')).toBe('東京 Süd');
    expect(escapeMermaid('a\nb')).toBe('a b');
    expect(escapeMermaid('EAST\u202eTSEW')).toBe('EAST⟨U+202E⟩TSEW');
  });

  it('never leaves a character that ends a label, and decodes back to the text', () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const out = escapeMermaid(text);
        expect(out).not.toMatch(/["<>|`%\n\r]/);
        // Every `#` starts an entity code, so no user text can form one.
        expect(out.replace(/#\d+;/g, '')).not.toContain('#');
        expect(out).not.toMatch(/style|classdef|direction/i);
        expect(decodeMermaid(out)).toBe(visibleText(text.replace(CONTROL, ' ')));
      }),
    );
  });
});

describe('escapeDot', () => {
  it('escapes quotes, backslashes and ampersands', () => {
    expect(escapeDot('a "b" \\N & <c>')).toBe('a \\"b\\" \\\\N &amp; <c>');
  });

  it('never leaves an unescaped quote, and decodes back to the text', () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const out = escapeDot(text);
        // Drop escaped pairs; what is left must hold no quote, backslash or newline.
        expect(out.replace(/\\["\\]/g, '')).not.toMatch(/["\\\n]/);
        expect(decodeDot(out)).toBe(visibleText(text.replace(CONTROL, ' ')));
      }),
    );
  });
});
