/** The render stage: desired per-server state derived from a valid topology. */
export * from './render-desired-state.js';
