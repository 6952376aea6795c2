import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CERTS_DIR, FIXTURE_KEY_TYPES, fixture } from '../../test/helpers/topology.js';
import { generateServerCertificate, type GeneratedCertificate } from './generate.js';
import {
  certificatePublicKeyDer,
  inspectCertificatePem,
  parsePublicKeyPem,
  shortFingerprint,
  type CertificateInfo,
} from './inspect.js';

const DAY = 86_400_000;

/** Runs openssl x509 on a file or on PEM text and returns its output. */
function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', ['x509', '-noout', ...args], {
    input,
    encoding: 'utf8',
  }).trim();
}

function only(pem: string): CertificateInfo {
  const info = inspectCertificatePem(pem);
  if (!info.ok) throw new Error(info.reason);
  expect(info.certificates).toHaveLength(1);
  return info.certificates[0]!;
}

describe.each(FIXTURE_KEY_TYPES)('openssl fixture %s', (type) => {
  const file = path.join(FIXTURE_CERTS_DIR, `${type}.pem`);
  const pem = fixture(`${type}.pem`);

  it('is read by inspectCertificatePem', () => {
    const c = only(pem);
    expect(c.subject).toContain(`CN=${type}`);
    expect(c.pem).toBe(pem.trim());
  });

  it('has the SHA-256 fingerprint openssl prints', () => {
    const out = openssl(['-fingerprint', '-sha256', '-in', file]);
    expect(out).toMatch(/^sha256 Fingerprint=([0-9A-F]{2}:){31}[0-9A-F]{2}$/i);
    expect(only(pem).fingerprint256).toBe(out.split('=')[1]!.toUpperCase());
  });

  it('has the validity dates openssl prints (about 100 years)', () => {
    const dates = Object.fromEntries(
      openssl(['-startdate', '-enddate', '-in', file])
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    const c = only(pem);
    expect(c.notBefore.getTime()).toBe(new Date(dates.notBefore!).getTime());
    expect(c.notAfter.getTime()).toBe(new Date(dates.notAfter!).getTime());
    expect(c.notAfter.getTime() - c.notBefore.getTime()).toBe(36500 * DAY);
    expect(c.notAfter.getUTCFullYear()).toBeGreaterThan(2120);
  });

  it('its public key file matches the certificate (parsePublicKeyPem + certificatePublicKeyDer)', () => {
    const key = parsePublicKeyPem(fixture(`${type}.pub`));
    if (!key.ok) throw new Error(key.reason);
    expect(key.der.equals(certificatePublicKeyDer(pem))).toBe(true);
    expect(
      key.der.equals(
        createPublicKey(createPrivateKey(fixture(`${type}.key`))).export({
          type: 'spki',
          format: 'der',
        }),
      ),
    ).toBe(true);
    // A certificate given where a public key is expected yields the same key.
    const fromCert = parsePublicKeyPem(pem);
    expect(fromCert.ok && fromCert.der.equals(key.der)).toBe(true);
  });

  it('its public key differs from every other fixture', () => {
    const der = certificatePublicKeyDer(pem);
    for (const other of FIXTURE_KEY_TYPES.filter((t) => t !== type)) {
      const k = parsePublicKeyPem(fixture(`${other}.pub`));
      expect(k.ok && k.der.equals(der)).toBe(false);
    }
  });
});

describe('inspectCertificatePem', () => {
  it('reads every certificate of a bundle, in order', () => {
    const info = inspectCertificatePem(fixture('ec-p384.pem') + '\n' + fixture('ed25519.pem'));
    expect(info.ok && info.certificates.map((c) => c.subject)).toEqual([
      expect.stringContaining('CN=ec-p384'),
      expect.stringContaining('CN=ed25519'),
    ]);
  });

  it('reads CRLF files and text around the blocks', () => {
    const text = 'Bag Attributes: x\r\n' + fixture('ec-p256.pem').replace(/\n/g, '\r\n');
    expect(only(text).fingerprint256).toBe(only(fixture('ec-p256.pem')).fingerprint256);
  });

  it.each([
    ['a PKCS#8 private key', fixture('rsa2048.key'), 'holds a private key, not a certificate'],
    [
      'a SEC1 EC private key',
      createPrivateKey(fixture('ec-p256.key')).export({ type: 'sec1', format: 'pem' }).toString(),
      'holds a private key, not a certificate',
    ],
    ['a public key', fixture('ed25519.pub'), 'is not a PEM certificate'],
    ['empty text', '', 'is not a PEM certificate'],
    [
      'a block that is not a certificate',
      '-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n',
      'cannot be parsed as an X.509 certificate',
    ],
    [
      'a good certificate followed by a broken one',
      fixture('ec-p256.pem') + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      'cannot be parsed',
    ],
  ])('refuses %s', (_what, text, reason) => {
    const info = inspectCertificatePem(text);
    expect(info.ok).toBe(false);
    expect(!info.ok && info.reason).toContain(reason);
  });
});

describe('parsePublicKeyPem', () => {
  it.each([
    ['text without a PEM block', 'ssh-rsa AAAA user@host', 'is not a PEM public key'],
    ['a private key', fixture('ec-p256.key'), 'is not a PEM public key'],
    [
      'a broken block',
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
      'cannot be parsed as a public key',
    ],
  ])('refuses %s', (_what, text, reason) => {
    const k = parsePublicKeyPem(text);
    expect(k.ok).toBe(false);
    expect(!k.ok && k.reason).toContain(reason);
  });
});

describe('shortFingerprint', () => {
  it('keeps the first eight bytes', () => {
    expect(shortFingerprint('AA:BB:CC:DD:EE:FF:00:11:22:33')).toBe('AA:BB:CC:DD:EE:FF:00:11:...');
  });
});

describe('generateServerCertificate (node-forge)', () => {
  let made: GeneratedCertificate;
  let madeAt: number;
  beforeAll(() => {
    madeAt = Date.now();
    made = generateServerCertificate('MAIN', { altNames: ['main.example', '10.0.0.5'] });
  });

  it('makes a valid self-signed 2048-bit RSA certificate that openssl and Node read alike', () => {
    const c = only(made.certificatePem);
    expect(c.subject).toContain('CN=MAIN');
    const x = new X509Certificate(made.certificatePem);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(made.privateKeyPem))).toBe(true);
    expect(x.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x.subjectAltName).toBe('DNS:main.example, IP Address:10.0.0.5');
    const out = openssl(['-fingerprint', '-sha256'], made.certificatePem);
    expect(c.fingerprint256).toBe(out.split('=')[1]!.toUpperCase());
  });

  it('is valid from a minute ago for 825 days by default', () => {
    const c = only(made.certificatePem);
    // X.509 times have one-second precision.
    expect(Math.abs(c.notBefore.getTime() - (madeAt - 60_000))).toBeLessThan(5_000);
    expect(c.notAfter.getTime() - c.notBefore.getTime()).toBe(825 * DAY);
  });

  it('returns PKCS#8 and SPKI PEM keys that match the certificate', () => {
    expect(made.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(made.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const k = parsePublicKeyPem(made.publicKeyPem);
    expect(k.ok && k.der.equals(certificatePublicKeyDer(made.certificatePem))).toBe(true);
  });

  it('honours notBefore and notAfter', () => {
    const g = generateServerCertificate('OLD', {
      bits: 1024,
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-06-30T12:00:00Z'),
      commonName: 'old.example',
    });
    const c = only(g.certificatePem);
    expect(c.notBefore.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(c.notAfter.toISOString()).toBe('2021-06-30T12:00:00.000Z');
    expect(c.subject).toContain('CN=old.example');
  });

  it('certifies an existing key (v10 interop): same public key, a new certificate', () => {
    const again = generateServerCertificate('MAIN-v11', { privateKeyPem: made.privateKeyPem });
    expect(
      certificatePublicKeyDer(again.certificatePem).equals(
        certificatePublicKeyDer(made.certificatePem),
      ),
    ).toBe(true);
    expect(only(again.certificatePem).fingerprint256).not.toBe(
      only(made.certificatePem).fingerprint256,
    );
    expect(again.publicKeyPem).toBe(made.publicKeyPem);
    const x = new X509Certificate(again.certificatePem);
    expect(x.verify(x.publicKey)).toBe(true);
  });

  it.each([
    ['PKCS#8', fixture('rsa2048.key')],
    [
      'PKCS#1',
      createPrivateKey(fixture('rsa2048.key')).export({ type: 'pkcs1', format: 'pem' }).toString(),
    ],
  ])('certifies an openssl RSA key given as %s', (_format, privateKeyPem) => {
    const g = generateServerCertificate('OLD', { privateKeyPem });
    const pub = parsePublicKeyPem(fixture('rsa2048.pub'));
    expect(pub.ok && pub.der.equals(certificatePublicKeyDer(g.certificatePem))).toBe(true);
  });

  it('refuses a non-RSA key (the product links v10 servers with RSA keys)', () => {
    expect(() =>
      generateServerCertificate('X', { privateKeyPem: fixture('ec-p256.key') }),
    ).toThrow();
  });
});
