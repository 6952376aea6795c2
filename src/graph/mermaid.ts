/** Mermaid flowchart text of a topology graph (for `avnet graph` and markdown reports). */
import { escapeMermaid } from './escape.js';
import {
  edgeSelected,
  legendEntries,
  selectGraph,
  type RenderOptions,
  type TopologyGraph,
} from './graph-model.js';

/** Colour of error marks (nodes and links). */
const ERROR_COLOR = '#d32f2f';
/** Colour of highlighted links without errors. */
const HIGHLIGHT_COLOR = '#ef6c00';

// Style lines carry no trailing `;`: Mermaid strips it from `classDef …#…;` lines, and a `#xx;`
// elsewhere would be read as an entity code.
// The two classes set different properties, so a node in both is red and dashed whatever order
// the CSS ends up in.
const CLASS_DEFS = {
  error: `classDef error stroke:${ERROR_COLOR},stroke-width:3px,color:${ERROR_COLOR}`,
  unknown: 'classDef unknown stroke-dasharray:5 5,fill:#f5f5f5',
} as const;

function label(lines: readonly string[]): string {
  return `"${lines.map(escapeMermaid).join('<br>')}"`;
}

/**
 * Renders a graph as a Mermaid `flowchart TD` (parents above children): parent → child links
 * solid with an arrow, peer links dotted without one, flows on the links, servers with errors
 * in the `error` class, unknown servers in the `unknown` class (dashed).
 * `highlight` thickens the chosen links; `only` draws just them and their servers.
 */
export function renderMermaid(graph: TopologyGraph, options: RenderOptions = {}): string {
  const g = selectGraph(graph, options.only);
  const out: string[] = [];
  if (g.name !== undefined) {
    // Front matter is YAML; a JSON string is a valid YAML double-quoted scalar, and `%` is
    // written as an escape so no `%%{…}%%` directive can appear in the text.
    const title = JSON.stringify(g.name).replace(/%/g, '\\u0025');
    out.push('---', `title: ${title}`, '---');
  }
  out.push('flowchart TD');
  const present = legendEntries(g);
  const legend = options.legend !== false ? present : { errors: false, unknown: false };
  if (present.errors) out.push(`  ${CLASS_DEFS.error}`);
  if (present.unknown) out.push(`  ${CLASS_DEFS.unknown}`);

  for (const n of g.nodes) out.push(`  ${n.id}[${label(n.lines)}]`);
  if (g.nodes.length === 0) out.push(`  empty[${label(['no servers'])}]`);

  const linkStyles: string[] = [];
  g.edges.forEach((e, i) => {
    const arrow = e.kind === 'parent-child' ? '-->' : '-.-';
    out.push(`  ${e.from} ${arrow}|${label(e.lines)}| ${e.to}`);
    const highlighted = options.highlight !== undefined && edgeSelected(e, options.highlight);
    const styles: string[] = [];
    if (e.errors.length > 0) styles.push(`stroke:${ERROR_COLOR}`);
    else if (highlighted) styles.push(`stroke:${HIGHLIGHT_COLOR}`);
    if (highlighted) styles.push('stroke-width:4px');
    else if (e.errors.length > 0) styles.push('stroke-width:2px');
    // linkStyle counts links in the order they were written above.
    if (styles.length > 0) linkStyles.push(`  linkStyle ${i} ${styles.join(',')}`);
  });

  if (legend.errors || legend.unknown) {
    out.push(`  subgraph legend[${label(['Legend'])}]`);
    if (legend.errors) out.push(`    legend_error[${label(['server or link with errors'])}]`);
    if (legend.unknown) out.push(`    legend_unknown[${label(['server not defined'])}]`);
    out.push('  end');
  }

  const unknownIds = g.nodes.filter((n) => n.kind === 'unknown').map((n) => n.id);
  const errorIds = g.nodes.filter((n) => n.errors.length > 0).map((n) => n.id);
  if (legend.unknown) unknownIds.push('legend_unknown');
  if (legend.errors) errorIds.push('legend_error');
  if (unknownIds.length > 0) out.push(`  class ${unknownIds.join(',')} unknown`);
  if (errorIds.length > 0) out.push(`  class ${errorIds.join(',')} error`);
  out.push(...linkStyles);
  return out.join('\n') + '\n';
}
