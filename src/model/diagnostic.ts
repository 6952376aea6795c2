/** Diagnostics are data: rules return them, stages collect them, only the CLI decides exit codes. */

/** Every rule id of the catalog in the topology contract. */
export const RULE_IDS = [
  'yaml-syntax',
  'schema',
  'missing-field',
  'unknown-server',
  'self-link',
  'duplicate-link',
  'duplicate-address',
  'duplicate-credentials',
  'shared-certificate',
  'peer-address-both-sides',
  'peer-address-missing',
  'hierarchy-cycle',
  'multiple-parents',
  'no-dataflow',
  'fixed-flows',
  'notifications-without-events',
  'encryption-mismatch',
  'compression-mismatch',
  'certificate-invalid',
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-expiring',
  'version-interop',
  'license-periods',
  'periodic-only',
  'invalid-schedule',
  'invalid-address',
  'plaintext-secret',
  'secret-unresolved',
  'protocol-disabled',
  'update-cycle',
  'path-outside-root',
  // avnet's additions to the contract's catalog (docs/topology.md, "Choices where the contract is silent").
  'invisible-character',
  'confusable-name',
  'weak-secret',
  'password-mismatch',
  'one-sided-link',
  'certificate-mismatch',
] as const;

/** A rule id of the catalog. */
export type RuleId = (typeof RULE_IDS)[number];

/** `error` fails validation; `warning` fails only under `--strict`. */
export type Severity = 'error' | 'warning';

/** Whether a diagnostic points at a mapping key (an unknown key, a server name) or at its value. */
export type PointerTarget = 'key' | 'value';

/** Another place involved in a diagnostic, before positions are resolved. */
export interface RelatedPointer {
  readonly pointer: string;
  readonly target?: PointerTarget;
  readonly message: string;
  /** File the pointer refers to, when it is not the topology itself. */
  readonly file?: string;
  /** For actual-state findings: the server whose state the pointer refers to. */
  readonly server?: string;
}

/** What a rule reports: a pointer into the document, positions are added later. */
export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  readonly pointer: string;
  readonly target?: PointerTarget;
  readonly related?: readonly RelatedPointer[];
  /** For actual-state findings: the server holding the entry and the entry's neighbor. */
  readonly server?: string;
  readonly neighbor?: string;
}

/** A resolved place in a file (1-based line and column). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/** Another place involved in a diagnostic, with its position. */
export interface RelatedLocation extends Partial<SourceLocation> {
  readonly message: string;
  readonly pointer?: string;
  readonly server?: string;
}

/** A finding with its position resolved, as printed by every output format. */
export interface Diagnostic {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly pointer?: string;
  readonly related?: readonly RelatedLocation[];
  readonly server?: string;
  readonly neighbor?: string;
}

/** Counts errors and warnings. */
export function countBySeverity(diagnostics: readonly Diagnostic[]): {
  errors: number;
  warnings: number;
} {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}

/** True when the diagnostics fail validation (errors, or warnings under strict). */
export function failsValidation(diagnostics: readonly Diagnostic[], strict: boolean): boolean {
  return diagnostics.some((d) => d.severity === 'error' || strict);
}

/** True for a problem that keeps a file from being read as a topology at all (syntax, schema). */
export function makesTopologyUnusable(d: Pick<Diagnostic, 'severity' | 'rule'>): boolean {
  return d.severity === 'error' && (d.rule === 'yaml-syntax' || d.rule === 'schema');
}

/** True when the topology could not be read as a topology at all (syntax or schema errors). */
export function topologyUnusable(
  diagnostics: readonly Pick<Diagnostic, 'severity' | 'rule'>[],
): boolean {
  return diagnostics.some(makesTopologyUnusable);
}

/** Orders diagnostics by file, line, column, then rule id. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}
