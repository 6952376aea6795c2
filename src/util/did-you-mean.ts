/** "Did you mean …?" for misspelt names and keys: the nearest candidates by edit distance. */
import { visibleText } from '../model/index.js';

/** Most suggestions offered at once; more would be a list, not a hint. */
export const MAX_SUGGESTIONS = 3;

/**
 * Optimal string alignment distance (Damerau-Levenshtein where a transposed pair is one edit) over
 * code points, or `limit + 1` as soon as it is certain to exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  // Three rolling rows: the transposition looks two rows back.
  let prev2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = row;
  }
  const d = prev[t.length]!;
  return d > limit ? limit + 1 : d;
}

/**
 * Edits allowed between a misspelling and a suggestion: none below 3 characters (`ip` is not a
 * typo of `api`), one up to 5, two from 6 on.
 */
export function maxEdits(input: string): number {
  const n = [...input].length;
  return n < 3 ? 0 : n < 6 ? 1 : 2;
}

/**
 * The candidates `input` was most likely meant to be, best first: a match that differs only in
 * case, else those at the smallest edit distance within {@link maxEdits} (case-insensitively),
 * at most {@link MAX_SUGGESTIONS}, in the candidates' order.
 */
export function closestMatches(input: string, candidates: Iterable<string>): string[] {
  const lower = input.toLowerCase();
  const limit = maxEdits(input);
  let best = limit + 1;
  let found: string[] = [];
  for (const c of candidates) {
    if (c === input) continue;
    const d = c.toLowerCase() === lower ? -1 : editDistance(lower, c.toLowerCase(), best);
    if (d < best) {
      best = d;
      found = [c];
    } else if (d === best && d <= limit) found.push(c);
  }
  return found.slice(0, MAX_SUGGESTIONS);
}

/** ` (did you mean "a", "b" or "c"?)`, or `''` when there is nothing to suggest. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((s) => `"${visibleText(s)}"`);
  const last = quoted.pop()!;
  return ` (did you mean ${quoted.length > 0 ? `${quoted.join(', ')} or ` : ''}${last}?)`;
}
