/** Graphviz DOT text of a topology graph (for `avnet graph --format dot` and the SVG). */
import { escapeDot } from './escape.js';
import {
  edgeSelected,
  legendEntries,
  selectGraph,
  type GraphEdge,
  type GraphNode,
  type RenderOptions,
  type TopologyGraph,
} from './graph-model.js';

/** Colour of error marks (nodes and links). */
const ERROR_COLOR = '#d32f2f';
/** Colour of highlighted links without errors. */
const HIGHLIGHT_COLOR = '#ef6c00';
const UNKNOWN_COLOR = '#616161';

function quote(text: string): string {
  return `"${escapeDot(text)}"`;
}

function label(lines: readonly string[]): string {
  // `\n` is Graphviz's own line break; each line is escaped before joining.
  return `"${lines.map(escapeDot).join('\\n')}"`;
}

function attrs(list: readonly (readonly [string, string])[]): string {
  return `[${list.map(([k, v]) => `${k}=${v}`).join(', ')}]`;
}

function nodeAttrs(n: GraphNode): [string, string][] {
  const list: [string, string][] = [['label', label(n.lines)]];
  const classes = ['server'];
  if (n.kind === 'unknown') {
    classes.push('unknown');
    list.push(['style', '"rounded,dashed"']);
    if (n.errors.length === 0) list.push(['color', quote(UNKNOWN_COLOR)]);
  }
  if (n.errors.length > 0) {
    classes.push('error');
    list.push(
      ['color', quote(ERROR_COLOR)],
      ['fontcolor', quote(ERROR_COLOR)],
      ['penwidth', '2.5'],
      ['tooltip', quote(`errors: ${n.errors.join(', ')}`)],
    );
  }
  list.push(['class', quote(classes.join(' '))]);
  return list;
}

function edgeAttrs(e: GraphEdge, highlighted: boolean): [string, string][] {
  const list: [string, string][] = [['label', label(e.lines)]];
  const classes: string[] = [e.kind];
  if (e.kind === 'peer') {
    // Peers are drawn as equals: no arrowhead, and the link does not push one below the other.
    list.push(['style', 'dashed'], ['dir', 'none'], ['constraint', 'false']);
  }
  if (e.errors.length > 0) {
    classes.push('error');
    list.push(
      ['color', quote(ERROR_COLOR)],
      ['fontcolor', quote(ERROR_COLOR)],
      ['tooltip', quote(`errors: ${e.errors.join(', ')}`)],
    );
  } else if (highlighted) {
    list.push(['color', quote(HIGHLIGHT_COLOR)]);
  }
  if (highlighted) {
    classes.push('highlight');
    list.push(['penwidth', '3']);
  } else if (e.errors.length > 0) {
    list.push(['penwidth', '2']);
  }
  list.push(['class', quote(classes.join(' '))]);
  return list;
}

/**
 * Renders a graph as Graphviz DOT, top to bottom (parents above children): parent → child edges
 * solid with an arrow, peer edges dashed without one (`dir=none`), flows as edge labels, servers
 * and links with errors red (class `error` in SVG), unknown servers dashed grey.
 */
export function renderDot(graph: TopologyGraph, options: RenderOptions = {}): string {
  const g = selectGraph(graph, options.only);
  const out: string[] = ['digraph topology {'];
  const graphAttrs: [string, string][] = [
    ['rankdir', 'TB'],
    ['fontname', '"Helvetica"'],
    // Room between nodes and ranks: edge labels sit there, and viewers' fonts are often wider
    // than the metrics Graphviz lays out with.
    ['nodesep', '0.8'],
    ['ranksep', '0.8'],
  ];
  if (g.name !== undefined) graphAttrs.push(['label', quote(g.name)], ['labelloc', 't']);
  out.push(`  graph ${attrs(graphAttrs)};`);
  out.push('  node [shape=box, style=rounded, margin="0.3,0.1", fontname="Helvetica"];');
  out.push('  edge [fontname="Helvetica", fontsize=10];');
  for (const n of g.nodes) out.push(`  ${n.id} ${attrs(nodeAttrs(n))};`);
  if (g.nodes.length === 0) out.push(`  empty [label=${label(['no servers'])}, shape=plaintext];`);
  for (const e of g.edges) {
    const highlighted = options.highlight !== undefined && edgeSelected(e, options.highlight);
    out.push(`  ${e.from} -> ${e.to} ${attrs(edgeAttrs(e, highlighted))};`);
  }
  const legend = options.legend !== false ? legendEntries(g) : { errors: false, unknown: false };
  if (legend.errors || legend.unknown) {
    out.push('  subgraph cluster_legend {');
    out.push(`    label=${quote('Legend')}; style=dashed; color="#9e9e9e"; fontsize=10;`);
    if (legend.errors) {
      out.push(
        `    legend_error [label=${quote('server or link with errors')}, color=${quote(ERROR_COLOR)}, fontcolor=${quote(ERROR_COLOR)}, penwidth=2.5, fontsize=10];`,
      );
    }
    if (legend.unknown) {
      out.push(
        `    legend_unknown [label=${quote('server not defined')}, style="rounded,dashed", color=${quote(UNKNOWN_COLOR)}, fontsize=10];`,
      );
    }
    out.push('  }');
  }
  out.push('}');
  return out.join('\n') + '\n';
}
