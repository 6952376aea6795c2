/** `certificate-invalid`: a certificate or key file that cannot be used. */
import type { Finding } from '../../model/index.js';
import { serverPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Missing, unreadable, non-PEM or unparseable certificate and public key files. */
export const certificateInvalidRule: TopologyRule = {
  id: 'certificate-invalid',
  severity: 'error',
  scope: 'topology',
  summary: 'A certificate or key file is missing, unreadable, not PEM, or not parseable.',
  description:
    'Certificates are PEM files (`-----BEGIN CERTIFICATE-----`), relative to the topology file. RSA, EC and Ed25519 keys are all accepted. `publicKey` is a PEM public key (`-----BEGIN PUBLIC KEY-----`).',
  example: {
    failing:
      'servers:\n  MAIN:\n    address: main.example\n    certificates: [certs/main.key]   # the private key, not the certificate\n',
    fixed: 'servers:\n  MAIN:\n    address: main.example\n    certificates: [certs/main.pem]\n',
  },
  check({ topology, files, certificates }) {
    const out: Finding[] = [];
    for (const server of topology.servers.values()) {
      server.certificates.forEach((p, i) => {
        const f = files.get(p);
        let reason: string | undefined;
        if (f?.status === 'error') reason = f.reason;
        else if (f?.status === 'ok') {
          const info = certificates.certificates.get(p);
          if (info && !info.ok) reason = info.reason;
        }
        if (reason) {
          out.push(
            finding(
              this,
              serverPointer(server.name, 'certificates', i),
              `certificate file ${p} of ${server.name} ${reason}`,
            ),
          );
        }
      });
      const k = server.publicKey;
      if (k !== undefined) {
        const f = files.get(k);
        let reason: string | undefined;
        if (f?.status === 'error') reason = f.reason;
        else if (f?.status === 'ok') {
          const info = certificates.publicKeys.get(k);
          if (info && !info.ok) reason = info.reason;
        }
        if (reason)
          out.push(
            finding(
              this,
              serverPointer(server.name, 'publicKey'),
              `public key file ${k} of ${server.name} ${reason}`,
            ),
          );
      }
    }
    return out;
  },
};
