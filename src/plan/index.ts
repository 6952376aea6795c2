/** The plan stage: pure computation of changes, and their printable forms. */
export * from './compute-plan.js';
export * from './plan-json.js';
export * from './plan-text.js';
export * from './saved-plan.js';
export * from './plan-markdown.js';
export * from './plan-runbook.js';
