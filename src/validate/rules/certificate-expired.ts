/** `certificate-expired`: a certificate's notAfter is in the past. */
import type { TopologyRule } from '../rule.js';
import { eachCertificate, isoSecond } from './certificate-checks.js';

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
      (c, { now }) => (c.notAfter < now ? `expired on ${isoSecond(c.notAfter)}` : undefined),
      this,
    );
  },
};
