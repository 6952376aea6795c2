/** `--format text`: a Terraform-like plan with `+ ~ -` and a summary line. */
import { X509Certificate } from 'node:crypto';
import type { FieldChange, Plan, PlanChange } from '../model/index.js';
import { visibleText } from '../model/index.js';

/** The colour functions the text plan uses. */
export interface PlanColors {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

/** Short description of PEM certificates: count and fingerprints, never the whole text. */
export function describePems(value: unknown): string {
  if (!Array.isArray(value)) return JSON.stringify(value);
  const fps = value.map((pem) => {
    try {
      return (
        'sha256 ' +
        new X509Certificate(String(pem)).fingerprint256.split(':').slice(0, 6).join(':') +
        '…'
      );
    } catch {
      return 'unparseable';
    }
  });
  return `[${value.length} certificate${value.length === 1 ? '' : 's'}${fps.length ? ': ' + fps.join(', ') : ''}]`;
}

/** A field value for humans: PEM blocks summarised, everything else as compact JSON. */
export function describeValue(field: string, value: unknown): string {
  if (field === 'ownCertificates' || field === 'neighborCertificates') return describePems(value);
  if (field === 'neighborPublicKey' && typeof value === 'string') return '(public key PEM)';
  return JSON.stringify(value);
}

/** The `Plan: N to add, N to change, N to destroy.` line. */
export function planSummaryLine(plan: Plan): string {
  const s = plan.summary;
  const unread = plan.errors.length;
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.${s.restart > 0 ? ` ${s.restart} server restart${s.restart === 1 ? '' : 's'}.` : ''}${unread > 0 ? ` Incomplete: ${servers(unread)} could not be read.` : ''}`;
}

function servers(n: number): string {
  return `${n} server${n === 1 ? '' : 's'}`;
}

/**
 * The first sentence about a plan, chosen from what was read: "No changes" only when every server
 * in scope was read and none needs a change.
 */
export function planHeadline(plan: Plan): string {
  const unread = plan.errors.length;
  if (unread > 0) {
    return plan.changes.length === 0
      ? `Incomplete: ${servers(unread)} could not be read, so nothing is known or planned for ${unread === 1 ? 'it' : 'them'}; the servers that were read need no changes.`
      : `Incomplete: ${servers(unread)} could not be read, so nothing is planned for ${unread === 1 ? 'it' : 'them'}. avnet will perform the following actions on the others:`;
  }
  return plan.changes.length === 0
    ? 'No changes. The actual state matches the topology.'
    : 'avnet will perform the following actions:';
}

function fieldLine(f: FieldChange, create: boolean, c: PlanColors): string {
  const name = f.field.padEnd(21);
  if (f.sensitive)
    return create
      ? `${c.green('+')} ${name} = (sensitive)`
      : `${c.yellow('~')} ${name} = (sensitive) changed`;
  if (create) return `${c.green('+')} ${name} = ${describeValue(f.field, f.after)}`;
  return `${c.yellow('~')} ${name} = ${describeValue(f.field, f.before)} -> ${describeValue(f.field, f.after)}`;
}

function changeLines(ch: PlanChange, c: PlanColors): string[] {
  switch (ch.action) {
    case 'enable-protocol':
      return [
        `  ${c.yellow('~')} enable Dr.Web Server protocol ${c.dim(`# ${visibleText(ch.reason)}`)}`,
      ];
    case 'restart':
      return [`  ${c.cyan('↻')} restart server ${c.dim(`# ${visibleText(ch.reason)}`)}`];
    case 'create':
      return [
        `  ${c.green('+')} neighbor ${c.bold(visibleText(ch.neighbor ?? ''))} (${ch.type}) ${c.dim(`# ${visibleText(ch.reason)}`)}`,
        ...(ch.fields ?? [])
          .filter((f) => f.sensitive || (f.after !== null && !isEmptyObject(f.after)))
          .map((f) => `      ${fieldLine(f, true, c)}`),
      ];
    case 'update':
      return [
        `  ${c.yellow('~')} neighbor ${c.bold(visibleText(ch.neighbor ?? ''))} (${ch.type}) ${c.dim(`# ${visibleText(ch.reason)}`)}`,
        ...(ch.fields ?? []).map((f) => `      ${fieldLine(f, false, c)}`),
      ];
    case 'delete':
      return [
        `  ${c.red('-')} neighbor ${c.bold(visibleText(ch.neighbor ?? ''))} (${ch.type}) ${c.dim(`# ${visibleText(ch.reason)}`)}`,
      ];
  }
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** Renders the whole plan as text. `where` names a server's state location for the headers. */
export function formatPlanText(
  plan: Plan,
  c: PlanColors,
  where?: (server: string) => string,
): string {
  const lines: string[] = [];
  const byServer = new Map<string, PlanChange[]>();
  for (const ch of plan.changes) {
    const list = byServer.get(ch.server) ?? [];
    list.push(ch);
    byServer.set(ch.server, list);
  }
  const headline = planHeadline(plan);
  lines.push(
    plan.errors.length > 0
      ? c.yellow(headline)
      : plan.changes.length === 0
        ? c.green(headline)
        : headline,
  );
  for (const [server, list] of byServer) {
    const rev = plan.revisions[server];
    lines.push('');
    lines.push(
      `${c.bold(`# ${visibleText(server)}`)}${c.dim(`${where ? ` (${visibleText(where(server))}` : ' ('}${where ? ', ' : ''}${rev === 0 ? 'no state yet: fresh server' : `revision ${rev}`})`)}`,
    );
    for (const ch of list) lines.push(...changeLines(ch, c));
  }
  if (plan.unmanaged.length > 0) {
    lines.push('');
    lines.push(c.dim('Entries not managed by avnet (left alone):'));
    for (const u of plan.unmanaged)
      lines.push(c.dim(`  ${visibleText(u.server)}: ${visibleText(u.neighbor)}`));
  }
  if (plan.errors.length > 0) {
    lines.push('');
    lines.push(c.red('Servers that could not be read (nothing planned for them):'));
    for (const e of plan.errors)
      lines.push(c.red(`  ${visibleText(e.server)}: ${visibleText(e.message)}`));
  }
  lines.push('');
  lines.push(c.bold(planSummaryLine(plan)));
  return lines.join('\n') + '\n';
}
