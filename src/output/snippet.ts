/** Source snippets for diagnostics, with inline passwords masked. */

/** The text of a source file and the offset ranges that must never be shown. */
export interface SnippetSource {
  readonly text: string;
  readonly secretRanges: readonly (readonly [number, number])[];
}

/** Longest masked run shown at the end of a line: hides how long a password is. */
const MASK_WIDTH = 12;

/** C0/C1 controls, line and paragraph separators, and bidirectional overrides and isolates. */
export const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Longest snippet line printed. */
const MAX_LINE = 200;

/** Characters kept before the caret when a long line is cut around it. */
const CONTEXT = 60;

/** How far back a continuation line looks for the `password:` key it may belong to. */
const MAX_LOOKBACK = 1000;

// A `password` key wherever it appears on a line: block or flow style, quoted or not, even
// without the space YAML wants after the colon (then it is one scalar holding the password).
const PASSWORD_KEY = /password["']?\s*:[ \t]*/gi;
// A secret reference is not a secret: `{ env: NAME }` and `{ file: path }` stay readable.
const SECRET_REF = /^\{\s*["']?(env|file)["']?\s*:/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Start offsets (in `line`) of every inline password value, i.e. not a secret reference. */
function passwordValueStarts(line: string): number[] {
  const starts: number[] = [];
  for (const m of line.matchAll(PASSWORD_KEY)) {
    const start = m.index + m[0].length;
    const rest = line.slice(start);
    if (rest.trim() !== '' && !SECRET_REF.test(rest)) starts.push(start);
  }
  return starts;
}

/** True when a `password:` key opens a value that continues on the lines below it. */
function opensPasswordValue(line: string): boolean {
  for (const m of line.matchAll(PASSWORD_KEY)) {
    const rest = line.slice(m.index + m[0].length);
    if (!SECRET_REF.test(rest)) return true;
  }
  return false;
}

/** Splits text into lines once and serves masked lines by number. */
export class SnippetLines {
  private lineStarts: number[] | undefined;
  constructor(private readonly source: SnippetSource) {}

  private starts(): number[] {
    if (!this.lineStarts) {
      const s = [0];
      const t = this.source.text;
      for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) === 10) s.push(i + 1);
      this.lineStarts = s;
    }
    return this.lineStarts;
  }

  private raw(n: number): { start: number; end: number; text: string } | undefined {
    const starts = this.starts();
    const start = starts[n - 1];
    if (start === undefined) return undefined;
    const end = starts[n] !== undefined ? (starts[n] as number) - 1 : this.source.text.length;
    return { start, end, text: this.source.text.slice(start, end).replace(/\r$/, '') };
  }

  /**
   * True when line `n` is a more-indented continuation of a `password:` line (a block scalar or
   * a multi-line quoted value), which a broken file may not have parsed into a known range.
   */
  private continuesPassword(n: number, text: string): boolean {
    if (text.trim() === '') return false;
    const indent = indentOf(text);
    for (let k = n - 1; k >= 1 && k >= n - MAX_LOOKBACK; k--) {
      const prev = this.raw(k)?.text ?? '';
      if (prev.trim() === '' || indentOf(prev) >= indent) continue;
      return opensPasswordValue(prev);
    }
    return false;
  }

  /** Line `n` (1-based) with secrets masked, cut after {@link MAX_LINE} characters. */
  line(n: number): string | undefined {
    const line = this.maskedLine(n);
    return line !== undefined && line.length > MAX_LINE ? line.slice(0, MAX_LINE) + '…' : line;
  }

  /**
   * Line `n` around `column` (1-based): a long line is cut so that the column stays on screen,
   * with `…` where text was left out; `column` is where the caret goes in the returned text.
   */
  lineAround(n: number, column: number): { text: string; column: number } | undefined {
    const line = this.maskedLine(n);
    if (line === undefined) return undefined;
    if (line.length <= MAX_LINE) return { text: line, column };
    if (column <= MAX_LINE - CONTEXT) return { text: line.slice(0, MAX_LINE) + '…', column };
    const from = Math.min(column - 1 - CONTEXT, line.length - (MAX_LINE - 1));
    const to = from + MAX_LINE - 1;
    return {
      text: '…' + line.slice(from, to) + (to < line.length ? '…' : ''),
      column: column - from + 1,
    };
  }

  /** Masked lines already made: many diagnostics can point into one (long) line. */
  private readonly masked = new Map<number, string | undefined>();

  /** Line `n` (1-based) with secrets masked, whole, or undefined when out of range. */
  private maskedLine(n: number): string | undefined {
    if (!this.masked.has(n)) this.masked.set(n, this.maskLine(n));
    return this.masked.get(n);
  }

  private maskLine(n: number): string | undefined {
    const raw = this.raw(n);
    if (!raw) return undefined;
    const { start, text } = raw;
    const end = start + text.length;
    const masked = new Uint8Array(text.length);
    const mark = (from: number, to: number) => {
      masked.fill(1, Math.max(0, from), Math.min(to, text.length));
    };
    // Known inline password ranges from the parsed document: exact.
    for (const [a, b] of this.source.secretRanges) {
      if (b > start && a < end) mark(a - start, b - start);
    }
    // A file that does not parse has no (or partial) known ranges: mask what looks like a
    // password value, to the end of the line, and the lines a password value continues on.
    for (const s of passwordValueStarts(text)) if (!masked[s]) mark(s, text.length);
    if (this.continuesPassword(n, text)) mark(indentOf(text), text.length);

    // Unmasked runs are copied as slices: a hostile file can be one line of a megabyte.
    const parts: string[] = [];
    for (let i = 0; i < text.length;) {
      let j = i;
      if (!masked[i]) {
        while (j < text.length && !masked[j]) j++;
        parts.push(text.slice(i, j));
      } else {
        while (j < text.length && masked[j]) j++;
        // Mid-line runs keep their length so carets after them stay aligned; a run that ends the
        // line is cut to a fixed width so it does not tell the password's length.
        parts.push('*'.repeat(j === text.length ? Math.min(j - i, MASK_WIDTH) : j - i));
      }
      i = j;
    }
    const line = parts.join('');
    // One character for one character, so the caret below stays aligned: a tab becomes a space,
    // and control or bidirectional-override characters (terminal escapes, "Trojan source") a
    // replacement character.
    return line.replace(/\t/g, ' ').replace(UNPRINTABLE, '\ufffd');
  }
}
