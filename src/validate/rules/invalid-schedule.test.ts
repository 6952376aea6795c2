import { describeRule, pc, server, topo } from '../../../test/helpers/rule-table.js';
import { invalidScheduleRule } from './invalid-schedule.js';

const S2 = [server('A'), server('B')];
/** One `updates` window as a block list item: the window text is at 12:11. */
const win = (w: string) => topo(S2, pc('A', 'B', 'restrictions:', '  updates:', `    - ${w}`));

const valid = [
  'mon-fri 09:00-18:00',
  'sat-sun 00:00-24:00',
  'daily 00:00-24:00',
  'daily 23:30-24:00',
  'mon,wed 10:00-10:30',
  'mon-wed,fri 08:30-17:30',
  'sat-mon 00:00-06:00',
  'sun 00:30-01:00',
];

const invalid: [string, string][] = [
  ['mon-fri 09:15-18:00', '30-minute boundaries'],
  ['daily 00:00-23:45', '30-minute boundaries'],
  ['mon-fri 18:00-09:00', 'end after it starts'],
  ['mon 10:00-10:00', 'end after it starts'],
  ['daily 00:00-24:30', 'between 00:00 and 24:00'],
  ['daily 24:00-24:00', 'between 00:00 and 24:00'],
  ['daily 25:00-26:00', 'between 00:00 and 24:00'],
  ['funday 09:00-10:00', 'is not a day list'],
  ['mon-fri-sat 09:00-10:00', 'is not a day list'],
  ['Mon 09:00-10:00', 'is not a day list'],
  ['mon-fri 9:00-18:00', 'expected "DAYS HH:MM-HH:MM"'],
  ['mon-fri', 'expected "DAYS HH:MM-HH:MM"'],
  ['09:00-18:00', 'expected "DAYS HH:MM-HH:MM"'],
];

describeRule(invalidScheduleRule, [
  ...valid.map((w) => ({ name: `valid: ${w}`, yaml: win(w), want: [], clean: true })),
  ...invalid.map(([w, why]) => ({
    name: `invalid: ${w}`,
    yaml: win(w),
    want: [{ pointer: '/links/0/restrictions/updates/0', at: '12:11' }],
    messages: [why],
    absent: ['schema' as const],
  })),
  {
    name: 'the second events window, flow style',
    yaml: topo(
      S2,
      pc(
        'A',
        'B',
        'restrictions:',
        '  updates: ["mon-fri 09:00-18:00"]',
        '  events: ["sat 09:00-10:00", "tue 09:10-10:00"]',
      ),
    ),
    want: [{ pointer: '/links/0/restrictions/events/1', at: '12:35' }],
  },
]);
