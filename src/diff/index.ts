/** The diff stage: compare two loaded topologies without any backend, and print the result. */
export * from './diff-model.js';
export * from './compute-diff.js';
export * from './describe.js';
export * from './format-text.js';
export * from './format-json.js';
export * from './format-markdown.js';
export * from './load-side.js';
