/** `confusable-name`: two server names that look alike (the same UTS #39 skeleton). */
import type { Finding } from '../../model/index.js';
import { serverPointer, visibleText } from '../../model/index.js';
import { describeConfusable, skeleton } from '../confusables.js';
import { finding, type TopologyRule } from '../rule.js';

/** Server names that differ but look the same, each reported against the first of its look. */
export const confusableNameRule: TopologyRule = {
  id: 'confusable-name',
  severity: 'warning',
  scope: 'topology',
  summary:
    "A server name looks like another server's name: the two have the same Unicode UTS #39 skeleton (a Cyrillic А for a Latin A, 1 for l, 0 for O, an invisible character more or less).",
  description:
    'Plans, diagnostics and pull-request comments show both names alike, so a reviewer cannot tell which server a change touches, and a link written with the wrong one goes to the other server. Names are compared by the skeleton of Unicode Technical Standard #39 (decomposed, default-ignorable characters removed, each character replaced by its prototype from confusables.txt); the message shows where the two differ, with code points. Rename one of the servers.',
  example: {
    failing:
      'servers:\n  ALPHA: {address: alpha.example}\n  АLPHA: {address: alpha2.example}   # the first letter is Cyrillic\n',
    fixed: 'servers:\n  ALPHA: {address: alpha.example}\n  ALPHA-2: {address: alpha2.example}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    const first = new Map<string, string>();
    for (const name of topology.servers.keys()) {
      const key = skeleton(name);
      const other = first.get(key);
      if (other === undefined) {
        first.set(key, name);
        continue;
      }
      out.push(
        finding(
          this,
          serverPointer(name),
          `server name "${visibleText(name)}" looks like server name "${visibleText(other)}": ` +
            `${describeConfusable(name, other)}; rename one of them`,
          {
            target: 'key',
            related: [
              {
                pointer: serverPointer(other),
                target: 'key',
                message: `"${visibleText(other)}" is declared here`,
              },
            ],
          },
        ),
      );
    }
    return out;
  },
};
