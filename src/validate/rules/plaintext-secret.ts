/** `plaintext-secret`: a password written inline in the topology. */
import type { Finding } from '../../model/index.js';
import { linkLabel, linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Inline passwords, which end up in git history. */
export const plaintextSecretRule: TopologyRule = {
  id: 'plaintext-secret',
  severity: 'warning',
  scope: 'topology',
  summary: 'A password written inline.',
  description:
    'Inline passwords are committed to git with the topology. Use `{ env: NAME }` (a CI secret) or `{ file: path }` (a file kept out of git). avnet never prints the value, in any output.',
  example: {
    failing: 'links:\n  - parent: MAIN\n    child: AUX\n    password: correct-horse-battery\n',
    fixed: 'links:\n  - parent: MAIN\n    child: AUX\n    password: { env: AVNET_MAIN_AUX }\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const link of topology.links) {
      if (link.password?.kind === 'inline') {
        out.push(
          finding(
            this,
            linkPointer(link, 'password'),
            `password of link ${linkLabel(link)} is written inline; use { env: NAME } or { file: path }`,
          ),
        );
      }
    }
    return out;
  },
};
