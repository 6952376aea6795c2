/** `--format markdown`: a pull-request comment (being completed: Mermaid picture, size cap). */
import type { DesiredServerState, Plan, Topology } from '../model/index.js';
import { planSummaryLine } from './plan-text.js';

/** Context the markdown plan may draw on. */
export interface PlanMarkdownContext {
  readonly topology?: Topology;
  readonly desired?: ReadonlyMap<string, DesiredServerState>;
}

/** Renders the plan as Markdown. */
export function formatPlanMarkdown(plan: Plan, _ctx: PlanMarkdownContext = {}): string {
  const lines = ['## avnet plan', '', planSummaryLine(plan), ''];
  for (const c of plan.changes)
    lines.push(`- **${c.server}**: ${c.action}${c.neighbor ? ` ${c.neighbor}` : ''}`);
  return lines.join('\n') + '\n';
}
