/** The last line of defence for secrets: every byte avnet prints passes through a redactor. */

/** What replaces a secret value in output. */
export const REDACTED = '(sensitive)';

/** Shortest value that is redacted; shorter ones would mangle ordinary words. */
export const MIN_REDACTED_LENGTH = 4;

/** One state of the matching automaton (a node of the trie of secret values). */
interface MatchState {
  readonly next: Map<number, number>;
  /** The state of the longest proper suffix that is also a trie node. */
  fail: number;
  /** Length of the longest secret value that ends in this state (0: none). */
  longest: number;
}

/**
 * Replaces every known secret value in text.
 *
 * A network of thousands of links has thousands of passwords, and apply's JSON output for it is
 * tens of megabytes: one regular expression of every value as alternatives backtracks through all
 * of them at every position (minutes). An Aho–Corasick automaton scans the text once, whatever
 * the number of values.
 */
export class Redactor {
  private readonly values = new Set<string>();
  private automaton: MatchState[] | undefined;

  /** Registers secret values (empty and very short values are ignored). */
  add(values: Iterable<string>): void {
    for (const v of values) {
      if (v.length >= MIN_REDACTED_LENGTH && !this.values.has(v)) {
        this.values.add(v);
        // JSON output escapes some characters; register the escaped form too.
        const escaped = JSON.stringify(v).slice(1, -1);
        if (escaped !== v) this.values.add(escaped);
        this.automaton = undefined;
      }
    }
  }

  /** Returns text with every registered value replaced by `(sensitive)`. */
  redact(text: string): string {
    if (this.values.size === 0 || text.length < MIN_REDACTED_LENGTH) return text;
    this.automaton ??= buildAutomaton(this.values);
    const states = this.automaton;
    // Matched spans as [start, end) pairs, kept sorted and disjoint: overlapping occurrences of
    // two values are merged, so no part of either survives.
    const spans: number[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let to = states[state]!.next.get(c);
      while (to === undefined && state !== 0) {
        state = states[state]!.fail;
        to = states[state]!.next.get(c);
      }
      state = to ?? 0;
      const length = states[state]!.longest;
      if (length === 0) continue;
      let start = i + 1 - length;
      while (spans.length > 0 && spans[spans.length - 1]! > start) {
        spans.pop();
        start = Math.min(start, spans.pop()!);
      }
      spans.push(start, i + 1);
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

/** Builds the trie of the values with failure links (breadth first) and longest-match lengths. */
function buildAutomaton(values: Iterable<string>): MatchState[] {
  const states: MatchState[] = [{ next: new Map(), fail: 0, longest: 0 }];
  for (const v of values) {
    let s = 0;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      let to = states[s]!.next.get(c);
      if (to === undefined) {
        to = states.length;
        states.push({ next: new Map(), fail: 0, longest: 0 });
        states[s]!.next.set(c, to);
      }
      s = to;
    }
    states[s]!.longest = v.length;
  }
  const queue: number[] = [...states[0]!.next.values()];
  for (let head = 0; head < queue.length; head++) {
    const s = states[queue[head]!]!;
    // A value ending at a suffix of this state ends here too; the longer one is kept.
    if (s.longest === 0) s.longest = states[s.fail]!.longest;
    for (const [c, to] of s.next) {
      let f = s.fail;
      let target = states[f]!.next.get(c);
      while (target === undefined && f !== 0) {
        f = states[f]!.fail;
        target = states[f]!.next.get(c);
      }
      states[to]!.fail = target ?? 0;
      queue.push(to);
    }
  }
  return states;
}
