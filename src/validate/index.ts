/** The validate stage: rules over a loaded topology. */
export * from './validate-topology.js';
export * from './rule.js';
export * from './certificate-index.js';
export * from './locate.js';
export { TOPOLOGY_RULES, LOADER_RULE_DOCS } from './rules/index.js';
