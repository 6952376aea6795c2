/**
 * Look-alike names by Unicode's UTS #39 skeleton: two strings are confusable when their skeletons
 * are equal. skeleton(X) = NFD(X), remove Default_Ignorable_Code_Point characters, replace each
 * character by its prototype from confusables.txt, NFD again.
 *
 * The prototype table is the `unhomoglyph` package's (confusables.txt, Unicode 13.0): the whole
 * file as one character → prototype map, which is exactly the data step 3 needs. It is loaded on
 * first use only, and not at all while every name is ASCII (the common case): ASCII characters
 * have eight prototypes, kept below and checked against the package by a test.
 */
import { createRequire } from 'node:module';
import { codePointLabel, hiddenCharacters, visibleText } from '../model/index.js';

const requireCjs = createRequire(import.meta.url);

/** confusables.txt prototypes of ASCII characters (the rest map to themselves). */
export const ASCII_PROTOTYPES: Readonly<Record<string, string>> = {
  '"': "''",
  '%': 'º/₀',
  '0': 'O',
  '1': 'l',
  I: 'l',
  '`': "'",
  m: 'rn',
  '|': 'l',
};

const ASCII_MAPPED = /["%01I`m|]/g;

// eslint-disable-next-line no-control-regex -- every ASCII character, controls included
const ALL_ASCII = /^[\u0000-\u007f]*$/;

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

let prototypes: ((text: string) => string) | undefined;

/** The package's mapping function: each character with a prototype replaced by it. */
function mapPrototypes(): (text: string) => string {
  return (prototypes ??= requireCjs('unhomoglyph') as (text: string) => string);
}

/** The UTS #39 skeleton of `text`: equal skeletons mean the strings look alike. */
export function skeleton(text: string): string {
  if (ALL_ASCII.test(text)) {
    // NFD and ignorable removal are the identity on ASCII; the prototypes' NFD is themselves.
    return text.replace(ASCII_MAPPED, (c) => ASCII_PROTOTYPES[c] ?? c);
  }
  const decomposed = text.normalize('NFD').replace(DEFAULT_IGNORABLE, '');
  return mapPrototypes()(decomposed).normalize('NFD');
}

/** True when two different strings look alike (the same skeleton). */
export function confusable(a: string, b: string): boolean {
  return a !== b && skeleton(a) === skeleton(b);
}

/**
 * Where two look-alike names differ, for a message: the differing middle of each (after their
 * common start and end, in code points) with its code points, e.g. `"А" (U+0410) where the
 * other has "A" (U+0041)`.
 */
export function confusableDifference(a: string, b: string): { a: string; b: string } {
  const s = [...a];
  const t = [...b];
  let start = 0;
  while (start < s.length && start < t.length && s[start] === t[start]) start++;
  let end = 0;
  while (
    end < s.length - start &&
    end < t.length - start &&
    s[s.length - 1 - end] === t[t.length - 1 - end]
  )
    end++;
  return {
    a: s.slice(start, s.length - end).join(''),
    b: t.slice(start, t.length - end).join(''),
  };
}

/** Code points spelled out per differing part at most. */
const MAX_CODES = 4;

/** `"А" (U+0410)`: a part as printed, with the code points of what it shows; `nothing` if empty. */
function describePart(part: string): string {
  if (part === '') return 'nothing';
  const hidden = new Set(hiddenCharacters(part).map((h) => h.char));
  const shown = [...part].filter((c) => !hidden.has(c));
  const codes = shown.slice(0, MAX_CODES).map(codePointLabel);
  if (shown.length > MAX_CODES) codes.push('…');
  return `"${visibleText(part)}"${codes.length > 0 ? ` (${codes.join(' ')})` : ''}`;
}

/**
 * How look-alike `a` differs from `b`, for a message:
 * `"А" (U+0410) where "ALPHA" has "A" (U+0041)` (`other` names `b`, default "the other").
 */
export function describeConfusable(a: string, b: string, other = 'the other'): string {
  const diff = confusableDifference(a, b);
  return `${describePart(diff.a)} where ${other} has ${describePart(diff.b)}`;
}
