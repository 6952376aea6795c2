/** The engine composes the stages; CLI commands, watch, serve and the library API all call it. */
export * from './check-topology.js';
export * from './outcome.js';
export * from './backend-source.js';
export * from './apply-and-verify.js';
export * from './reconcile-once.js';
export * from './apply-saved-plan.js';
export * from './audit-backend.js';
