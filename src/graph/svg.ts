/** SVG of a topology graph, laid out by Graphviz compiled to WebAssembly (no system binary). */
import { renderDot } from './dot.js';
import type { RenderOptions, TopologyGraph } from './graph-model.js';

/** Renders DOT text to SVG; the WASM module is loaded on first use only. */
export async function dotToSvg(dot: string): Promise<string> {
  // Imported lazily: the module is large and only `--format svg` needs it.
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, 'svg');
}

/** Renders a graph as SVG (see `renderDot` for how it is drawn). */
export async function renderSvg(
  graph: TopologyGraph,
  options: RenderOptions = {},
): Promise<string> {
  return dotToSvg(renderDot(graph, options));
}
