/** Inspects every referenced certificate and public key once; rules read the results. */
import type { Topology } from '../model/index.js';
import type { FileStore } from '../load/index.js';
import {
  inspectCertificatePem,
  parsePublicKeyPem,
  type CertificateFileInfo,
} from '../certs/inspect.js';

/** A public key file's DER encoding, or why it has none. */
export type PublicKeyInfo =
  { readonly ok: true; readonly der: Buffer } | { readonly ok: false; readonly reason: string };

/** Inspection results keyed by the path as written in the topology. */
export interface CertificateIndex {
  readonly certificates: ReadonlyMap<string, CertificateFileInfo>;
  readonly publicKeys: ReadonlyMap<string, PublicKeyInfo>;
}

/** Parses each certificate file and public key file the topology references (readable ones). */
export function buildCertificateIndex(topology: Topology, files: FileStore): CertificateIndex {
  const certificates = new Map<string, CertificateFileInfo>();
  const publicKeys = new Map<string, PublicKeyInfo>();
  for (const server of topology.servers.values()) {
    for (const p of server.certificates) {
      if (certificates.has(p)) continue;
      const f = files.get(p);
      if (f?.status === 'ok') certificates.set(p, inspectCertificatePem(f.text));
    }
    const k = server.publicKey;
    if (k !== undefined && !publicKeys.has(k)) {
      const f = files.get(k);
      if (f?.status === 'ok') {
        const parsed = parsePublicKeyPem(f.text);
        publicKeys.set(k, parsed.ok ? { ok: true, der: parsed.der } : parsed);
      }
    }
  }
  return { certificates, publicKeys };
}

/** SHA-256 fingerprints of a server's parseable own certificates, with the list index they came from. */
export function serverFingerprints(
  index: CertificateIndex,
  certificatePaths: readonly string[],
): { fingerprint: string; position: number }[] {
  const out: { fingerprint: string; position: number }[] = [];
  certificatePaths.forEach((p, position) => {
    const info = index.certificates.get(p);
    if (info?.ok)
      for (const c of info.certificates) out.push({ fingerprint: c.fingerprint256, position });
  });
  return out;
}
