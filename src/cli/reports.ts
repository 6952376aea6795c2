/** Presentation shared by several commands: diagnostics, plans and apply reports. */
import path from 'node:path';
import {
  knownSecretValues,
  type ApplyResult,
  type BackendDescription,
  type CheckedTopology,
  type Reading,
  type ReconcileResult,
} from '../engine/index.js';
import { formatPlanJson } from '../plan/index.js';
import {
  formatPlanMarkdown,
  formatPlanRunbook,
  describeVerification,
  formatPlanText,
  formatDiagnosticsGithub,
  formatDiagnosticsJson,
  formatDiagnosticsSarif,
  formatDiagnosticsText,
  type DiagnosticFormat,
  type DiagnosticReport,
} from '../output/index.js';
import type { CommandEnv } from './io.js';
import { backendLabel } from './backend-target.js';
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
        cwd: env.io.cwd,
        version: AVNET_VERSION,
        docsUrl: RULES_DOCS_URL,
      });
    default:
      return formatDiagnosticsText(report, env.colors);
  }
}

/** Prints validation diagnostics of a reconcile on stderr (stdout stays the command's output). */
export function reportDiagnostics(
  env: CommandEnv,
  result: Pick<ReconcileResult, 'checked' | 'diagnostics' | 'outcome'>,
  strict: boolean,
): void {
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
export function describeWhere(env: CommandEnv, reading: Reading, server: string): string {
  const where = reading.backend.describeServer(server);
  if (!path.isAbsolute(where)) return where;
  const rel = path.relative(env.io.cwd, where);
  return rel.startsWith('..') ? where : rel;
}

/** Renders the plan of a reading in one of the plan formats. */
export function renderPlan(
  format: PlanFormat,
  result: { readonly checked: CheckedTopology; readonly reading: Reading },
  env: CommandEnv,
): string {
  const { plan } = result.reading;
  switch (format) {
    case 'json':
      return formatPlanJson(plan);
    case 'markdown':
      return formatPlanMarkdown(plan, {
        topology: result.checked.loaded.topology,
        desired: result.reading.desired,
      });
    case 'runbook':
      return formatPlanRunbook(plan, { topology: result.checked.loaded.topology });
    default:
      return formatPlanText(plan, env.colors, (s) => describeWhere(env, result.reading, s));
  }
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The per-server report of an apply, the servers it could not read, and what the re-read found. */
export function formatApplyReport(result: ApplyResult, env: CommandEnv): string {
  const c = env.colors;
  const { apply, reading, verify } = result;
  const width = Math.max(
    6,
    ...apply.servers.map((s) => s.server.length),
    ...reading.unread.map((e) => e.server.length),
  );
  const lines = apply.servers.map((s) => {
    const status =
      s.status === 'failed'
        ? c.red('failed ')
        : s.status === 'applied'
          ? c.green('applied')
          : c.dim(s.status.padEnd(7));
    const detail =
      s.error ??
      `${count(s.changes, 'change')}, ${count(s.writes, 'write')}, revision ${s.revision}${s.replanned ? ' (re-planned after a concurrent change)' : ''}`;
    return `  ${s.server.padEnd(width)}  ${status}  ${detail}`;
  });
  for (const e of reading.unread) {
    lines.push(`  ${e.server.padEnd(width)}  ${c.red('not read')}  ${e.message}`);
  }
  const written = apply.servers.filter((s) => s.status === 'applied').length;
  const unchanged = apply.servers.filter((s) => s.status === 'unchanged').length;
  const parts = [
    `${count(written, 'server')} applied (${count(apply.writes, 'write')})`,
    ...(unchanged > 0 ? [`${unchanged} needed no write`] : []),
    ...(apply.failed > 0 ? [`${apply.failed} failed`] : []),
    ...(reading.unread.length > 0
      ? [`${reading.unread.length} could not be read (nothing applied there)`]
      : []),
  ];
  lines.push('');
  if (result.outcome === 'applied') {
    lines.push(c.green(`Apply complete: ${parts.join(', ')}.`));
  } else {
    lines.push(c.red(`Apply finished with failures: ${parts.join(', ')}.`));
  }
  const verified = describeVerification(verify);
  lines.push(
    ...(verify.status === 'converged'
      ? verified.map((l) => c.dim(l))
      : verified.map((l) => c.yellow(l))),
  );
  return lines.join('\n') + '\n';
}

/** Says that a topology could not be used to find the servers (its diagnostics first). */
export function reportTopologyUnusable(
  env: CommandEnv,
  checked: CheckedTopology,
  fileArg: string | undefined,
  what: string,
): void {
  env.redactor.add(knownSecretValues(checked.loaded));
  reportDiagnostics(
    env,
    { checked, diagnostics: checked.validation.diagnostics, outcome: 'invalid' },
    false,
  );
  env.err(
    `avnet: ${fileArg ?? checked.loaded.source.displayPath} cannot be read as a topology; nothing was ${what}\n`,
  );
}

/** Why an audit or import found nothing to read. */
export function describeNoState(
  env: CommandEnv,
  result: { readonly backend: BackendDescription; readonly cause: string | null },
): string {
  const where = backendLabel(env, result.backend);
  if (result.cause) return `cannot list the servers of ${where}: ${result.cause}`;
  return result.backend.stateFolder
    ? `no server state found in ${where} (the folder does not exist or holds no state files)`
    : `none of the servers in ${where} holds any state`;
}
