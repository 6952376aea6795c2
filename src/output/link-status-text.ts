/** `avnet status` output: a table for people, the contract's JSON for pipelines. */
import { LINK_REASONS, linkErrorText, visibleText, type LinkStatus } from '../model/index.js';
import { offlineLinks, type LinkReport } from '../status/index.js';
import type { Colors } from './colors.js';

/** `{ "links": [ { a, b, type, state, error } ] }`, exactly as cli.md specifies. */
export function formatStatusJson(report: LinkReport): string {
  const links = report.links.map((l) => ({
    a: l.a,
    b: l.b,
    type: l.type,
    state: l.state,
    error: linkErrorText(l),
    reason: l.reason,
  }));
  return JSON.stringify({ links }, null, 2) + '\n';
}

/** A link as `MAIN -> AUX` (parent → child) or `EU <-> US` (peers). */
export function linkName(l: Pick<LinkStatus, 'a' | 'b' | 'type'>): string {
  const [a, b] = [visibleText(l.a), visibleText(l.b)];
  return l.type === 'peer' ? `${a} <-> ${b}` : `${a} -> ${b}`;
}

/** Lines listing links with their state, reason and explanation. */
export function formatLinkLines(links: readonly LinkStatus[], c: Colors): string[] {
  const width = Math.max(8, ...links.map((l) => linkName(l).length));
  const out: string[] = [];
  for (const l of links) {
    const name = linkName(l).padEnd(width);
    if (l.state === 'online') {
      out.push(`  ${name}  ${c.green('online')}`);
      continue;
    }
    out.push(`  ${name}  ${c.red('offline')}  ${linkErrorText(l) ?? 'unknown reason'}`);
    if (l.reason)
      out.push(`  ${' '.repeat(width)}           ${c.dim(LINK_REASONS[l.reason].explain)}`);
  }
  return out;
}

/** The whole status as text. */
export function formatStatusText(report: LinkReport, c: Colors): string {
  const lines: string[] = [];
  if (!report.observed) {
    lines.push(
      c.yellow(
        'Derived from stored state: this backend cannot observe live links, so "online" means both entries would let the link come up.',
      ),
    );
  }
  const declared = report.links.slice(0, report.declared);
  const extra = report.links.slice(report.declared);
  if (declared.length === 0 && extra.length === 0) {
    lines.push('No links.');
    return lines.join('\n') + '\n';
  }
  if (declared.length > 0) {
    lines.push(...formatLinkLines(declared, c));
  }
  if (extra.length > 0) {
    lines.push('', 'Not in the topology:', ...formatLinkLines(extra, c));
  }
  const off = offlineLinks(report).length;
  const total = report.links.length;
  lines.push(
    '',
    off === 0
      ? c.green(total === 1 ? 'The link is online.' : `All ${total} links are online.`)
      : c.red(`${total - off} of ${total} link${total === 1 ? '' : 's'} online, ${off} offline.`),
  );
  return lines.join('\n') + '\n';
}
