/** The domain model: imported by every stage, importing nothing of ours. */
export * from './topology.js';
export * from './diagnostic.js';
export * from './neighbor.js';
export * from './plan.js';
export * from './context.js';
export * from './values.js';
export * from './link-semantics.js';
export * from './link-health.js';
export * from './outcome.js';
export * from './visible-text.js';
