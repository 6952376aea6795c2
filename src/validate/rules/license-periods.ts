/** `license-periods`: renewBefore must be shorter than validity, and no period may be zero. */
import type { Finding } from '../../model/index.js';
import { linkLabel, linkPointer, parseDuration } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Inconsistent license periods of a link. */
export const licensePeriodsRule: TopologyRule = {
  id: 'license-periods',
  severity: 'error',
  scope: 'topology',
  summary: '`renewBefore` ≥ `validity`, or a zero period.',
  description:
    'Licenses are renewed `renewBefore` ahead of the end of their `validity`; a renewal window as long as the validity renews continuously, and a zero period disables the exchange.',
  example: {
    failing:
      'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n    licenses: {validity: 7d, renewBefore: 7d}\n',
    fixed:
      'links:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n    licenses: {validity: 30d, renewBefore: 7d}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      const lic = link.licenses;
      if (!lic) continue;
      for (const key of ['validity', 'renewBefore', 'syncPeriod'] as const) {
        const v = lic[key];
        if (v !== undefined && parseDuration(v) === 0) {
          out.push(
            finding(
              this,
              linkPointer(link, 'licenses', key),
              `${key} of link ${linkLabel(link)} is zero`,
            ),
          );
        }
      }
      const validity = lic.validity === undefined ? null : parseDuration(lic.validity);
      const renew = lic.renewBefore === undefined ? null : parseDuration(lic.renewBefore);
      if (validity && renew && renew >= validity) {
        out.push(
          finding(
            this,
            linkPointer(link, 'licenses', 'renewBefore'),
            `renewBefore ${lic.renewBefore} of link ${linkLabel(link)} is not shorter than validity ${lic.validity}`,
            {
              related: [
                {
                  pointer: linkPointer(link, 'licenses', 'validity'),
                  message: 'validity set here',
                },
              ],
            },
          ),
        );
      }
    }
    return out;
  },
};
