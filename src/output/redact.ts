/** The last line of defence for secrets: every byte avnet prints passes through a redactor. */

/** What replaces a secret value in output. */
export const REDACTED = '(sensitive)';

/** Shortest value that is redacted; shorter ones would mangle ordinary words. */
export const MIN_REDACTED_LENGTH = 4;

/** Bits of the prefilter: a bitmap of hashed 4-character prefixes (512 KB). */
const PREFILTER_BITS = 22;

/** Values by their first 4 characters (longest first), and a bitmap that rules out most positions. */
interface PrefixIndex {
  readonly bitmap: Uint32Array;
  readonly byPrefix: Map<string, string[]>;
}

/** Hash of a window of 4 characters packed into an int32 (low byte of each). */
function windowHash(packed: number): number {
  return Math.imul(packed, 0x9e3779b1) >>> (32 - PREFILTER_BITS);
}

/** Adds one value to the index: its prefix's bit, and its place among that prefix's values. */
function insert(index: PrefixIndex, v: string): void {
  let packed = 0;
  for (let i = 0; i < MIN_REDACTED_LENGTH; i++) packed = (packed << 8) | (v.charCodeAt(i) & 0xff);
  const h = windowHash(packed);
  index.bitmap[h >>> 5]! |= 1 << (h & 31);
  const prefix = v.slice(0, MIN_REDACTED_LENGTH);
  const list = index.byPrefix.get(prefix);
  if (!list) index.byPrefix.set(prefix, [v]);
  else {
    // Longest first, so that the longest value starting at a position is the one found.
    list.push(v);
    list.sort((x, y) => y.length - x.length);
  }
}

/**
 * Replaces every known secret value in text.
 *
 * A network of thousands of links has thousands of passwords, and apply's JSON output for it is
 * tens of megabytes of mostly base64 certificates. One regular expression of every value as
 * alternatives backtracked through all of them at every position (minutes); a trie walked
 * character by character was still ~140 ns a character on base64. Every value is at least 4
 * characters long, so one pass keeps the last 4 characters packed in an integer and looks the
 * position up only when their hash is in a bitmap of the values' prefixes (a few ns otherwise).
 */
export class Redactor {
  private readonly values = new Set<string>();
  /** Made at the first value and extended as values come (the emulator adds them one by one). */
  private index: PrefixIndex | undefined;

  private register(v: string): void {
    if (this.values.has(v)) return;
    this.values.add(v);
    this.index ??= {
      bitmap: new Uint32Array(1 << (PREFILTER_BITS - 5)),
      byPrefix: new Map(),
    };
    insert(this.index, v);
  }

  /** Registers secret values (empty and very short values are ignored). */
  add(values: Iterable<string>): void {
    for (const v of values) {
      if (v.length >= MIN_REDACTED_LENGTH && !this.values.has(v)) {
        this.register(v);
        // JSON output escapes some characters; register the escaped form too.
        this.register(JSON.stringify(v).slice(1, -1));
      }
    }
  }

  /** Returns text with every registered value replaced by `(sensitive)`. */
  redact(text: string): string {
    if (!this.index || text.length < MIN_REDACTED_LENGTH) return text;
    const { bitmap, byPrefix } = this.index;
    // Matched spans as [start, end) pairs, sorted and disjoint: overlapping occurrences of two
    // values are merged, so no part of either survives.
    const spans: number[] = [];
    let packed = 0;
    for (let i = 0; i < text.length; i++) {
      packed = (packed << 8) | (text.charCodeAt(i) & 0xff);
      if (i < MIN_REDACTED_LENGTH - 1) continue;
      const h = windowHash(packed);
      if ((bitmap[h >>> 5]! & (1 << (h & 31))) === 0) continue;
      const start = i + 1 - MIN_REDACTED_LENGTH;
      const candidates = byPrefix.get(text.slice(start, i + 1));
      if (!candidates) continue;
      for (const v of candidates) {
        if (!text.startsWith(v, start)) continue;
        const end = start + v.length;
        const last = spans.length - 1;
        if (last > 0 && spans[last]! > start) spans[last] = Math.max(spans[last]!, end);
        else spans.push(start, end);
        break;
      }
    }
    if (spans.length === 0) return text;
    const parts: string[] = [];
    let at = 0;
    for (let k = 0; k < spans.length; k += 2) {
      parts.push(text.slice(at, spans[k]), REDACTED);
      at = spans[k + 1]!;
    }
    parts.push(text.slice(at));
    return parts.join('');
  }
}
