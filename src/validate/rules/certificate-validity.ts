/** `certificate-expired`, `certificate-not-yet-valid`, `certificate-expiring`: validity windows. */
import type { Finding } from '../../model/index.js';
import { serverPointer } from '../../model/index.js';
import type { CertificateInfo } from '../../certs/inspect.js';
import { finding, type RuleInput, type TopologyRule } from '../rule.js';

type Check = (cert: CertificateInfo, input: RuleInput) => string | undefined;

function day(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function eachCertificate(input: RuleInput, check: Check, rule: TopologyRule): Finding[] {
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

/** Certificates whose notAfter is in the past. */
export const certificateExpiredRule: TopologyRule = {
  id: 'certificate-expired',
  severity: 'error',
  scope: 'topology',
  summary: "A certificate's notAfter is in the past.",
  description:
    'An expired certificate is refused by the neighbor; issue a new one and update both servers (avnet does the second part for you).',
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example, certificates: [certs/main-2019.pem]}   # expired\n',
    fixed: 'servers:\n  MAIN: {address: main.example, certificates: [certs/main-2026.pem]}\n',
  },
  check(input) {
    return eachCertificate(
      input,
      (c, { now }) => (c.notAfter < now ? `expired on ${day(c.notAfter)}` : undefined),
      this,
    );
  },
};

/** Certificates whose notBefore is in the future. */
export const certificateNotYetValidRule: TopologyRule = {
  id: 'certificate-not-yet-valid',
  severity: 'error',
  scope: 'topology',
  summary: "A certificate's notBefore is in the future.",
  description:
    "The certificate is refused until its validity starts; check the issuing machine's clock or wait.",
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example, certificates: [certs/main-next-year.pem]}\n',
    fixed: 'servers:\n  MAIN: {address: main.example, certificates: [certs/main.pem]}\n',
  },
  check(input) {
    return eachCertificate(
      input,
      (c, { now }) => (c.notBefore > now ? `is not valid before ${day(c.notBefore)}` : undefined),
      this,
    );
  },
};

/** Certificates that expire within the warning window. */
export const certificateExpiringRule: TopologyRule = {
  id: 'certificate-expiring',
  severity: 'warning',
  scope: 'topology',
  summary: 'A certificate expires within the warning window (default 30 days, `--expiry-warning`).',
  description: 'Renew it before it expires; set the window with `--expiry-warning 60d`.',
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example, certificates: [certs/main-expires-next-week.pem]}\n',
    fixed: 'servers:\n  MAIN: {address: main.example, certificates: [certs/main-renewed.pem]}\n',
  },
  check(input) {
    return eachCertificate(
      input,
      (c, { now, expiryWarningSeconds }) => {
        if (c.notAfter < now) return undefined;
        const left = (c.notAfter.getTime() - now.getTime()) / 1000;
        if (left > expiryWarningSeconds) return undefined;
        const days = Math.floor(left / 86400);
        return `expires on ${day(c.notAfter)} (in ${days} day${days === 1 ? '' : 's'})`;
      },
      this,
    );
  },
};
