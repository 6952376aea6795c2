/**
 * Certificate inspection with Node's X509Certificate, which handles RSA, EC and Ed25519 alike
 * (node-forge only parses RSA, so it is used to create test certificates, never to read them).
 */
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';

/** What the rules need to know about one certificate. */
export interface CertificateInfo {
  /** SHA-256 fingerprint, colon-separated upper-case hex (as openssl prints it). */
  readonly fingerprint256: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The PEM block this certificate came from. */
  readonly pem: string;
}

/** The outcome of inspecting a certificate file: its certificates or why it has none. */
export type CertificateFileInfo =
  | { readonly ok: true; readonly certificates: readonly CertificateInfo[] }
  | { readonly ok: false; readonly reason: string };

const PEM_CERT = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/g;

/** Parses every PEM certificate block of a file's text. */
export function inspectCertificatePem(text: string): CertificateFileInfo {
  const blocks = text.match(PEM_CERT);
  if (!blocks || blocks.length === 0) {
    return {
      ok: false,
      reason: /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)
        ? 'holds a private key, not a certificate'
        : 'is not a PEM certificate (no "BEGIN CERTIFICATE" block)',
    };
  }
  const certificates: CertificateInfo[] = [];
  for (const pem of blocks) {
    try {
      const x = new X509Certificate(pem);
      certificates.push({
        fingerprint256: x.fingerprint256,
        subject: x.subject.replace(/\n/g, ', '),
        notBefore: new Date(x.validFrom),
        notAfter: new Date(x.validTo),
        pem,
      });
    } catch (err) {
      return {
        ok: false,
        reason: `cannot be parsed as an X.509 certificate (${(err as Error).message})`,
      };
    }
  }
  return { ok: true, certificates };
}

/** The DER (SPKI) encoding of a certificate's public key, to compare with a public key file. */
export function certificatePublicKeyDer(pem: string): Buffer {
  return new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
}

/** Parses a PEM public key (or extracts the public half of a certificate or private key). */
export function parsePublicKeyPem(
  text: string,
): { ok: true; key: KeyObject; der: Buffer } | { ok: false; reason: string } {
  if (!/-----BEGIN [A-Z ]*(PUBLIC KEY|CERTIFICATE)-----/.test(text)) {
    return { ok: false, reason: 'is not a PEM public key (no "BEGIN PUBLIC KEY" block)' };
  }
  try {
    const key = /BEGIN CERTIFICATE/.test(text)
      ? new X509Certificate(text).publicKey
      : createPublicKey(text);
    return { ok: true, key, der: key.export({ type: 'spki', format: 'der' }) };
  } catch (err) {
    return { ok: false, reason: `cannot be parsed as a public key (${(err as Error).message})` };
  }
}

/** A short form of a fingerprint for messages: the first eight bytes. */
export function shortFingerprint(fp: string): string {
  return fp.split(':').slice(0, 8).join(':') + ':...';
}
