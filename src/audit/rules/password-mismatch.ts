/** `password-mismatch` (actual state): the two entries of one link hold different passwords. */
import type { Finding } from '../../model/index.js';
import { entryPointer, forEachEntryPair, type StateRule } from '../state-rule.js';

/** Mirrored entries whose passwords differ. */
export const passwordMismatchRule: StateRule = {
  id: 'password-mismatch',
  severity: 'error',
  scope: 'actual-state',
  summary: '(actual state) The two entries of one link hold different passwords.',
  description:
    'Both servers must hold the same password for their link, or it never comes online. This is the classic mistake of configuring the two sides by hand; `avnet import` followed by `avnet apply` sets one password on both sides.',
  example: {
    failing:
      '# state/MAIN.json: neighbors: [{name: AUX, type: child, password: "s3cret-A", ...}]\n# state/AUX.json:  neighbors: [{name: MAIN, type: parent, password: "s3cret-B", ...}]\n',
    fixed:
      '# both entries hold the password of the link, e.g. applied from\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: AVNET_MAIN_AUX}}\n',
  },
  checkState({ servers }) {
    const out: Finding[] = [];
    forEachEntryPair(servers, (a, b) => {
      if (a.entry.password === b.entry.password) return;
      out.push({
        rule: this.id,
        severity: this.severity,
        message: `${a.server} and ${b.server} hold different passwords for their link`,
        pointer: entryPointer(a.index, 'password'),
        server: a.server,
        neighbor: b.server,
        related: [
          {
            pointer: entryPointer(b.index, 'password'),
            message: `entry on ${b.server}`,
            server: b.server,
          },
        ],
      });
    });
    return out;
  },
};
