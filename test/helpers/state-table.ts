/** A table runner for actual-state rules over hand-built server states. */
import { describe, expect, it } from 'vitest';
import type { Finding, ServerState } from '../../src/model/index.js';
import type { StateRule } from '../../src/audit/state-rule.js';

/** One row: the states of every server and what the rule reports, as `summary` strings. */
export interface StateCase {
  readonly name: string;
  readonly servers: ReadonlyMap<string, ServerState>;
  /** `SERVER→NEIGHBOR POINTER [related: SERVER POINTER, ...]`; `[]` when the rule must not fire. */
  readonly want: readonly string[];
  /** Substrings or patterns the messages must match, one per finding. */
  readonly messages?: readonly (string | RegExp)[];
  /** Servers whose state could not be read. */
  readonly unreadable?: readonly string[];
}

/** A finding as one comparable line. */
export function stateSummary(f: Finding): string {
  const related = (f.related ?? []).map((r) => `${r.server ?? '?'} ${r.pointer}`);
  return (
    `${f.server ?? '?'}→${f.neighbor ?? '-'} ${f.pointer}` +
    (related.length > 0 ? ` [related: ${related.join(', ')}]` : '')
  );
}

/** Declares one `it` per case; every finding must carry the rule's own id and severity. */
export function describeStateRule(rule: StateRule, cases: readonly StateCase[]): void {
  describe(`actual-state rule ${rule.id}`, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const findings = rule.checkState({
        servers: c.servers,
        now: new Date(),
        ...(c.unreadable ? { unreadable: new Set(c.unreadable) } : {}),
      });
      expect(findings.map(stateSummary)).toEqual(c.want);
      for (const f of findings) expect([f.rule, f.severity]).toEqual([rule.id, rule.severity]);
      (c.messages ?? []).forEach((m, i) => expect(findings[i]?.message).toMatch(m));
    });
  });
}
