/** `certificate-not-yet-valid`: a certificate's notBefore is in the future. */
import type { TopologyRule } from '../rule.js';
import { eachCertificate, isoSecond } from './certificate-checks.js';

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
      (c, { now }) =>
        c.notBefore > now ? `is not valid before ${isoSecond(c.notBefore)}` : undefined,
      this,
    );
  },
};
