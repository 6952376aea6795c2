/** `path-outside-root`: a referenced file outside the topology's directory tree. */
import type { Finding } from '../../model/index.js';
import { linkPointer, serverPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Certificate, key and secret paths that leave the topology folder. */
export const pathOutsideRootRule: TopologyRule = {
  id: 'path-outside-root',
  severity: 'error',
  scope: 'topology',
  summary: "A referenced file resolves outside the topology's directory tree.",
  description:
    'Paths are relative to the topology file and must stay inside its folder (also through symbolic links), so a topology from a pull request cannot make avnet read arbitrary files. Pass `--allow-outside-root` to lift this on a trusted machine.',
  example: {
    failing: 'servers:\n  MAIN: {address: main.example, certificates: [../../etc/ssl/main.pem]}\n',
    fixed: 'servers:\n  MAIN: {address: main.example, certificates: [certs/main.pem]}\n',
  },
  check({ topology, files }) {
    const out: Finding[] = [];
    const outside = (p: string) => files.get(p)?.status === 'outside-root';
    const msg = (p: string) =>
      `${p} resolves outside the topology's folder (${files.get(p)?.absolutePath ?? p})`;
    for (const s of topology.servers.values()) {
      s.certificates.forEach((p, i) => {
        if (outside(p)) out.push(finding(this, serverPointer(s.name, 'certificates', i), msg(p)));
      });
      if (s.publicKey !== undefined && outside(s.publicKey)) {
        out.push(finding(this, serverPointer(s.name, 'publicKey'), msg(s.publicKey)));
      }
    }
    for (const link of topology.links) {
      if (link.password?.kind === 'file' && outside(link.password.path)) {
        out.push(finding(this, linkPointer(link, 'password', 'file'), msg(link.password.path)));
      }
    }
    return out;
  },
};
