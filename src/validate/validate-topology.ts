/** The validate stage: load findings plus every rule, positioned and sorted. */
import type { Diagnostic, Finding } from '../model/index.js';
import { compareDiagnostics, countBySeverity } from '../model/index.js';
import type { LoadedTopology } from '../load/index.js';
import { buildCertificateIndex, type CertificateIndex } from './certificate-index.js';
import { locateFindings } from './locate.js';
import type { TopologyRule } from './rule.js';
import { TOPOLOGY_RULES } from './rules/index.js';

/** Default window for `certificate-expiring`: 30 days. */
export const DEFAULT_EXPIRY_WARNING_SECONDS = 30 * 86400;

/** Options of the validate stage. */
export interface ValidateOptions {
  /** The time certificates are checked against. */
  readonly now?: Date;
  readonly expiryWarningSeconds?: number;
  /** Rules to run; all by default. */
  readonly rules?: readonly TopologyRule[];
}

/** The result of validating a topology. */
export interface ValidationResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly errors: number;
  readonly warnings: number;
  /** Certificate inspection results, reused by later stages. */
  readonly certificates: CertificateIndex;
}

/** Runs every rule on a loaded topology and returns positioned, sorted diagnostics. */
export function validateTopology(
  loaded: LoadedTopology,
  opts: ValidateOptions = {},
): ValidationResult {
  const findings: (Finding & { offset?: number })[] = [...loaded.findings];
  const certificates = buildCertificateIndex(loaded.topology, loaded.files);
  if (loaded.parsedOk) {
    const input = {
      topology: loaded.topology,
      files: loaded.files,
      certificates,
      secrets: loaded.secrets,
      now: opts.now ?? new Date(),
      expiryWarningSeconds: opts.expiryWarningSeconds ?? DEFAULT_EXPIRY_WARNING_SECONDS,
    };
    for (const rule of opts.rules ?? TOPOLOGY_RULES) findings.push(...rule.check(input));
  }
  const diagnostics = locateFindings(findings, loaded.source.displayPath, loaded.sourceMap).sort(
    compareDiagnostics,
  );
  return { diagnostics, ...countBySeverity(diagnostics), certificates };
}
