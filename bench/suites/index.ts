/** Every benchmark suite, in the order `npm run bench` runs them. Add new suites here. */
import type { BenchSuite } from '../lib/suite.js';
import { applySuite } from './apply.js';
import { dashboardSuite } from './dashboard.js';
import { planSuite } from './plan.js';
import { serveSuite } from './serve.js';
import { simApplySuite } from './sim-apply.js';
import { validateSuite } from './validate.js';
import { watchSuite } from './watch.js';

/** The registered suites, selectable by name: `npm run bench -- validate`. */
export const SUITES: readonly BenchSuite[] = [
  validateSuite,
  watchSuite,
  planSuite,
  applySuite,
  simApplySuite,
  serveSuite,
  dashboardSuite,
];
