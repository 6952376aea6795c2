/**
 * The graph stage: a topology (and its diagnostics) as a drawable graph, rendered to Mermaid,
 * Graphviz DOT or SVG. Pure except `renderSvg`, which loads Graphviz (WASM) on first use.
 */
export * from './error-marks.js';
export * from './graph-model.js';
export * from './escape.js';
export * from './mermaid.js';
export * from './dot.js';
export * from './svg.js';
