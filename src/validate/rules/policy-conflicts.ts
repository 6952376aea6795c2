/** Shared by encryption-mismatch and compression-mismatch: links whose sides say yes and no. */
import type { Finding, PolicySource, Topology } from '../../model/index.js';
import {
  effectivePolicy,
  jsonPointer,
  linkLabel,
  linkPointer,
  policiesConflict,
  serverPointer,
} from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';
import { wellFormedLinks } from './helpers.js';

/** Where a side's effective value was set, when the topology sets it (not a built-in default). */
function sourcePointer(
  topology: Topology,
  source: PolicySource,
  server: string,
  field: string,
): string | undefined {
  if (source === 'server') return serverPointer(server, field);
  if (source === 'defaults' && topology.defaults) return jsonPointer('defaults', field);
  return undefined;
}

/** Links whose two sides' effective `field` conflict (yes against no), with where each comes from. */
export function policyConflicts(
  rule: TopologyRule,
  topology: Topology,
  field: 'encryption' | 'compression',
): Finding[] {
  const out: Finding[] = [];
  for (const link of wellFormedLinks(topology)) {
    const [a, b] = link.kind === 'parent-child' ? [link.parent, link.child] : link.peers;
    const ea = effectivePolicy(topology, link, a, field);
    const eb = effectivePolicy(topology, link, b, field);
    if (!policiesConflict(ea.value, eb.value)) continue;
    const sides = [
      [a, ea],
      [b, eb],
    ] as const;
    const related = sides.flatMap(([side, eff]) => {
      const pointer = sourcePointer(topology, eff.source, side, field);
      return pointer
        ? [{ pointer, message: `${side}: ${field} ${eff.value} (from ${eff.source})` }]
        : [];
    });
    out.push(
      finding(
        rule,
        linkPointer(link),
        `link ${linkLabel(link)} cannot connect: ${a} requires ${field} ${ea.value} and ${b} ${eb.value}`,
        { related },
      ),
    );
  }
  return out;
}
