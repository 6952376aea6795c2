/** `missing-field` (semantic part): certificates of linked v11+ servers, addresses that must be dialed. */
import type { Finding } from '../../model/index.js';
import {
  dialingSides,
  linkLabel,
  linkPointer,
  otherSide,
  serverPointer,
} from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';
import { serversWithLinks, wellFormedLinks } from './helpers.js';

/** Mandatory values that depend on the links: certificates and dialed addresses. */
export const missingFieldRule: TopologyRule = {
  id: 'missing-field',
  severity: 'error',
  scope: 'topology',
  summary:
    "A mandatory value is absent: apiVersion, kind, servers; a link's password; a peer link's flows; certificates of a v11+ server that has links; the address of a server that another server must dial.",
  description:
    "A neighbor entry cannot be created without a password and the neighbor's certificates, and the side that connects needs the other side's address (on parent/child links the child dials the parent, unless the link gives `address`; on peer links the `dial` side dials).",
  example: {
    failing:
      'servers:\n  MAIN: { certificates: [certs/main.pem] }          # no address, but AUX dials it\n  AUX: { address: aux.example, certificates: [certs/aux.pem] }\nlinks:\n  - parent: MAIN\n    child: AUX\n    password: { env: AVNET_MAIN_AUX }\n',
    fixed:
      'servers:\n  MAIN: { address: main.example, certificates: [certs/main.pem] }\n  AUX: { address: aux.example, certificates: [certs/aux.pem] }\nlinks:\n  - parent: MAIN\n    child: AUX\n    password: { env: AVNET_MAIN_AUX }\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const [name, links] of serversWithLinks(topology)) {
      const server = topology.servers.get(name);
      if (!server || server.version < 11 || server.certificates.length > 0) continue;
      const first = links[0]!;
      out.push(
        finding(
          this,
          serverPointer(name),
          `server ${name} (v${server.version}) has links but no certificates`,
          {
            target: 'key',
            related: [
              { pointer: linkPointer(first), message: `linked here (${linkLabel(first)})` },
            ],
          },
        ),
      );
    }
    const needs = new Map<string, { link: (typeof topology.links)[number]; dialer: string }[]>();
    for (const link of wellFormedLinks(topology)) {
      if (link.kind === 'parent-child' && link.address !== undefined) continue;
      for (const dialer of dialingSides(link)) {
        const target = otherSide(link, dialer);
        if (topology.servers.get(target)?.address !== undefined) continue;
        const list = needs.get(target) ?? [];
        list.push({ link, dialer });
        needs.set(target, list);
      }
    }
    for (const [target, uses] of needs) {
      const dialers = [...new Set(uses.map((u) => u.dialer))].join(', ');
      out.push(
        finding(
          this,
          serverPointer(target),
          `server ${target} has no address, but ${dialers} must dial it`,
          {
            target: 'key',
            related: uses.map((u) => ({
              pointer: linkPointer(u.link),
              message: `${u.dialer} dials ${target} over ${linkLabel(u.link)}`,
            })),
          },
        ),
      );
    }
    return out;
  },
};
