import { CertPool } from '../../../test/helpers/topology.js';
import { describeRule, pc, topo, type RuleCase } from '../../../test/helpers/rule-table.js';
import {
  certificateExpiredRule,
  certificateExpiringRule,
  certificateNotYetValidRule,
} from './certificate-validity.js';

const DAY = 86_400_000;
const now = Date.now();

/** Pool entries with chosen validity windows, relative to when the test file starts. */
const pool = () => {
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
const a = (...names: string[]) =>
  topo(
    [
      `  A: {address: a.example, certificates: [${names.map((n) => `certs/${n}.pem`).join(', ')}]}`,
      '  B: {address: b.example, certificates: [certs/LONG.pem]}',
    ],
    pc('A', 'B'),
  );
const AT0 = { pointer: '/servers/A/certificates/0', at: '4:42' };

const expired: RuleCase[] = [
  { name: 'a valid certificate', yaml: a('OK'), want: [], clean: true },
  {
    name: 'expired',
    yaml: a('EXPIRED'),
    want: [AT0],
    messages: ['expired on 2021-01-01T00:00:00Z'],
  },
  {
    name: 'expired, second of a list',
    yaml: a('OK', 'EXPIRED'),
    want: [{ pointer: '/servers/A/certificates/1', at: '4:56' }],
  },
  {
    name: 'not expired at a chosen time before notAfter',
    yaml: a('EXPIRED'),
    validate: { now: new Date('2020-06-01T00:00:00Z') },
    want: [],
    absent: ['certificate-not-yet-valid', 'certificate-expiring'],
  },
  { name: 'not yet valid is not expired', yaml: a('FUTURE'), want: [] },
  { name: 'expiring soon is not expired', yaml: a('SOON'), want: [] },
];

const notYetValid: RuleCase[] = [
  { name: 'a valid certificate', yaml: a('OK'), want: [] },
  {
    name: 'notBefore in the future',
    yaml: a('FUTURE'),
    want: [AT0],
    messages: [`is not valid before ${new Date(now + 10 * DAY).toISOString().slice(0, 10)}`],
  },
  {
    name: 'valid later on',
    yaml: a('FUTURE'),
    validate: { now: new Date(now + 11 * DAY) },
    want: [],
  },
  {
    name: 'a valid certificate checked at a time before it starts',
    yaml: a('OK'),
    validate: { now: new Date(now - 2 * DAY) },
    want: [AT0],
  },
  { name: 'expired is not not-yet-valid', yaml: a('EXPIRED'), want: [] },
];

const expiring: RuleCase[] = [
  { name: 'a valid certificate', yaml: a('OK'), want: [] },
  {
    name: 'expires in 5 days (default window 30 days)',
    yaml: a('SOON'),
    want: [AT0],
    messages: [/expires on .* \(in 5 days\)/],
    absent: ['certificate-expired'],
  },
  {
    name: 'outside a 3-day window',
    yaml: a('SOON'),
    validate: { expiryWarningSeconds: 3 * 86_400 },
    want: [],
  },
  {
    name: 'inside a 400-day window',
    yaml: a('OK', 'SOON'),
    validate: { expiryWarningSeconds: 400 * 86_400 },
    want: [AT0, { pointer: '/servers/A/certificates/1', at: '4:56' }],
  },
  { name: 'already expired is not expiring', yaml: a('EXPIRED'), want: [] },
];

describeRule(certificateExpiredRule, expired, { pool });
describeRule(certificateNotYetValidRule, notYetValid, { pool });
describeRule(certificateExpiringRule, expiring, { pool });
