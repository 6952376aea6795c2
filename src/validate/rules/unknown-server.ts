/** `unknown-server`: a link names a server that `servers` does not define. */
import type { Finding } from '../../model/index.js';
import { linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Link ends that name undefined servers. */
export const unknownServerRule: TopologyRule = {
  id: 'unknown-server',
  severity: 'error',
  scope: 'topology',
  summary: 'A link names a server that `servers` does not define.',
  description:
    'Every `parent`, `child` and `peers` name must be a key of `servers` (names are case-sensitive).',
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example}\nlinks:\n  - parent: MAIN\n    child: AUX   # not defined\n    password: {env: P}\n',
    fixed:
      'servers:\n  MAIN: {address: main.example}\n  AUX: {address: aux.example}\nlinks:\n  - parent: MAIN\n    child: AUX\n    password: {env: P}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    const known = topology.servers;
    const hint = (name: string) => {
      const lower = name.toLowerCase();
      const near = [...known.keys()].find((k) => k.toLowerCase() === lower);
      return near ? ` (did you mean "${near}"?)` : '';
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
        out.push(finding(this, pointer, `server "${name}" is not defined in servers${hint(name)}`));
      }
    }
    return out;
  },
};
