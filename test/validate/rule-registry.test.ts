import { describe, expect, it } from 'vitest';
import { RULE_IDS, type RuleId } from '../../src/model/index.js';
import { STATE_RULES } from '../../src/audit/index.js';
import { LOADER_RULE_DOCS, TOPOLOGY_RULES } from '../../src/validate/rules/index.js';

/** Severities as the rule catalog of the topology contract gives them, and avnet's additions. */
const WARNINGS: readonly RuleId[] = [
  'peer-address-both-sides',
  'multiple-parents',
  'certificate-expiring',
  'periodic-only',
  'plaintext-secret',
  'update-cycle',
  'invisible-character',
  'confusable-name',
  'weak-secret',
];

const everyDoc = [...TOPOLOGY_RULES, ...LOADER_RULE_DOCS, ...STATE_RULES];

describe('rule registry', () => {
  it('covers every rule id of the catalog, and nothing else', () => {
    expect([...new Set(everyDoc.map((r) => r.id))].sort()).toEqual([...RULE_IDS].sort());
  });

  it('registers each topology rule once (flow-direction is the semantic half of schema)', () => {
    const ids = TOPOLOGY_RULES.map((r) => r.id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids).toContain('schema');
  });

  it.each(everyDoc.map((r) => [r.id, r] as const))(
    '%s has the catalog severity and full docs',
    (id, r) => {
      expect(r.severity).toBe(WARNINGS.includes(id) ? 'warning' : 'error');
      expect(r.summary.length).toBeGreaterThan(10);
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.example.failing).not.toBe(r.example.fixed);
    },
  );

  it('marks actual-state-only rules', () => {
    const stateOnly = STATE_RULES.filter((r) => r.scope === 'actual-state')
      .map((r) => r.id)
      .sort();
    expect(stateOnly).toEqual([
      'certificate-mismatch',
      'one-sided-link',
      'password-mismatch',
      'peer-address-missing',
    ]);
  });
});
