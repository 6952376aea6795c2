/**
 * Showing user text (server names above all) so that what is printed is what is there: characters
 * that draw nothing, look like a space, or reorder the text around them are written as `⟨U+202E⟩`.
 */

/**
 * Characters that do not show as themselves. Control (Cc) and format (Cf) characters cover the
 * zero-width space, joiners, word joiner, BOM, soft hyphen and every bidirectional mark,
 * embedding, override and isolate ("Trojan source"); Default_Ignorable_Code_Point adds the ones
 * that are letters or marks by category but render as nothing (Hangul fillers, variation
 * selectors, the combining grapheme joiner); line and paragraph separators break lines; spaces
 * other than U+0020 are indistinguishable from it; private-use, unassigned and lone surrogate
 * code points have no reliable glyph at all.
 */
const HIDDEN_CLASS =
  '[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cn}\\p{Cs}\\p{Zl}\\p{Zp}\\p{Default_Ignorable_Code_Point}\\p{Zs}]';
const HIDDEN = new RegExp(HIDDEN_CLASS, 'gu');
const HIDDEN_ONE = new RegExp(`^${HIDDEN_CLASS}$`, 'u');
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** A character that {@link visibleText} escapes, where it is and what it is. */
export interface HiddenCharacter {
  /** The character itself. */
  readonly char: string;
  /** `U+202E`. */
  readonly code: string;
  /** 0-based index in code points (what an editor's column counts, less one). */
  readonly position: number;
  /** A short human description: `right-to-left override`, `zero width space`, … */
  readonly description: string;
}

/** Names of the characters users actually meet in names copied from documents and chats. */
const NAMES: Readonly<Record<number, string>> = {
  0x00a0: 'no-break space',
  0x00ad: 'soft hyphen',
  0x034f: 'combining grapheme joiner',
  0x061c: 'Arabic letter mark',
  0x115f: 'Hangul choseong filler',
  0x1160: 'Hangul jungseong filler',
  0x180e: 'Mongolian vowel separator',
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x202f: 'narrow no-break space',
  0x2060: 'word joiner',
  0x2061: 'function application',
  0x2062: 'invisible times',
  0x2063: 'invisible separator',
  0x2064: 'invisible plus',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0x3000: 'ideographic space',
  0x3164: 'Hangul filler',
  0xfeff: 'zero width no-break space (BOM)',
  0xffa0: 'halfwidth Hangul filler',
};

/** `U+202E`: at least four hex digits, upper case, as Unicode writes code points. */
export function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeHidden(char: string): string {
  const cp = char.codePointAt(0) ?? 0;
  const named = NAMES[cp];
  if (named !== undefined) return named;
  if (/\p{Cc}/u.test(char)) return 'control character';
  if (/\p{Zs}/u.test(char)) return 'space other than U+0020';
  if (/\p{Co}/u.test(char)) return 'private-use character';
  if (/\p{Cn}/u.test(char)) return 'unassigned code point';
  if (/\p{Cs}/u.test(char)) return 'lone surrogate';
  if (/[\u{fe00}-\u{fe0f}\u{e0100}-\u{e01ef}\u{180b}-\u{180f}]/u.test(char))
    return 'variation selector';
  if (/[\u{e0000}-\u{e007f}]/u.test(char)) return 'tag character';
  return 'invisible formatting character';
}

/** True for a character {@link visibleText} escapes (the plain space U+0020 is not one). */
function isHidden(char: string): boolean {
  return char !== ' ' && HIDDEN_ONE.test(char);
}

/**
 * The text with every character that does not show as itself written as `⟨U+XXXX⟩`. Idempotent
 * (the escapes are plain visible characters), and the identity on ordinary text.
 */
export function visibleText(text: string): string {
  return text.replace(HIDDEN, (ch) => (ch === ' ' ? ch : `⟨${codePointLabel(ch)}⟩`));
}

/** The characters of `text` that {@link visibleText} would escape, in order. */
export function hiddenCharacters(text: string): HiddenCharacter[] {
  // Most names are printable ASCII: nothing to look at character by character.
  if (PRINTABLE_ASCII.test(text)) return [];
  const out: HiddenCharacter[] = [];
  let position = 0;
  for (const char of text) {
    if (isHidden(char))
      out.push({ char, code: codePointLabel(char), position, description: describeHidden(char) });
    position++;
  }
  return out;
}

/**
 * JSON text with every character {@link visibleText} escapes written as a `\uXXXX` escape: the
 * same data for a parser, and nothing that reorders or hides text where the JSON is shown.
 */
export function escapeHiddenInJson(json: string): string {
  // JSON's own whitespace between tokens stays; inside strings JSON.stringify escaped it already.
  return json.replace(HIDDEN, (ch) =>
    ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t'
      ? ch
      : [...Array(ch.length).keys()]
          .map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`)
          .join(''),
  );
}
