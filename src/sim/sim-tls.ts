/**
 * The HTTPS identity of the emulated management APIs: a throw-away CA and one server certificate
 * it signed, naming every host the simulation serves an API on. Clients verify the API's
 * certificate against the CA (`--ca`) *and* check that it names the host of the URL, so a host
 * missing from the certificate fails as "not trusted" even with the right CA.
 *
 * The certificates are made by `certs/` (Node's crypto for the keys, node-forge to sign).
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { createCertificateAuthority, issueServerCertificate } from '../certs/index.js';
import { SimConfigError } from './sim-config.js';

/** The HTTPS identity of the management APIs: a CA and one certificate it signed. */
export interface SimTlsIdentity {
  /** PEM of the CA clients trust (written to `--tls-dir/ca.pem`). */
  readonly caPem: string;
  /**
   * The CA's private key, so that a simulation given this identity can issue a certificate for
   * hosts the current one does not name. Absent: such a simulation is refused instead.
   */
  readonly caKeyPem?: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** Hosts every identity names, whatever the topology: the usual loopback spellings. */
export const DEFAULT_SIM_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

/** A host as a certificate names it: without IPv6 brackets, names in lower case. */
function normalHost(host: string): string {
  const h = host.replace(/^\[|\]$/g, '');
  return isIP(h) ? h : h.toLowerCase();
}

/** Issues a server certificate for `hosts` (IPs as IP SANs, names as DNS SANs), signed by the CA. */
function issueLeaf(
  caCertPem: string,
  caKeyPem: string,
  hosts: readonly string[],
): { certPem: string; keyPem: string } {
  const leaf = issueServerCertificate(
    { certificatePem: caCertPem, privateKeyPem: caKeyPem },
    'avnet sim',
    hosts,
  );
  return { certPem: leaf.certificatePem, keyPem: leaf.privateKeyPem };
}

/** The distinct hosts, defaults first, in a stable order. */
function allHosts(hosts: readonly string[]): string[] {
  return [...new Set([...DEFAULT_SIM_HOSTS, ...hosts.map(normalHost)])];
}

/**
 * Creates a CA and a certificate naming 127.0.0.1, ::1, localhost and `hosts` (two RSA key pairs:
 * tests create one and reuse it).
 */
export function createSimTlsIdentity(hosts: readonly string[] = []): SimTlsIdentity {
  const ca = createCertificateAuthority('avnet sim CA');
  const leaf = issueLeaf(ca.certificatePem, ca.privateKeyPem, allHosts(hosts));
  return { caPem: ca.certificatePem, caKeyPem: ca.privateKeyPem, ...leaf };
}

/** The hosts among `hosts` that a certificate does not name (IP SANs for IPs, DNS SANs for names). */
export function hostsNotNamed(certPem: string, hosts: readonly string[]): string[] {
  const x = new X509Certificate(certPem);
  return [...new Set(hosts.map(normalHost))].filter((h) =>
    isIP(h) ? x.checkIP(h) === undefined : x.checkHost(h, { subject: 'never' }) === undefined,
  );
}

/**
 * An identity whose certificate names every one of `hosts`: `identity` itself when it does, else a
 * new certificate from the same CA (so clients keep trusting the same `ca.pem`) naming the hosts
 * of the old one plus these. Throws SimConfigError when hosts are missing and the CA key is not at
 * hand.
 */
export function identityForHosts(
  identity: SimTlsIdentity,
  hosts: readonly string[],
): SimTlsIdentity {
  const missing = hostsNotNamed(identity.certPem, hosts);
  if (missing.length === 0) return identity;
  if (!identity.caKeyPem) {
    throw new SimConfigError([
      `the management API certificate does not name ${missing.join(', ')}, and the identity given has no CA key to issue one that does`,
    ]);
  }
  const named = new X509Certificate(identity.certPem).subjectAltName ?? '';
  const old = [...named.matchAll(/(?:DNS:|IP Address:)([^,\s]+)/g)].map((m) => m[1]!);
  return {
    ...identity,
    ...issueLeaf(identity.caPem, identity.caKeyPem, allHosts([...old, ...hosts])),
  };
}
