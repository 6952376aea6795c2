/**
 * avnet as a library. The engine functions are what the CLI calls; every stage is also exported as
 * a namespace so it can be used on its own (e.g. `validate.validateTopology`, `plan.computePlan`).
 */
export * from './model/index.js';
export {
  applySavedPlan,
  auditBackend,
  auditNetwork,
  checkTopology,
  importNetwork,
  keepBackend,
  reconcileOnce,
  type AuditResult,
  type BackendKeeper,
  type BackendSource,
  type CheckOptions,
  type CheckedTopology,
  type ImportResult,
  type ReconcileOptions,
  type ReconcileOutcome,
  type ReconcileResult,
} from './engine/index.js';
export { createBackend, DirBackend, type Backend, type ServerChange } from './backends/index.js';
export { main } from './cli/main.js';

export * as load from './load/index.js';
export * as validate from './validate/index.js';
export * as render from './render/index.js';
export * as actual from './actual/index.js';
export * as plan from './plan/index.js';
export * as apply from './apply/index.js';
export * as audit from './audit/index.js';
export * as importing from './import/index.js';
export * as backends from './backends/index.js';
export * as certs from './certs/index.js';
export * as graph from './graph/index.js';
export * as diff from './diff/index.js';
export * as output from './output/index.js';
export * as status from './status/index.js';
export * as sim from './sim/index.js';
export * as watch from './watch/index.js';
