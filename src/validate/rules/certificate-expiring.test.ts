import { AT0, a, pool } from '../../../test/helpers/certificate-windows.js';
import { describeRule, type RuleCase } from '../../../test/helpers/rule-table.js';
import { certificateExpiringRule } from './certificate-expiring.js';

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

describeRule(certificateExpiringRule, expiring, { pool });
