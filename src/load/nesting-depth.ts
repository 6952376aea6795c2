/**
 * A linear pre-scan for absurd nesting. The `yaml` parser copes with any depth, but its time and
 * memory grow with it: one line of a million `[` took 85 s and 2.6 GB (6 s and 1 GB after other
 * fixes), and the topology size limit is 32 MB. No topology needs more than ~8 levels.
 */

/** Nesting deeper than this is refused before parsing. */
export const MAX_NESTING = 100;

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const CR = 0x0d;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === NEWLINE || c === CR || Number.isNaN(c);
}

/**
 * Offset where flow collections (`[`, `{`) or compact block indicators at the start of a line
 * (`- - - x`, `? ? x`) first nest deeper than `limit`, or undefined. Quoted scalars and comments
 * are skipped; anything the scan misreads can only hide nesting from it, not invent it, because
 * it takes `limit` unclosed openers outside quotes to trip it.
 */
export function excessiveNestingAt(text: string, limit = MAX_NESTING): number | undefined {
  let depth = 0;
  let quote = 0;
  let atLineStart = true;
  let indicators = 0;
  let prev = NEWLINE;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote === 0x22) {
      if (c === 0x5c)
        i++; // backslash escape in a double-quoted scalar
      else if (c === 0x22) quote = 0;
      prev = c;
      continue;
    }
    if (quote === 0x27) {
      if (c === 0x27) {
        if (text.charCodeAt(i + 1) === 0x27)
          i++; // '' is an escaped quote
        else quote = 0;
      }
      prev = c;
      continue;
    }
    if (c === NEWLINE) {
      atLineStart = true;
      indicators = 0;
      prev = c;
      continue;
    }
    if (c === 0x23 && isBlank(prev)) {
      // A comment runs to the end of the line.
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
      continue;
    }
    if (atLineStart) {
      if (c === SPACE || c === TAB) {
        prev = c;
        continue;
      }
      if ((c === 0x2d || c === 0x3f || c === 0x3a) && isBlank(text.charCodeAt(i + 1))) {
        if (++indicators > limit) return i;
        prev = c;
        continue;
      }
      atLineStart = false;
    }
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    } else if (
      (c === 0x22 || c === 0x27) &&
      (isBlank(prev) || prev === 0x5b || prev === 0x7b || prev === 0x2c || prev === 0x3a)
    ) {
      quote = c; // a quote opens a scalar only where a scalar can start
    }
    prev = c;
  }
  return undefined;
}
