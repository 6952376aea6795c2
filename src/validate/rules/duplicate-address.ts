/** `duplicate-address`: two servers resolve to the same host:port. */
import type { Finding } from '../../model/index.js';
import { formatHostPort, parseAddress, serverPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Servers whose addresses are the same endpoint (default port applied, host case ignored). */
export const duplicateAddressRule: TopologyRule = {
  id: 'duplicate-address',
  severity: 'error',
  scope: 'topology',
  summary: 'Two servers resolve to the same host:port.',
  description:
    'Addresses are compared after applying the default port 2193 and ignoring host case, so `main.example` and `MAIN.example:2193` are the same endpoint. No DNS lookups are made.',
  example: {
    failing: 'servers:\n  MAIN: {address: main.example}\n  AUX: {address: "main.example:2193"}\n',
    fixed: 'servers:\n  MAIN: {address: main.example}\n  AUX: {address: aux.example}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    const seen = new Map<string, string>();
    for (const server of topology.servers.values()) {
      if (server.address === undefined) continue;
      const hp = parseAddress(server.address);
      if (!hp) continue;
      const key = formatHostPort(hp);
      const prev = seen.get(key);
      if (prev === undefined) {
        seen.set(key, server.name);
        continue;
      }
      out.push(
        finding(
          this,
          serverPointer(server.name, 'address'),
          `servers ${prev} and ${server.name} both use address ${key}`,
          {
            related: [{ pointer: serverPointer(prev, 'address'), message: `${prev} uses it here` }],
          },
        ),
      );
    }
    return out;
  },
};
