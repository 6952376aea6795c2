/** Source snippets for diagnostics, with inline passwords masked. */

/** The text of a source file and the offset ranges that must never be shown. */
export interface SnippetSource {
  readonly text: string;
  readonly secretRanges: readonly (readonly [number, number])[];
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

  /** Line `n` (1-based) with secrets masked, or undefined when out of range. */
  line(n: number): string | undefined {
    const starts = this.starts();
    const start = starts[n - 1];
    if (start === undefined) return undefined;
    const end = starts[n] !== undefined ? (starts[n] as number) - 1 : this.source.text.length;
    const chars = this.source.text.slice(start, end).replace(/\r$/, '').split('');
    for (const [a, b] of this.source.secretRanges) {
      if (b <= start || a >= end) continue;
      for (let i = Math.max(a, start); i < Math.min(b, end); i++) chars[i - start] = '*';
    }
    let line = chars.join('');
    // A file that does not parse has no known secret ranges: mask what looks like a password value.
    line = line.replace(
      /^(\s*-?\s*password\s*:\s*)(?![{]\s*(env|file)\s*:)(\S.*)$/,
      (_m, key: string, _g, value: string) => key + '*'.repeat(Math.min(value.length, 12)),
    );
    return line.length > 200 ? line.slice(0, 200) + '…' : line;
  }
}
