/** Presentation shared by several commands: diagnostics, plans and apply reports. */
import path from 'node:path';
import type { Plan } from '../model/index.js';
import type { ReconcileResult } from '../engine/index.js';
import type { ApplyReport } from '../apply/index.js';
import { formatPlanJson } from '../plan/index.js';
import {
  formatPlanMarkdown,
  formatPlanRunbook,
  formatPlanText,
  formatDiagnosticsGithub,
  formatDiagnosticsJson,
  formatDiagnosticsSarif,
  formatDiagnosticsText,
  type DiagnosticFormat,
  type DiagnosticReport,
} from '../output/index.js';
import type { CommandEnv } from './io.js';
import { allRuleDocs } from './rule-docs.js';
import { AVNET_VERSION, RULES_DOCS_URL } from './version.js';

/** Output formats of plan. */
export const PLAN_FORMATS = ['text', 'json', 'markdown', 'runbook'] as const;

/** One of the plan formats. */
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** Renders a validation report in the chosen format. */
export function renderReport(
  format: DiagnosticFormat,
  report: DiagnosticReport,
  env: CommandEnv,
): string {
  switch (format) {
    case 'json':
      return formatDiagnosticsJson(report);
    case 'github':
      return formatDiagnosticsGithub(report);
    case 'sarif':
      return formatDiagnosticsSarif(report, allRuleDocs(), {
        version: AVNET_VERSION,
        docsUrl: RULES_DOCS_URL,
      });
    default:
      return formatDiagnosticsText(report, env.colors);
  }
}

/** Prints validation diagnostics of a reconcile on stderr (stdout stays the command's output). */
export function reportDiagnostics(env: CommandEnv, result: ReconcileResult, strict: boolean): void {
  const { loaded } = result.checked;
  if (result.diagnostics.length === 0 && result.outcome !== 'invalid') return;
  env.err(
    formatDiagnosticsText(
      {
        file: loaded.source.displayPath,
        diagnostics: result.diagnostics,
        strict,
        source: { text: loaded.source.text, secretRanges: loaded.secretRanges },
        servers: loaded.topology.servers.size,
        links: loaded.topology.links.length,
      },
      env.errColors,
    ),
  );
}

/** Where a server's state lives, relative to the working directory when that is shorter. */
export function describeWhere(env: CommandEnv, result: ReconcileResult, server: string): string {
  const where = result.backend ? result.backend.describeServer(server) : server;
  if (!path.isAbsolute(where)) return where;
  const rel = path.relative(env.io.cwd, where);
  return rel.startsWith('..') ? where : rel;
}

/** Renders a plan in one of the plan formats. */
export function renderPlan(
  format: PlanFormat,
  plan: Plan,
  env: CommandEnv,
  result: ReconcileResult,
): string {
  const where = (s: string) => describeWhere(env, result, s);
  switch (format) {
    case 'json':
      return formatPlanJson(plan);
    case 'markdown':
      return formatPlanMarkdown(plan, {
        topology: result.checked.loaded.topology,
        desired: result.desired,
      });
    case 'runbook':
      return formatPlanRunbook(plan, { topology: result.checked.loaded.topology });
    default:
      return formatPlanText(plan, env.colors, where);
  }
}

/** The per-server report, as text. */
export function formatApplyReport(report: ApplyReport, env: CommandEnv): string {
  const c = env.colors;
  const width = Math.max(6, ...report.servers.map((s) => s.server.length));
  const lines = report.servers.map((s) => {
    const status =
      s.status === 'failed'
        ? c.red('failed ')
        : s.status === 'applied'
          ? c.green('applied')
          : c.dim(s.status.padEnd(7));
    const detail =
      s.error ??
      `${s.changes} change${s.changes === 1 ? '' : 's'}, ${s.writes} write${s.writes === 1 ? '' : 's'}, revision ${s.revision}${s.replanned ? ' (re-planned after a concurrent change)' : ''}`;
    return `  ${s.server.padEnd(width)}  ${status}  ${detail}`;
  });
  const ok = report.servers.length - report.failed;
  lines.push('');
  lines.push(
    report.failed > 0
      ? c.red(
          `Apply finished with failures: ${ok} server${ok === 1 ? '' : 's'} applied, ${report.failed} failed.`,
        )
      : c.green(
          `Apply complete: ${ok} server${ok === 1 ? '' : 's'} applied, ${report.writes} write${report.writes === 1 ? '' : 's'}.`,
        ),
  );
  return lines.join('\n') + '\n';
}
