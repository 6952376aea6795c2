/** `protocol-disabled`: a server with links has the Dr.Web Server protocol disabled. */
import type { Finding } from '../../model/index.js';
import { linkLabel, linkPointer, serverPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';
import { serversWithLinks } from './helpers.js';

/** Linked servers whose protocol module is declared disabled. */
export const protocolDisabledRule: TopologyRule = {
  id: 'protocol-disabled',
  severity: 'error',
  scope: 'topology',
  summary: 'A server with links has `protocol: disabled`.',
  description:
    'Links need the "Dr.Web Server protocol" module on both servers. Remove `protocol: disabled` (avnet enables the module and restarts the server on apply) or remove the links.',
  example: {
    failing:
      'servers:\n  AUX: {address: aux.example, protocol: disabled}\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: P}}\n',
    fixed:
      'servers:\n  AUX: {address: aux.example}\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: P}}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const [name, links] of serversWithLinks(topology)) {
      if (topology.servers.get(name)?.protocol !== 'disabled') continue;
      out.push(
        finding(
          this,
          serverPointer(name, 'protocol'),
          `server ${name} has ${links.length} link${links.length === 1 ? '' : 's'} but its protocol is disabled`,
          {
            related: links
              .slice(0, 5)
              .map((l) => ({ pointer: linkPointer(l), message: `linked here (${linkLabel(l)})` })),
          },
        ),
      );
    }
    return out;
  },
};
