/** Certificates with chosen validity windows, for the certificate validity rule tables. */
import { CertPool } from './topology.js';
import { pc, topo } from './rule-table.js';

/** One day in milliseconds. */
export const DAY = 86_400_000;
/** When the test file started: the validity windows are relative to it. */
export const now = Date.now();

/** Pool entries with chosen validity windows, relative to when the test file starts. */
export const pool = (): CertPool => {
  const p = new CertPool();
  p.get('EXPIRED', {
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2021-01-01T00:00:00Z'),
  });
  p.get('FUTURE', { notBefore: new Date(now + 10 * DAY), notAfter: new Date(now + 400 * DAY) });
  p.get('SOON', { notBefore: new Date(now - DAY), notAfter: new Date(now + 5 * DAY + 3_600_000) });
  p.get('OK', { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) });
  p.get('LONG', {
    notBefore: new Date('2019-01-01T00:00:00Z'),
    notAfter: new Date(now + 3650 * DAY),
  });
  return p;
};

/** Server A holding the given pool certificates (first at 4:42), linked to B (valid 2019 on). */
export const a = (...names: string[]): string =>
  topo(
    [
      `  A: {address: a.example, certificates: [${names.map((n) => `certs/${n}.pem`).join(', ')}]}`,
      '  B: {address: b.example, certificates: [certs/LONG.pem]}',
    ],
    pc('A', 'B'),
  );
/** The first certificate of A. */
export const AT0 = { pointer: '/servers/A/certificates/0', at: '4:42' };
