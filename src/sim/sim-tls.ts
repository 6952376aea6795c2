/**
 * The HTTPS identity of the emulated management APIs: a throw-away CA and one server certificate
 * it signed, naming every host the simulation serves an API on. Clients verify the API's
 * certificate against the CA (`--ca`) *and* check that it names the host of the URL, so a host
 * missing from the certificate fails as "not trusted" even with the right CA.
 *
 * Keys are generated with Node's crypto; node-forge builds and signs the certificates (Node's
 * crypto can read certificates but not issue them).
 */
import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
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

function newRsaKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function serial(): string {
  // A positive serial: the leading 01 keeps the DER integer's sign bit clear.
  return '01' + randomBytes(15).toString('hex');
}

/** Issues a server certificate for `hosts` (IPs as IP SANs, names as DNS SANs), signed by the CA. */
function issueLeaf(
  caCertPem: string,
  caKeyPem: string,
  hosts: readonly string[],
): { certPem: string; keyPem: string } {
  const ca = forge.pki.certificateFromPem(caCertPem);
  const keys = newRsaKeys();
  const c = forge.pki.createCertificate();
  c.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  c.serialNumber = serial();
  c.validity.notBefore = new Date(Date.now() - 60_000);
  c.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
  c.setSubject([{ name: 'commonName', value: 'avnet sim' }]);
  c.setIssuer(ca.subject.attributes);
  c.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
  ]);
  c.sign(forge.pki.privateKeyFromPem(caKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(c), keyPem: keys.privateKeyPem };
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
  const keys = newRsaKeys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  ca.serialNumber = serial();
  ca.validity.notBefore = new Date(Date.now() - 60_000);
  ca.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = [{ name: 'commonName', value: 'avnet sim CA' }];
  ca.setSubject(attrs);
  ca.setIssuer(attrs);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(ca);
  const leaf = issueLeaf(caPem, keys.privateKeyPem, allHosts(hosts));
  return { caPem, caKeyPem: keys.privateKeyPem, ...leaf };
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
