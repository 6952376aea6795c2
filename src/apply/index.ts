/** The apply stage. */
export * from './apply-plan.js';
