/**
 * `certificate-mismatch` (actual state): an entry expects certificates its neighbor does not
 * hold, or (v10 ↔ v11+) holds a public key that is not its neighbor's.
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { Finding, NeighborEntry, ServerState } from '../../model/index.js';
import { parsePublicKeyPem, shortFingerprint } from '../../certs/inspect.js';
import { entryPointer, forEachEntryPair, type StateRule } from '../state-rule.js';

/** One side of a mirrored pair of entries, as `forEachEntryPair` gives it. */
interface Side {
  readonly server: string;
  readonly entry: NeighborEntry;
  readonly index: number;
}

/**
 * What identifies a certificate: its SHA-256 fingerprint, so that two PEM layouts of one
 * certificate compare equal; text that does not parse is compared as trimmed text.
 */
interface CertKey {
  readonly id: string;
  readonly label: string;
  readonly publicKeyDer?: Buffer;
}

/** Parses each distinct PEM once per audit (thousands of entries repeat the same certificates). */
class CertKeys {
  private readonly cache = new Map<string, CertKey>();

  of(pem: string): CertKey {
    let key = this.cache.get(pem);
    if (!key) {
      try {
        const cert = new X509Certificate(pem);
        key = {
          id: cert.fingerprint256,
          label: `sha256 ${shortFingerprint(cert.fingerprint256)}`,
          publicKeyDer: cert.publicKey.export({ type: 'spki', format: 'der' }),
        };
      } catch {
        const text = pem.replace(/\r\n/g, '\n').trim();
        key = {
          id: `text:${createHash('sha256').update(text).digest('hex')}`,
          label: 'an unparseable certificate',
        };
      }
      this.cache.set(pem, key);
    }
    return key;
  }
}

function labels(keys: readonly CertKey[]): string {
  return keys.map((k) => k.label).join(', ');
}

/** Mirrored entries whose certificates (or, for a v10 server, public key) do not match. */
export const certificateMismatchRule: StateRule = {
  id: 'certificate-mismatch',
  severity: 'error',
  scope: 'actual-state',
  summary:
    "(actual state) An entry lists none of the certificates its neighbor holds as its own (for a v10 server linked to a v11+ one: holds a public key that is not the neighbor's).",
  description:
    "Each entry's \"Certificates of neighbor Dr.Web Server\" must list a certificate that the neighbor holds among its \"Own certificates of Dr.Web Server\" (compared by SHA-256 fingerprint; listing a new certificate next to the current one during a rotation is fine). Wrong certificates are one of the reasons the vendor's guide gives for a link that stays offline. A v10 server's dialog has no certificate fields: its entry for a v11+ neighbor must hold that neighbor's public key, which must be the key of one of the neighbor's own certificates; the v11+ side lists a certificate generated from the v10 server's private key (`drwsign gencert`). Re-applying the topology writes both sides from the same certificate files.",
  example: {
    failing:
      '# state/MAIN.json: neighbors: [{name: AUX, type: child, ownCertificates: [<MAIN.pem>], neighborCertificates: [<OLD-AUX.pem>], ...}]\n# state/AUX.json:  neighbors: [{name: MAIN, type: parent, ownCertificates: [<AUX.pem>], neighborCertificates: [<MAIN.pem>], ...}]\n',
    fixed:
      'servers:\n  MAIN: {address: main.example, certificates: [certs/MAIN.pem]}\n  AUX: {address: aux.example, certificates: [certs/AUX.pem]}\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: AVNET_MAIN_AUX}}\n',
  },
  checkState({ servers }) {
    const out: Finding[] = [];
    const keys = new CertKeys();
    const judge = (holder: Side, other: Side) => {
      const finding = check(servers, keys, holder, other);
      if (finding)
        out.push({
          rule: this.id,
          severity: this.severity,
          message: finding.message,
          pointer: entryPointer(holder.index, finding.field),
          server: holder.server,
          neighbor: other.server,
          related: [
            {
              pointer: entryPointer(other.index, 'ownCertificates'),
              message: `${other.server}'s own certificates, in its entry for ${holder.server}`,
              server: other.server,
            },
          ],
        });
    };
    forEachEntryPair(servers, (a, b) => {
      judge(a, b);
      judge(b, a);
    });
    return out;
  },
};

/** What is wrong with `holder`'s entry for `other`, if anything. */
function check(
  servers: ReadonlyMap<string, ServerState>,
  keys: CertKeys,
  holder: Side,
  other: Side,
): { field: 'neighborCertificates' | 'neighborPublicKey'; message: string } | undefined {
  const own = (other.entry.ownCertificates ?? []).map((p) => keys.of(p));
  if (own.length === 0) return undefined; // nothing the neighbor claims to present
  const v10Side =
    servers.get(holder.server)?.version === 10 && (servers.get(other.server)?.version ?? 0) >= 11;
  if (v10Side) {
    // The vendor's interop case: the v10 server knows its v11+ neighbor by public key only.
    const pem = holder.entry.neighborPublicKey;
    if (!pem)
      return {
        field: 'neighborPublicKey',
        message: `${holder.server}'s entry for ${other.server} holds no public key of ${other.server}: a v10 server needs the public key of its v11+ neighbor; the link stays offline`,
      };
    const key = parsePublicKeyPem(pem);
    if (key.ok && own.some((k) => k.publicKeyDer?.equals(key.der))) return undefined;
    return {
      field: 'neighborPublicKey',
      message: `${holder.server}'s entry for ${other.server} holds a public key that matches none of the certificates ${other.server} holds as its own: the v10 server needs the public key of its v11+ neighbor; the link stays offline`,
    };
  }
  const expected = (holder.entry.neighborCertificates ?? []).map((p) => keys.of(p));
  if (expected.length === 0)
    return {
      field: 'neighborCertificates',
      message: `${holder.server}'s entry for ${other.server} lists no certificate of ${other.server} (${other.server} has ${labels(own)}): the link stays offline`,
    };
  const ids = new Set(own.map((k) => k.id));
  if (expected.some((k) => ids.has(k.id))) return undefined;
  return {
    field: 'neighborCertificates',
    message: `${holder.server}'s entry for ${other.server} lists none of the certificates ${other.server} holds as its own (expects ${labels(expected)}; ${other.server} has ${labels(own)}): the link stays offline`,
  };
}
