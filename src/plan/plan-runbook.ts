/** `--format runbook`: Control Center steps per server (being completed). */
import type { Plan, Topology } from '../model/index.js';

/** Context the runbook may draw on. */
export interface PlanRunbookContext {
  readonly topology?: Topology;
}

/** Renders the plan as numbered manual steps. */
export function formatPlanRunbook(plan: Plan, _ctx: PlanRunbookContext = {}): string {
  return (
    plan.changes
      .map((c, i) => `${i + 1}. ${c.server}: ${c.action}${c.neighbor ? ` ${c.neighbor}` : ''}`)
      .join('\n') + '\n'
  );
}
