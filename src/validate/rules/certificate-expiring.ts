/** `certificate-expiring`: a certificate expires within the warning window. */
import type { TopologyRule } from '../rule.js';
import { eachCertificate, isoSecond } from './certificate-checks.js';

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
        return `expires on ${isoSecond(c.notAfter)} (in ${days} day${days === 1 ? '' : 's'})`;
      },
      this,
    );
  },
};
