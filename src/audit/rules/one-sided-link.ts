/** `one-sided-link` (actual state): an entry whose other side is missing or does not mirror it. */
import type { Finding } from '../../model/index.js';
import { mirrorType } from '../../model/index.js';
import { entryPointer, type StateRule } from '../state-rule.js';

/** Entries without a matching entry on the neighbor, or with types that do not mirror. */
export const oneSidedLinkRule: StateRule = {
  id: 'one-sided-link',
  severity: 'error',
  scope: 'actual-state',
  summary:
    '(actual state) A neighbor entry whose other side has no matching entry, or whose types do not mirror (parent ↔ child, peer ↔ peer).',
  description:
    'A link works only when it is configured on both servers. An entry on one side alone never comes online; declare the link once in the topology and avnet creates both entries.',
  example: {
    failing:
      '# state/MAIN.json: neighbors: [{name: AUX, type: child, ...}]\n# state/AUX.json:  neighbors: []\n',
    fixed: 'links:\n  - {parent: MAIN, child: AUX, password: {env: AVNET_MAIN_AUX}}\n',
  },
  checkState({ servers, unreadable }) {
    const out: Finding[] = [];
    for (const [name, state] of servers) {
      state.neighbors.forEach((entry, index) => {
        const other = servers.get(entry.name);
        const base = {
          rule: this.id,
          severity: this.severity,
          pointer: entryPointer(index),
          server: name,
          neighbor: entry.name,
        };
        if (!other) {
          // Its state could not be read (reported as such), so this link cannot be judged.
          if (unreadable?.has(entry.name)) return;
          out.push({
            ...base,
            message: `${name} has a ${entry.type} entry for ${entry.name}, which is not a known server`,
          });
          return;
        }
        const mi = other.neighbors.findIndex((e) => e.name === name);
        if (mi < 0) {
          out.push({
            ...base,
            message: `${name} has a ${entry.type} entry for ${entry.name}, but ${entry.name} has no entry for ${name}`,
          });
          return;
        }
        const mirror = other.neighbors[mi]!;
        if (mirror.type !== mirrorType(entry.type) && name < entry.name) {
          out.push({
            ...base,
            message: `${name} sees ${entry.name} as ${entry.type} but ${entry.name} sees ${name} as ${mirror.type}; expected ${mirrorType(entry.type)}`,
            pointer: entryPointer(index, 'type'),
            related: [
              {
                pointer: entryPointer(mi, 'type'),
                message: `entry on ${entry.name}`,
                server: entry.name,
              },
            ],
          });
        }
      });
    }
    return out;
  },
};
