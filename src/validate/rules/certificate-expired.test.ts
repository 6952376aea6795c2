import { AT0, a, pool } from '../../../test/helpers/certificate-windows.js';
import { describeRule, type RuleCase } from '../../../test/helpers/rule-table.js';
import { certificateExpiredRule } from './certificate-expired.js';

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

describeRule(certificateExpiredRule, expired, { pool });
