/** Creating server key pairs and self-signed certificates (node-forge) for tests and demos. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** Options for a generated certificate. */
export interface GenerateOptions {
  /** Common name; defaults to the server name. */
  readonly commonName?: string;
  /** Validity start; defaults to now minus one minute (clock skew). */
  readonly notBefore?: Date;
  /** Validity end; defaults to notBefore plus `days`. */
  readonly notAfter?: Date;
  readonly days?: number;
  readonly bits?: number;
  /** An existing RSA private key (PEM) to certify instead of generating one (v10 interop). */
  readonly privateKeyPem?: string;
  /** DNS names and IPs for the subjectAltName extension. */
  readonly altNames?: readonly string[];
}

/** A generated key pair and certificate, all PEM. */
export interface GeneratedCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/** Generates an RSA key pair (or reuses one) and a self-signed certificate for a server. */
export function generateServerCertificate(
  name: string,
  opts: GenerateOptions = {},
): GeneratedCertificate {
  let privateKey: forge.pki.rsa.PrivateKey;
  let publicKey: forge.pki.rsa.PublicKey;
  if (opts.privateKeyPem) {
    // forge reads PKCS#1 and PKCS#8 RSA keys; normalise to PKCS#8 via Node first.
    const pkcs8 = createPrivateKey(opts.privateKeyPem)
      .export({ type: 'pkcs1', format: 'pem' })
      .toString();
    privateKey = forge.pki.privateKeyFromPem(pkcs8) as forge.pki.rsa.PrivateKey;
    publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  } else {
    const pair = forge.pki.rsa.generateKeyPair({ bits: opts.bits ?? 2048, e: 0x10001 });
    privateKey = pair.privateKey;
    publicKey = pair.publicKey;
  }
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive 128-bit serial, as RFC 5280 asks.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  const notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + (opts.days ?? 825) * 86_400_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs = [
    { name: 'commonName', value: opts.commonName ?? name },
    { name: 'organizationName', value: 'avnet generated' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  const altNames = (opts.altNames ?? []).map(altName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  const privateKeyPem = createPrivateKey(forge.pki.privateKeyToPem(privateKey))
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const publicKeyPem = createPublicKey(privateKeyPem)
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem, publicKeyPem };
}

/** A certificate authority: its certificate and private key (PEM), to issue HTTPS certificates. */
export interface CertificateAuthority {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** An RSA key pair from Node's crypto (much faster than forge's pure-JS generation). */
function newRsaKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** A positive 128-bit serial, as RFC 5280 asks (the leading 01 keeps the sign bit clear). */
function serial(): string {
  return '01' + randomBytes(15).toString('hex');
}

/** An IP as an IP SAN, anything else as a DNS SAN. */
function altName(host: string): { type: number; ip?: string; value?: string } {
  return isIP(host) ? { type: 7, ip: host } : { type: 2, value: host };
}

/** Creates a throw-away CA (valid a year) for signing HTTPS certificates of loopback servers. */
export function createCertificateAuthority(commonName: string): CertificateAuthority {
  const keys = newRsaKeys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  ca.serialNumber = serial();
  ca.validity.notBefore = new Date(Date.now() - 60_000);
  ca.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  ca.setSubject(attrs);
  ca.setIssuer(attrs);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(ca), privateKeyPem: keys.privateKeyPem };
}

/** Issues an HTTPS server certificate (valid 30 days) for `hosts`, signed by the CA. */
export function issueServerCertificate(
  ca: CertificateAuthority,
  commonName: string,
  hosts: readonly string[],
): { certificatePem: string; privateKeyPem: string } {
  const issuer = forge.pki.certificateFromPem(ca.certificatePem);
  const keys = newRsaKeys();
  const c = forge.pki.createCertificate();
  c.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  c.serialNumber = serial();
  c.validity.notBefore = new Date(Date.now() - 60_000);
  c.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
  c.setSubject([{ name: 'commonName', value: commonName }]);
  c.setIssuer(issuer.subject.attributes);
  c.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hosts.map(altName) },
  ]);
  c.sign(forge.pki.privateKeyFromPem(ca.privateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(c), privateKeyPem: keys.privateKeyPem };
}
