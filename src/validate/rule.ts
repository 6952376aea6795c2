/** The shape of a validation rule: an id, a severity, its documentation and a pure check. */
import type { Finding, RuleId, Severity, Topology } from '../model/index.js';
import type { FileStore, SecretValues } from '../load/index.js';
import type { CertificateIndex } from './certificate-index.js';

/** What every topology rule may look at. */
export interface RuleInput {
  readonly topology: Topology;
  readonly files: FileStore;
  readonly certificates: CertificateIndex;
  /** Resolved passwords, when secrets were resolved. */
  readonly secrets?: SecretValues;
  readonly now: Date;
  /** Warn about certificates that expire within this many seconds. */
  readonly expiryWarningSeconds: number;
}

/** Documentation of a rule, rendered into docs/rules.md and SARIF help. */
export interface RuleDoc {
  readonly id: RuleId;
  readonly severity: Severity;
  /** One sentence: when the rule fires. */
  readonly summary: string;
  /** Why it matters and how to fix it (Markdown). */
  readonly description: string;
  /** A topology fragment that triggers the rule, and the same fragment fixed. */
  readonly example: { readonly failing: string; readonly fixed: string };
  /** Where the rule runs: on topology files, on actual state, or in the loader. */
  readonly scope: 'topology' | 'actual-state' | 'loader' | 'topology+actual-state';
}

/** A rule that checks a topology. */
export interface TopologyRule extends RuleDoc {
  check(input: RuleInput): Finding[];
}

/** Shorthand for a finding of a rule at a pointer. */
export function finding(
  rule: Pick<RuleDoc, 'id' | 'severity'>,
  pointer: string,
  message: string,
  extra: Partial<Omit<Finding, 'rule' | 'severity' | 'pointer' | 'message'>> = {},
): Finding {
  return { rule: rule.id, severity: rule.severity, pointer, message, ...extra };
}
