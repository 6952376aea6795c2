/**
 * Writes examples/broken/certs/EXPIRED.pem: a certificate whose validity ended on 2021-01-01.
 * Fixed dates keep the broken example's output the same on every day it is run.
 * Usage: npm run build && node dist/scripts/gen-expired-cert.js
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateServerCertificate } from '../src/certs/index.js';
import { isMainModule, repoRoot } from './repo-root.js';

/** Validity of the expired example certificate. */
export const EXPIRED_VALIDITY = {
  notBefore: new Date('2020-01-01T00:00:00Z'),
  notAfter: new Date('2021-01-01T00:00:00Z'),
} as const;

/** Generates the expired certificate and its public key into `dir`. */
export async function writeExpiredCertificate(dir: string, name = 'EXPIRED'): Promise<string[]> {
  const cert = generateServerCertificate(name, { ...EXPIRED_VALIDITY });
  const files = [path.join(dir, `${name}.pem`), path.join(dir, `${name}.pub`)];
  await writeFile(files[0]!, cert.certificatePem);
  await writeFile(files[1]!, cert.publicKeyPem);
  return files;
}

if (isMainModule(import.meta.url)) {
  const dir = path.join(repoRoot(import.meta.url), 'examples', 'broken', 'certs');
  for (const f of await writeExpiredCertificate(dir)) console.log(`wrote ${f}`);
}
