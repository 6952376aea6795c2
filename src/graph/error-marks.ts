/** Which servers and links a topology's error diagnostics are about, from their JSON pointers. */
import type { Diagnostic, RuleId, Topology } from '../model/index.js';
import { linkEnds, parseJsonPointer } from '../model/index.js';

/** Rule ids of the error diagnostics that concern each server and each link. */
export interface ErrorMarks {
  /** Server name → rule ids (unique, first-seen order). */
  readonly servers: ReadonlyMap<string, readonly RuleId[]>;
  /** Link index (position in the file's `links` list) → rule ids. */
  readonly links: ReadonlyMap<number, readonly RuleId[]>;
}

function add<K>(map: Map<K, RuleId[]>, key: K, rule: RuleId): void {
  const list = map.get(key);
  if (!list) map.set(key, [rule]);
  else if (!list.includes(rule)) list.push(rule);
}

/**
 * Maps error diagnostics to servers and links: `/servers/NAME/...` marks NAME, `/links/I/...`
 * marks link I and both its ends, a diagnostic's `server` field (actual state) marks that server.
 * Warnings and pointers elsewhere (`/apiVersion`, `/defaults/...`) mark nothing.
 */
export function mapErrors(topology: Topology, diagnostics: readonly Diagnostic[]): ErrorMarks {
  const servers = new Map<string, RuleId[]>();
  const links = new Map<number, RuleId[]>();
  const byIndex = new Map(topology.links.map((l) => [l.index, l] as const));
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    if (d.server !== undefined) {
      // Actual-state findings point into that server's state, not into the topology file.
      add(servers, d.server, d.rule);
      continue;
    }
    if (d.pointer === undefined) continue;
    const [section, key] = parseJsonPointer(d.pointer);
    if (section === 'servers' && key !== undefined) {
      add(servers, key, d.rule);
    } else if (section === 'links' && key !== undefined && /^\d+$/.test(key)) {
      const index = Number(key);
      add(links, index, d.rule);
      // A link the loader could not make sense of has no known ends; the link mark stays.
      const link = byIndex.get(index);
      if (link) for (const end of linkEnds(link)) add(servers, end, d.rule);
    }
  }
  return { servers, links };
}
