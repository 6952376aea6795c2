/** `invalid-schedule`: a restriction window that does not parse or is off the 30-minute grid. */
import type { Finding } from '../../model/index.js';
import { linkPointer, parseScheduleWindow } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Restriction windows that are not `DAYS HH:MM-HH:MM` on the 30-minute grid. */
export const invalidScheduleRule: TopologyRule = {
  id: 'invalid-schedule',
  severity: 'error',
  scope: 'topology',
  summary: 'A restriction window that does not parse or is off the 30-minute grid.',
  description:
    'Windows are `DAYS HH:MM-HH:MM`: DAYS is `mon`..`sun`, a range `mon-fri`, a list `mon,wed` or `daily`; times are on 30-minute boundaries and `24:00` is allowed as the end.',
  example: {
    failing: 'restrictions:\n  updates: ["mon-fri 09:15-18:00"]\n',
    fixed: 'restrictions:\n  updates: ["mon-fri 09:00-18:00"]\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      for (const flow of ['updates', 'events'] as const) {
        (link.restrictions?.[flow] ?? []).forEach((w, i) => {
          const parsed = parseScheduleWindow(w);
          if ('error' in parsed) {
            out.push(
              finding(
                this,
                linkPointer(link, 'restrictions', flow, i),
                `restriction window "${w}" is invalid: ${parsed.error}`,
              ),
            );
          }
        });
      }
    }
    return out;
  },
};
