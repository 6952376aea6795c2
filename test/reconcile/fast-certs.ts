/** Many distinct certificates quickly: one shared key pair, a distinct serial and name each. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';

let keys: forge.pki.rsa.KeyPair | undefined;

/** Writes `certs/NAME.pem` for every name (self-signed, shared 1024-bit key: tests only). */
export async function writeFastCertificates(dir: string, names: readonly string[]): Promise<void> {
  keys ??= forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  await mkdir(path.join(dir, 'certs'), { recursive: true });
  let serial = 1;
  for (const name of names) {
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = (0x100000 + serial++).toString(16);
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
    const attrs = [{ name: 'commonName', value: name }];
    cert.setSubject(attrs);
    cert.setIssuer(attrs);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    await writeFile(path.join(dir, 'certs', `${name}.pem`), forge.pki.certificateToPem(cert));
  }
}
