/** `duplicate-credentials`: two links share the same password and a certificate. */
import type { Finding, LinkSpec } from '../../model/index.js';
import { linkEnds, linkLabel, linkPointer } from '../../model/index.js';
import { secretRefKey } from '../../load/index.js';
import { shortFingerprint } from '../../certs/inspect.js';
import { serverFingerprints } from '../certificate-index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Links that reuse a password together with a certificate of a common server. */
export const duplicateCredentialsRule: TopologyRule = {
  id: 'duplicate-credentials',
  severity: 'error',
  scope: 'topology+actual-state',
  summary:
    "Two links share the same password and a certificate (one server's certificate appearing on both links with the same password).",
  description:
    'The product forbids connecting several servers with the same pair of *password* and *SSL certificate*. Give every link of a server its own password. Without `--secrets`, passwords are compared by reference (the same variable, file or inline text); with resolved secrets, by value.',
  example: {
    failing:
      'links:\n  - parent: MAIN\n    child: AUX1\n    password: {env: AVNET_SHARED}\n  - parent: MAIN\n    child: AUX2\n    password: {env: AVNET_SHARED}\n',
    fixed:
      'links:\n  - parent: MAIN\n    child: AUX1\n    password: {env: AVNET_MAIN_AUX1}\n  - parent: MAIN\n    child: AUX2\n    password: {env: AVNET_MAIN_AUX2}\n',
  },
  check({ topology, certificates, secrets }) {
    const out: Finding[] = [];
    // password key -> certificate id -> first link using both
    const byPassword = new Map<string, Map<string, { link: LinkSpec; server: string }>>();
    for (const link of topology.links) {
      if (!link.password) continue;
      const value = secrets?.get(link.index);
      const pw = value !== undefined ? `value:${value}` : secretRefKey(link.password);
      let certsOfPassword = byPassword.get(pw);
      if (!certsOfPassword) byPassword.set(pw, (certsOfPassword = new Map()));
      const reported = new Set<number>();
      for (const server of new Set(linkEnds(link))) {
        const spec = topology.servers.get(server);
        if (!spec) continue;
        const ids = serverFingerprints(certificates, spec.certificates).map((f) => f.fingerprint);
        // Unparseable certificates still count by file path, so a broken file does not hide reuse.
        if (ids.length === 0) ids.push(...spec.certificates.map((p) => `path:${p}`));
        for (const id of ids) {
          const prev = certsOfPassword.get(id);
          if (!prev) {
            certsOfPassword.set(id, { link, server });
            continue;
          }
          if (prev.link === link || reported.has(prev.link.index)) continue;
          reported.add(prev.link.index);
          const shown = id.startsWith('path:') ? id.slice(5) : `sha256 ${shortFingerprint(id)}`;
          out.push(
            finding(
              this,
              linkPointer(link, 'password'),
              `links ${linkLabel(prev.link)} and ${linkLabel(link)} use the same password with certificate of ${server} (${shown})`,
              {
                related: [
                  { pointer: linkPointer(prev.link, 'password'), message: 'first used here' },
                ],
              },
            ),
          );
        }
      }
    }
    return out;
  },
};
