/** `version-interop`: v10 ↔ v11+ links need the v11+ public key and a v10 certificate from the v10 key. */
import type { Finding } from '../../model/index.js';
import { linkLabel, linkPointer, serverPointer } from '../../model/index.js';
import { certificatePublicKeyDer } from '../../certs/inspect.js';
import { finding, type TopologyRule } from '../rule.js';
import { wellFormedLinks } from './helpers.js';

/** Mixed-version links missing the key material the product requires. */
export const versionInteropRule: TopologyRule = {
  id: 'version-interop',
  severity: 'error',
  scope: 'topology',
  summary:
    "A v10 ↔ v11+ link without the v11+ server's `publicKey`, or without a v10 certificate whose public key matches the v10 server's `publicKey` when one is given.",
  description:
    "The vendor's procedure: on the v10 server, specify the v11+ server's public key (`publicKey` of the v11+ server); on the v11+ server, specify a certificate generated from the v10 server's private key with the `drwsign` utility (`gencert` command) of the v11+ distribution (the v10 server's `certificates`). A v10 server's neighbor dialog has no certificate fields. For demos and the emulator, `avnet certs generate NAME --key v10.key` makes such a certificate.",
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example, version: 13, certificates: [certs/main.pem]}\n  OLD: {address: old.example, version: 10, certificates: [certs/old.pem]}\nlinks:\n  - {parent: MAIN, child: OLD, password: {env: P}}\n',
    fixed:
      'servers:\n  MAIN: {address: main.example, version: 13, certificates: [certs/main.pem], publicKey: keys/main.pub}\n  OLD: {address: old.example, version: 10, certificates: [certs/old.pem], publicKey: keys/old.pub}\nlinks:\n  - {parent: MAIN, child: OLD, password: {env: P}}\n',
  },
  check({ topology, certificates }) {
    const out: Finding[] = [];
    const checkedV10 = new Set<string>();
    for (const link of wellFormedLinks(topology)) {
      const [a, b] = link.kind === 'parent-child' ? [link.parent, link.child] : link.peers;
      const sa = topology.servers.get(a)!;
      const sb = topology.servers.get(b)!;
      const v10 =
        sa.version === 10 && sb.version >= 11
          ? sa
          : sb.version === 10 && sa.version >= 11
            ? sb
            : undefined;
      if (!v10) continue;
      const modern = v10 === sa ? sb : sa;
      if (modern.publicKey === undefined) {
        out.push(
          finding(
            this,
            linkPointer(link),
            `link ${linkLabel(link)} joins v10 server ${v10.name} to v${modern.version} server ${modern.name}, which has no publicKey`,
            {
              related: [
                {
                  pointer: serverPointer(modern.name),
                  target: 'key',
                  message: `add publicKey to ${modern.name}`,
                },
              ],
            },
          ),
        );
      }
      if (checkedV10.has(v10.name)) continue;
      checkedV10.add(v10.name);
      if (v10.certificates.length === 0) {
        out.push(
          finding(
            this,
            serverPointer(v10.name),
            `v10 server ${v10.name} links to v11+ servers but has no certificate generated from its private key`,
            {
              target: 'key',
              related: [
                { pointer: linkPointer(link), message: `linked here (${linkLabel(link)})` },
              ],
            },
          ),
        );
        continue;
      }
      if (v10.publicKey === undefined) continue;
      const key = certificates.publicKeys.get(v10.publicKey);
      if (!key?.ok) continue; // certificate-invalid reports it
      let matched = false;
      let comparable = false;
      for (const p of v10.certificates) {
        const info = certificates.certificates.get(p);
        if (!info?.ok) continue;
        for (const c of info.certificates) {
          comparable = true;
          if (certificatePublicKeyDer(c.pem).equals(key.der)) matched = true;
        }
      }
      if (comparable && !matched) {
        out.push(
          finding(
            this,
            serverPointer(v10.name, 'certificates'),
            `no certificate of v10 server ${v10.name} matches its publicKey ${v10.publicKey}: v11+ neighbors need a certificate generated from the v10 private key`,
            {
              related: [
                { pointer: serverPointer(v10.name, 'publicKey'), message: 'public key given here' },
              ],
            },
          ),
        );
      }
    }
    return out;
  },
};
