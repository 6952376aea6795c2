/** `shared-certificate`: the same certificate is an own certificate of two servers. */
import type { Finding } from '../../model/index.js';
import { serverPointer } from '../../model/index.js';
import { shortFingerprint } from '../../certs/inspect.js';
import { serverFingerprints } from '../certificate-index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Certificates (by SHA-256 fingerprint) claimed by more than one server. */
export const sharedCertificateRule: TopologyRule = {
  id: 'shared-certificate',
  severity: 'error',
  scope: 'topology',
  summary: 'The same certificate (by SHA-256 fingerprint) is an own certificate of two servers.',
  description:
    'Each server authenticates with its own key pair; a certificate shared by two servers lets one impersonate the other and breaks the password + certificate uniqueness the product requires. Generate one per server (`avnet certs generate NAME`).',
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example, certificates: [certs/main.pem]}\n  AUX: {address: aux.example, certificates: [certs/main.pem]}\n',
    fixed:
      'servers:\n  MAIN: {address: main.example, certificates: [certs/main.pem]}\n  AUX: {address: aux.example, certificates: [certs/aux.pem]}\n',
  },
  check({ topology, certificates }) {
    const out: Finding[] = [];
    const owner = new Map<string, { server: string; position: number }>();
    for (const server of topology.servers.values()) {
      const seenHere = new Set<string>();
      for (const { fingerprint, position } of serverFingerprints(
        certificates,
        server.certificates,
      )) {
        if (seenHere.has(fingerprint)) continue;
        seenHere.add(fingerprint);
        const prev = owner.get(fingerprint);
        if (!prev) {
          owner.set(fingerprint, { server: server.name, position });
          continue;
        }
        out.push(
          finding(
            this,
            serverPointer(server.name, 'certificates', position),
            `certificate sha256 ${shortFingerprint(fingerprint)} of ${server.name} is also a certificate of ${prev.server}`,
            {
              related: [
                {
                  pointer: serverPointer(prev.server, 'certificates', prev.position),
                  message: `${prev.server} uses it here`,
                },
              ],
            },
          ),
        );
      }
    }
    return out;
  },
};
