/** `unknown-server`: a link names a server that `servers` does not define. */
import type { Finding } from '../../model/index.js';
import { linkPointer, visibleText } from '../../model/index.js';
import { closestMatches, didYouMean } from '../../util/did-you-mean.js';
import { describeConfusable, skeleton } from '../confusables.js';
import { finding, type TopologyRule } from '../rule.js';

/** Link ends that name undefined servers. */
export const unknownServerRule: TopologyRule = {
  id: 'unknown-server',
  severity: 'error',
  scope: 'topology',
  summary: 'A link names a server that `servers` does not define.',
  description:
    'Every `parent`, `child` and `peers` name must be a key of `servers` (names are case-sensitive). The message suggests what was probably meant: a defined name that looks alike (the same Unicode UTS #39 skeleton, with where the two differ), else one that differs only in case, else the nearest by edit distance (at most one edit for names of 3 to 5 characters, two from 6 on, a transposition counting as one).',
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example}\nlinks:\n  - parent: MAIN\n    child: AUX   # not defined\n    password: {env: P}\n',
    fixed:
      'servers:\n  MAIN: {address: main.example}\n  AUX: {address: aux.example}\nlinks:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    const known = topology.servers;
    let bySkeleton: Map<string, string[]> | undefined;
    const hint = (name: string) => {
      // Built only when some name is unknown: most topologies never need it.
      if (!bySkeleton) {
        bySkeleton = new Map();
        for (const k of known.keys()) {
          const key = skeleton(k);
          const list = bySkeleton.get(key);
          if (list) list.push(k);
          else bySkeleton.set(key, [k]);
        }
      }
      const alike = bySkeleton.get(skeleton(name));
      if (alike?.length === 1) {
        const [other] = alike as [string];
        const diff = describeConfusable(name, other, `"${visibleText(other)}"`);
        return ` (did you mean "${visibleText(other)}"? they look alike: ${diff})`;
      }
      return didYouMean(alike ?? closestMatches(name, known.keys()));
    };
    for (const link of topology.links) {
      const ends: [string, string | number][] =
        link.kind === 'parent-child'
          ? [
              [link.parent, 'parent'],
              [link.child, 'child'],
            ]
          : [
              [link.peers[0], 0],
              [link.peers[1], 1],
            ];
      for (const [name, where] of ends) {
        if (known.has(name)) continue;
        const pointer =
          typeof where === 'number' ? linkPointer(link, 'peers', where) : linkPointer(link, where);
        out.push(
          finding(
            this,
            pointer,
            `server "${visibleText(name)}" is not defined in servers${hint(name)}`,
          ),
        );
      }
    }
    return out;
  },
};
