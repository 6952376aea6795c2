/** The plan's JSON form (the CLI contract) and the saved-plan file built on it. */
import { escapeHiddenInJson, type Plan, type PlanChange } from '../model/index.js';

/** Version of the plan JSON format. */
export const PLAN_FORMAT_VERSION = '1.0';

/** One change as printed: everything but the entry to write (which holds the password). */
export function changeToJson(c: PlanChange): Record<string, unknown> {
  switch (c.action) {
    case 'create':
    case 'update':
      return {
        server: c.server,
        action: c.action,
        neighbor: c.neighbor,
        type: c.type,
        fields: c.fields,
        reason: c.reason,
      };
    case 'delete':
      return {
        server: c.server,
        action: c.action,
        neighbor: c.neighbor,
        type: c.type,
        reason: c.reason,
      };
    case 'enable-protocol':
    case 'restart':
      return { server: c.server, action: c.action, reason: c.reason };
  }
}

/** The plan as the contract's JSON document. */
export function planToJson(plan: Plan): Record<string, unknown> {
  return {
    format_version: PLAN_FORMAT_VERSION,
    topology: plan.topology,
    backend: plan.backend,
    changes: plan.changes.map(changeToJson),
    unmanaged: plan.unmanaged,
    summary: plan.summary,
    revisions: plan.revisions,
    errors: plan.errors,
    ...(plan.targets ? { targets: plan.targets } : {}),
  };
}

/** `--format json`. */
export function formatPlanJson(plan: Plan): string {
  // Names keep their exact characters, but invisible and bidi ones are written as \u escapes.
  return escapeHiddenInJson(JSON.stringify(planToJson(plan), null, 2)) + '\n';
}
