/** `invalid-address`: an address that is not host[:port] or has a port outside 1–65535. */
import type { Finding } from '../../model/index.js';
import { linkPointer, parseAddress, serverPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

const HELP = 'expected host, host:port or [IPv6]:port with a port from 1 to 65535';

/** Server and link addresses that cannot be dialed. */
export const invalidAddressRule: TopologyRule = {
  id: 'invalid-address',
  severity: 'error',
  scope: 'topology',
  summary: 'An address that is not host[:port] or has a port outside 1–65535.',
  description:
    'Addresses are a host name or IP with an optional port (default 2193); IPv6 addresses go in brackets: `[2001:db8::1]:2193`.',
  example: {
    failing: 'servers:\n  MAIN: {address: "main.example:70000"}\n',
    fixed: 'servers:\n  MAIN: {address: "main.example:2193"}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    for (const s of topology.servers.values()) {
      if (s.address !== undefined && !parseAddress(s.address)) {
        out.push(
          finding(
            this,
            serverPointer(s.name, 'address'),
            `address "${s.address}" of ${s.name} is invalid: ${HELP}`,
          ),
        );
      }
    }
    for (const link of topology.links) {
      if (
        link.kind === 'parent-child' &&
        link.address !== undefined &&
        !parseAddress(link.address)
      ) {
        out.push(
          finding(
            this,
            linkPointer(link, 'address'),
            `address "${link.address}" of link ${link.parent}->${link.child} is invalid: ${HELP}`,
          ),
        );
      }
    }
    return out;
  },
};
