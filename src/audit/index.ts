/** The audit stage: checks what servers actually hold. */
export * from './audit-state.js';
export * from './state-rule.js';
export { STATE_RULES } from './rules/index.js';
