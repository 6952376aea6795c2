/** Small helpers shared by rules. */
import type { LinkSpec, Topology } from '../../model/index.js';
import { linkEnds } from '../../model/index.js';

/** Links whose two ends are both defined, distinct servers (other rules report the rest). */
export function wellFormedLinks(topology: Topology): LinkSpec[] {
  return topology.links.filter((l) => {
    const [a, b] = linkEnds(l);
    return a !== b && topology.servers.has(a) && topology.servers.has(b);
  });
}

/** Number of links each server takes part in. */
export function serversWithLinks(topology: Topology): Map<string, LinkSpec[]> {
  const out = new Map<string, LinkSpec[]>();
  for (const l of topology.links) {
    for (const s of new Set(linkEnds(l))) {
      if (!topology.servers.has(s)) continue;
      const list = out.get(s);
      if (list) list.push(l);
      else out.set(s, [l]);
    }
  }
  return out;
}
