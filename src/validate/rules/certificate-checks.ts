/** Shared by the certificate validity rules: each parsed certificate of each server, checked. */
import type { Finding } from '../../model/index.js';
import { serverPointer } from '../../model/index.js';
import type { CertificateInfo } from '../../certs/inspect.js';
import { finding, type RuleInput, type TopologyRule } from '../rule.js';

/** What is wrong with one certificate at the time of the check, if anything. */
export type CertificateCheck = (cert: CertificateInfo, input: RuleInput) => string | undefined;

/** A date as ISO 8601 without milliseconds. */
export function isoSecond(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Checks every parsed certificate of every server; `check` says what is wrong, if anything. */
export function eachCertificate(
  input: RuleInput,
  check: CertificateCheck,
  rule: TopologyRule,
): Finding[] {
  const out: Finding[] = [];
  for (const server of input.topology.servers.values()) {
    server.certificates.forEach((p, i) => {
      const info = input.certificates.certificates.get(p);
      if (!info?.ok) return;
      for (const cert of info.certificates) {
        const problem = check(cert, input);
        if (problem) {
          out.push(
            finding(
              rule,
              serverPointer(server.name, 'certificates', i),
              `certificate ${p} of ${server.name} (${cert.subject}) ${problem}`,
            ),
          );
        }
      }
    });
  }
  return out;
}
