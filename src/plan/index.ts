/** The plan stage: pure computation of changes, the plan as data (JSON) and saved plans. */
export * from './compute-plan.js';
export * from './plan-json.js';
export * from './saved-plan.js';
