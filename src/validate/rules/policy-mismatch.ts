/** `encryption-mismatch` and `compression-mismatch`: one side says yes, the other no. */
import type { Finding, PolicySource, RuleId, Topology } from '../../model/index.js';
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

function policyRule(field: 'encryption' | 'compression'): TopologyRule {
  const id: RuleId = field === 'encryption' ? 'encryption-mismatch' : 'compression-mismatch';
  return {
    id,
    severity: 'error',
    scope: 'topology+actual-state',
    summary: `The two sides' effective ${field} is \`yes\` and \`no\`.`,
    description: `Each side's ${field} is the link's value, else the server's own policy, else \`defaults\`, else \`possible\`. \`yes\` on one side with \`no\` on the other fails the link; otherwise the link is ${field === 'encryption' ? 'encrypted' : 'compressed'} unless one side says \`no\`. Set \`${field}\` on the link to override both servers.`,
    example: {
      failing: `servers:\n  MAIN: {address: main.example, ${field}: yes}\n  AUX: {address: aux.example, ${field}: no}\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: P}}\n`,
      fixed: `servers:\n  MAIN: {address: main.example, ${field}: yes}\n  AUX: {address: aux.example, ${field}: no}\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: P}, ${field}: possible}\n`,
    },
    check({ topology }) {
      const out: Finding[] = [];
      for (const link of wellFormedLinks(topology)) {
        const [a, b] = link.kind === 'parent-child' ? [link.parent, link.child] : link.peers;
        const ea = effectivePolicy(topology, link, a, field);
        const eb = effectivePolicy(topology, link, b, field);
        if (!policiesConflict(ea.value, eb.value)) continue;
        const related = [
          [a, ea],
          [b, eb],
        ]
          .map(([s, e]) => {
            const side = s as string;
            const eff = e as typeof ea;
            const pointer = sourcePointer(topology, eff.source, side, field);
            return pointer
              ? { pointer, message: `${side}: ${field} ${eff.value} (from ${eff.source})` }
              : undefined;
          })
          .filter((r): r is { pointer: string; message: string } => r !== undefined);
        out.push(
          finding(
            this,
            linkPointer(link),
            `link ${linkLabel(link)} cannot connect: ${a} requires ${field} ${ea.value} and ${b} ${eb.value}`,
            { related },
          ),
        );
      }
      return out;
    },
  };
}

/** `encryption-mismatch`: yes on one side, no on the other. */
export const encryptionMismatchRule = policyRule('encryption');

/** `compression-mismatch`: yes on one side, no on the other. */
export const compressionMismatchRule = policyRule('compression');
