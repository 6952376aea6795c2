import { AT0, DAY, a, now, pool } from '../../../test/helpers/certificate-windows.js';
import { describeRule, type RuleCase } from '../../../test/helpers/rule-table.js';
import { certificateNotYetValidRule } from './certificate-not-yet-valid.js';

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

describeRule(certificateNotYetValidRule, notYetValid, { pool });
