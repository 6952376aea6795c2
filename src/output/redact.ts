/** The last line of defence for secrets: every byte avnet prints passes through a redactor. */

/** What replaces a secret value in output. */
export const REDACTED = '(sensitive)';

/** Shortest value that is redacted; shorter ones would mangle ordinary words. */
export const MIN_REDACTED_LENGTH = 4;

/** Replaces every known secret value in text. */
export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Registers secret values (empty and very short values are ignored). */
  add(values: Iterable<string>): void {
    for (const v of values) {
      if (v.length >= MIN_REDACTED_LENGTH && !this.values.has(v)) {
        this.values.add(v);
        // JSON output escapes some characters; register the escaped form too.
        const escaped = JSON.stringify(v).slice(1, -1);
        if (escaped !== v) this.values.add(escaped);
        this.pattern = undefined;
      }
    }
  }

  /** Returns text with every registered value replaced by `(sensitive)`. */
  redact(text: string): string {
    if (this.values.size === 0) return text;
    if (!this.pattern) {
      const alternatives = [...this.values]
        .sort((a, b) => b.length - a.length)
        .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.pattern = new RegExp(alternatives.join('|'), 'g');
    }
    return text.replace(this.pattern, REDACTED);
  }
}
