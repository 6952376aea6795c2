/** Creating server key pairs and self-signed certificates (node-forge) for tests and demos. */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
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
  const altNames = (opts.altNames ?? []).map((n) =>
    /^[0-9.]+$/.test(n) || n.includes(':') ? { type: 7, ip: n } : { type: 2, value: n },
  );
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

/** A certificate authority for issuing TLS server certificates (used by the sim's HTTPS). */
export interface CertificateAuthority {
  readonly certificatePem: string;
  issue(
    commonName: string,
    altNames: readonly string[],
  ): { certificatePem: string; privateKeyPem: string };
}

/** Creates a throw-away CA that signs HTTPS certificates for loopback servers. */
export function createCertificateAuthority(commonName: string): CertificateAuthority {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const ca = forge.pki.createCertificate();
  ca.publicKey = keys.publicKey;
  ca.serialNumber = '01' + randomBytes(15).toString('hex');
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
  ca.sign(keys.privateKey, forge.md.sha256.create());
  return {
    certificatePem: forge.pki.certificateToPem(ca),
    issue(cn, altNames) {
      const k = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
      const c = forge.pki.createCertificate();
      c.publicKey = k.publicKey;
      c.serialNumber = '01' + randomBytes(15).toString('hex');
      c.validity.notBefore = new Date(Date.now() - 60_000);
      c.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
      c.setSubject([{ name: 'commonName', value: cn }]);
      c.setIssuer(ca.subject.attributes);
      c.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: altNames.map((n) =>
            /^[0-9.]+$/.test(n) || n.includes(':') ? { type: 7, ip: n } : { type: 2, value: n },
          ),
        },
      ]);
      c.sign(keys.privateKey, forge.md.sha256.create());
      return {
        certificatePem: forge.pki.certificateToPem(c),
        privateKeyPem: forge.pki.privateKeyToPem(k.privateKey),
      };
    },
  };
}
