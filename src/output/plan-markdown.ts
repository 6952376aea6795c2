/**
 * `--format markdown`: the plan as a pull-request comment. A summary table, a Mermaid picture of
 * the links that change, the changes per server, unmanaged entries and read errors; always under
 * a size cap (GitHub rejects comments over 65,536 characters), eliding with counts. Only the
 * plan's printable fields are used: the `entry` of a change (which holds the password) never is.
 */
import type {
  DesiredServerState,
  EntryChange,
  EntryWrite,
  FieldChange,
  LinkSpec,
  Plan,
  PlanChange,
  PlanSummary,
  Topology,
} from '../model/index.js';
import {
  PR_COMMENT_MAX_CHARS,
  isEntryChange,
  linkEnds,
  pairKey,
  summarizeChanges,
  visibleText,
} from '../model/index.js';
import { buildGraph, type GraphEdge, type GraphNode } from '../graph/graph-model.js';
import { renderMermaid } from '../graph/mermaid.js';
import { describeValue, planHeadline, planSummaryLine } from './plan-text.js';

/** Default upper bound on the comment's length, in characters. */
export const PLAN_MARKDOWN_MAX_CHARS = PR_COMMENT_MAX_CHARS;

/** Links drawn at most; more make an unreadable picture and hit Mermaid's own limits. */
export const PLAN_MARKDOWN_MAX_DIAGRAM_LINKS = 100;

/** Rows of the summary table at most; the rest are summed in one row. */
export const PLAN_MARKDOWN_MAX_TABLE_ROWS = 50;

/** Unmanaged entries and read errors listed at most; the rest are counted. */
export const PLAN_MARKDOWN_MAX_LIST_ITEMS = 50;

/** A server section longer than this many lines is folded into `<details>`. */
export const PLAN_MARKDOWN_FOLD_LINES = 25;

/** Context the markdown plan may draw on. */
export interface PlanMarkdownContext {
  /** The topology the plan was made from: names the network, draws its links. */
  readonly topology?: Topology;
  readonly desired?: ReadonlyMap<string, DesiredServerState>;
  /** Size cap in characters (default {@link PLAN_MARKDOWN_MAX_CHARS}). */
  readonly maxChars?: number;
  /** Links drawn at most (default {@link PLAN_MARKDOWN_MAX_DIAGRAM_LINKS}). */
  readonly maxDiagramLinks?: number;
}

/** How a link changes: all its entry changes create, all delete, or anything else. */
export type LinkChangeStatus = 'added' | 'changed' | 'removed';

/** One link the plan touches, for the picture. */
export interface ChangedLink {
  /** Parent, or first peer. */
  readonly from: string;
  /** Child, or second peer. */
  readonly to: string;
  readonly kind: 'parent-child' | 'peer';
  readonly status: LinkChangeStatus;
  /** Fields changed on either entry (updates only), in entry order. */
  readonly fields: readonly string[];
  /** The topology's link, when the link is (still) declared. */
  readonly link?: LinkSpec;
}

const STATUS_COLORS: Readonly<Record<LinkChangeStatus, string>> = {
  added: '#2e7d32',
  changed: '#ef6c00',
  removed: '#c62828',
};

// Control characters would end a table row or a list item; names may not hold them, but messages may.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** `1,234`: counts in elision notes read better grouped. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}

/** Escapes user text (names, messages) for Markdown prose and table cells. */
export function escapeMarkdownText(text: string): string {
  // Invisible and bidi characters (a right-to-left override reorders the rendered comment) as ⟨U+XXXX⟩.
  return visibleText(text.replace(CONTROL, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#]/g, (c) => `\\${c}`);
}

function escapeHtml(text: string): string {
  return visibleText(text.replace(CONTROL, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A code span that holds any text: the fence is longer than any backtick run inside. */
export function markdownCodeSpan(text: string): string {
  const clean = visibleText(text.replace(CONTROL, ' '));
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean === '' ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** The plan's changes grouped by server, in plan order. */
function byServer(changes: readonly PlanChange[]): Map<string, PlanChange[]> {
  const out = new Map<string, PlanChange[]>();
  for (const c of changes) {
    const list = out.get(c.server);
    if (list) list.push(c);
    else out.set(c.server, [c]);
  }
  return out;
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** The fields a change shows: all of an update, the set ones of a create. */
function shownFields(c: EntryWrite): readonly FieldChange[] {
  const { fields } = c;
  if (c.action !== 'create') return fields;
  return fields.filter((f) => f.sensitive || (f.after !== null && !isEmptyObject(f.after)));
}

function fieldItem(f: FieldChange, create: boolean): string {
  const name = markdownCodeSpan(f.field);
  if (f.sensitive) return `  - ${name}: (sensitive)${create ? '' : ' changed'}`;
  if (create) return `  - ${name}: ${markdownCodeSpan(describeValue(f.field, f.after))}`;
  return `  - ${name}: ${markdownCodeSpan(describeValue(f.field, f.before))} → ${markdownCodeSpan(describeValue(f.field, f.after))}`;
}

/** One change as Markdown list lines (each ending in a newline). */
function changeBlock(c: PlanChange): string {
  const reason = escapeMarkdownText(c.reason);
  const neighbor = (e: EntryChange) => `neighbor ${markdownCodeSpan(e.neighbor)} (${e.type})`;
  let lines: string[];
  switch (c.action) {
    case 'enable-protocol':
      lines = [`- **enable** the Dr.Web Server protocol module — ${reason}`];
      break;
    case 'restart':
      lines = [`- **restart** the server — ${reason}`];
      break;
    case 'create':
      lines = [
        `- **create** ${neighbor(c)} — ${reason}`,
        ...shownFields(c).map((f) => fieldItem(f, true)),
      ];
      break;
    case 'update':
      lines = [
        `- **update** ${neighbor(c)} — ${reason}`,
        ...shownFields(c).map((f) => fieldItem(f, false)),
      ];
      break;
    case 'delete':
      lines = [`- **delete** ${neighbor(c)} — ${reason}`];
      break;
  }
  return lines.join('\n') + '\n';
}

function summaryText(s: PlanSummary): string {
  const parts: string[] = [];
  if (s.add > 0) parts.push(`${count(s.add)} to add`);
  if (s.change > 0) parts.push(`${count(s.change)} to change`);
  if (s.destroy > 0) parts.push(`${count(s.destroy)} to destroy`);
  if (s.restart > 0) parts.push('restart');
  return parts.join(', ');
}

function stateText(plan: Plan, server: string): string {
  const rev = plan.revisions[server];
  return rev === undefined ? '' : rev === 0 ? 'fresh server' : `revision ${rev}`;
}

/** The opening and closing text of a server's section; folded when long. */
function serverFrame(plan: Plan, server: string, list: readonly PlanChange[]): [string, string] {
  const lines = list.reduce(
    (n, c) => n + 1 + (c.action === 'create' || c.action === 'update' ? shownFields(c).length : 0),
    0,
  );
  const state = stateText(plan, server);
  const what = summaryText(summarizeChanges(list)) + (state ? ` (${state})` : '');
  if (lines > PLAN_MARKDOWN_FOLD_LINES) {
    return [
      `<details>\n<summary><b>${escapeHtml(server)}</b>: ${escapeHtml(what)}</summary>\n\n`,
      '\n</details>\n\n',
    ];
  }
  return [`#### ${escapeMarkdownText(server)}\n\n_${escapeMarkdownText(what)}_\n\n`, '\n'];
}

/** The links a plan touches: a link changes when either of its entries is created, updated or deleted. */
export function changedLinks(plan: Plan, topology?: Topology): ChangedLink[] {
  const declared = new Map<string, LinkSpec>();
  for (const link of topology?.links ?? []) {
    const [a, b] = linkEnds(link);
    const key = pairKey(a, b);
    if (!declared.has(key)) declared.set(key, link);
  }
  const groups = new Map<string, EntryChange[]>();
  for (const c of plan.changes) {
    if (!isEntryChange(c)) continue;
    const key = pairKey(c.server, c.neighbor);
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const out: ChangedLink[] = [];
  for (const [key, list] of groups) {
    const status: LinkChangeStatus = list.every((c) => c.action === 'create')
      ? 'added'
      : list.every((c) => c.action === 'delete')
        ? 'removed'
        : 'changed';
    const fields: string[] = [];
    for (const c of list) {
      if (c.action !== 'update') continue;
      for (const f of c.fields)
        if (f.field !== 'managedBy' && !fields.includes(f.field)) fields.push(f.field);
    }
    const link = declared.get(key);
    if (link) {
      const [from, to] = linkEnds(link);
      out.push({ from, to, kind: link.kind, status, fields, link });
      continue;
    }
    // Not declared (any more): the entries' types tell who is the parent.
    const c = list[0]!;
    const neighbor = c.neighbor;
    if (c.type === 'parent')
      out.push({ from: neighbor, to: c.server, kind: 'parent-child', status, fields });
    else if (c.type === 'child')
      out.push({ from: c.server, to: neighbor, kind: 'parent-child', status, fields });
    else {
      const [from, to] = c.server < neighbor ? [c.server, neighbor] : [neighbor, c.server];
      out.push({ from, to, kind: 'peer', status, fields });
    }
  }
  // Declared links in file order, then the removed ones by name.
  return out.sort(
    (x, y) =>
      (x.link?.index ?? Infinity) - (y.link?.index ?? Infinity) ||
      x.from.localeCompare(y.from) ||
      x.to.localeCompare(y.to),
  );
}

function statusLine(l: ChangedLink): string {
  if (l.status !== 'changed' || l.fields.length === 0) return l.status;
  const shown = l.fields.slice(0, 3).join(', ');
  return `changed: ${shown}${l.fields.length > 3 ? ', …' : ''}`;
}

/**
 * Mermaid text of the changed links, drawn with the `avnet graph` renderer: parents above
 * children, peer links dotted, servers no longer in the topology dashed. Each link's status is
 * its first label line and its colour.
 */
export function changedLinksMermaid(links: readonly ChangedLink[], topology?: Topology): string {
  const graph = topology ? buildGraph(topology) : undefined;
  const known = new Map<string, GraphNode>((graph?.nodes ?? []).map((n) => [n.name, n]));
  const graphEdges = new Map<number, GraphEdge>((graph?.edges ?? []).map((e) => [e.linkIndex, e]));
  const used = new Map<string, GraphNode>();
  const extra: GraphNode[] = [];
  const nodeId = (name: string): string => {
    const have = used.get(name);
    if (have) return have.id;
    const node: GraphNode = known.get(name) ?? {
      id: `r${extra.length}`,
      name,
      // Without a topology nothing is known about any server, so none is marked as undeclared.
      kind: topology ? 'unknown' : 'server',
      lines: topology ? [name, 'not in the topology'] : [name],
      errors: [],
    };
    if (!known.has(name)) extra.push(node);
    used.set(name, node);
    return node.id;
  };
  const edges: GraphEdge[] = links.map((l, i) => {
    const drawn = l.link ? graphEdges.get(l.link.index) : undefined;
    return {
      linkIndex: l.link?.index ?? -1 - i,
      kind: l.kind,
      from: nodeId(l.from),
      to: nodeId(l.to),
      pair: pairKey(l.from, l.to),
      lines: [statusLine(l), ...(l.status === 'removed' ? [] : (drawn?.lines ?? []))],
      errors: [],
    };
  });
  // Servers in file order first, as `avnet graph` draws them, then the ones no longer declared.
  const nodes = [
    ...(graph?.nodes ?? []).filter((n) => used.has(n.name)),
    ...(topology ? extra : [...used.values()]),
  ];
  const text = renderMermaid({ nodes, edges }, { legend: false });
  const styles: string[] = [];
  for (const status of ['added', 'changed', 'removed'] as const) {
    const idx = links.flatMap((l, i) => (l.status === status ? [i] : []));
    if (idx.length > 0)
      styles.push(`  linkStyle ${idx.join(',')} stroke:${STATUS_COLORS[status]},stroke-width:3px`);
  }
  return text + (styles.length > 0 ? styles.join('\n') + '\n' : '');
}

/** Explains only what the picture shows. */
function diagramLegend(links: readonly ChangedLink[], topology?: Topology): string {
  const colours = (['added', 'changed', 'removed'] as const)
    .filter((st) => links.some((l) => l.status === st))
    .map((st) => `${{ added: 'green', changed: 'orange', removed: 'red' }[st]}: ${st}`);
  const notes = [colours.join(' · ')];
  if (links.some((l) => l.kind === 'parent-child')) notes.push('arrows point from parent to child');
  if (links.some((l) => l.kind === 'peer')) notes.push('peer links are dotted');
  if (topology && links.some((l) => !topology.servers.has(l.from) || !topology.servers.has(l.to)))
    notes.push('dashed servers are no longer in the topology');
  const text = notes.join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

function diagramSection(plan: Plan, ctx: PlanMarkdownContext, budget: number): string {
  const links = changedLinks(plan, ctx.topology);
  if (links.length === 0) return '';
  let shown = Math.min(links.length, ctx.maxDiagramLinks ?? PLAN_MARKDOWN_MAX_DIAGRAM_LINKS);
  for (;;) {
    const mermaid = changedLinksMermaid(links.slice(0, shown), ctx.topology);
    const legend = diagramLegend(links.slice(0, shown), ctx.topology);
    const more =
      shown < links.length
        ? `\n_… and ${plural(links.length - shown, 'more changed link')} not drawn._\n`
        : '';
    const text = `### Links that change\n\n\`\`\`mermaid\n${mermaid}\`\`\`\n\n${legend}\n${more}\n`;
    if (text.length <= budget) return text;
    if (shown <= 1) return '';
    shown = Math.floor(shown / 2);
  }
}

function tableSection(plan: Plan, servers: Map<string, PlanChange[]>, maxRows: number): string {
  if (servers.size === 0) return '';
  const rows = ['| Server | Add | Change | Destroy | Restart |', '|---|--:|--:|--:|--:|'];
  const row = (name: string, s: PlanSummary) =>
    `| ${name} | ${count(s.add)} | ${count(s.change)} | ${count(s.destroy)} | ${count(s.restart)} |`;
  const entries = [...servers];
  for (const [server, list] of entries.slice(0, maxRows))
    rows.push(row(escapeMarkdownText(server), summarizeChanges(list)));
  if (entries.length > maxRows) {
    const rest = entries.slice(maxRows).flatMap(([, list]) => list);
    rows.push(row(`… ${plural(entries.length - maxRows, 'more server')}`, summarizeChanges(rest)));
  }
  if (entries.length > 1) rows.push(row('**Total**', plan.summary));
  return rows.join('\n') + '\n\n';
}

function listSection<T>(
  title: string,
  items: readonly T[],
  item: (x: T) => string,
  max: number,
  intro = '',
): string {
  if (items.length === 0) return '';
  const lines = items.slice(0, max).map((x) => `- ${item(x)}`);
  if (items.length > max) lines.push(`- … and ${count(items.length - max)} more`);
  return `### ${title}\n\n${intro}${lines.join('\n')}\n\n`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

function errorsSection(plan: Plan, max: number): string {
  return listSection(
    'Servers that could not be read',
    plan.errors,
    (e) => `${markdownCodeSpan(e.server)}: ${escapeMarkdownText(clip(e.message, 300))}`,
    max,
    'Nothing is planned for these servers until they can be read.\n\n',
  );
}

function unmanagedSection(plan: Plan, max: number): string {
  return listSection(
    'Entries not managed by avnet (left alone)',
    plan.unmanaged,
    (u) => `${markdownCodeSpan(u.server)}: ${markdownCodeSpan(u.neighbor)}`,
    max,
  );
}

function headSection(plan: Plan, ctx: PlanMarkdownContext): string {
  const name = ctx.topology?.name;
  const lines = [`## avnet plan${name !== undefined ? `: ${escapeMarkdownText(name)}` : ''}`, ''];
  lines.push(
    plan.errors.length > 0
      ? `**${escapeMarkdownText(planHeadline(plan))}** ${planSummaryLine(plan)}`
      : plan.changes.length === 0
        ? '**No changes.** The actual state matches the topology.'
        : `**${planSummaryLine(plan)}**`,
  );
  lines.push('');
  const sha = plan.topology.sha256
    ? ` (sha256 ${markdownCodeSpan(plan.topology.sha256.slice(0, 12))})`
    : '';
  lines.push(
    `Topology ${markdownCodeSpan(plan.topology.file)}${sha}, backend ${markdownCodeSpan(plan.backend.type)}.`,
  );
  if (plan.targets && plan.targets.length > 0)
    lines.push(`Limited to: ${plan.targets.map(markdownCodeSpan).join(', ')}.`);
  return lines.join('\n') + '\n\n';
}

/** Room kept for the elision note and the frame of a server section. */
const RESERVE = 400;

/** The changes per server, as many as fit in `budget` characters, then a count of the rest. */
function detailsSection(plan: Plan, servers: Map<string, PlanChange[]>, budget: number): string {
  if (servers.size === 0) return '';
  const head = '### Changes per server\n\n';
  let room = budget - head.length - RESERVE;
  const out: string[] = [head];
  let shown = 0;
  const partial = new Set<string>();
  for (const [server, list] of servers) {
    const [open, close] = serverFrame(plan, server, list);
    let size = open.length + close.length;
    const blocks: string[] = [];
    for (const c of list) {
      const b = changeBlock(c);
      if (size + b.length > room) break;
      blocks.push(b);
      size += b.length;
    }
    if (blocks.length === 0) break;
    out.push(open, ...blocks, close);
    room -= size;
    shown += blocks.length;
    if (blocks.length < list.length) {
      partial.add(server);
      break;
    }
  }
  const left = plan.changes.length - shown;
  if (left > 0) {
    let onServers = 0;
    let seen = 0;
    for (const [server, list] of servers) {
      if (seen >= shown || partial.has(server)) onServers++;
      seen += list.length;
    }
    out.push(
      `_… and ${plural(left, 'more change')} on ${plural(onServers, 'server')} not shown here; ` +
        'run `avnet plan` for the whole plan._\n\n',
    );
  }
  return out.join('');
}

/** Renders the plan as Markdown for a pull-request comment, under `maxChars` characters. */
export function formatPlanMarkdown(plan: Plan, ctx: PlanMarkdownContext = {}): string {
  const max = ctx.maxChars ?? PLAN_MARKDOWN_MAX_CHARS;
  const servers = byServer(plan.changes);
  const head = headSection(plan, ctx);
  // Fixed sections shrink, least useful first, until the changes have room.
  let table = tableSection(plan, servers, PLAN_MARKDOWN_MAX_TABLE_ROWS);
  let errors = errorsSection(plan, PLAN_MARKDOWN_MAX_LIST_ITEMS);
  let unmanaged = unmanagedSection(plan, PLAN_MARKDOWN_MAX_LIST_ITEMS);
  const fixed = () => head.length + table.length + errors.length + unmanaged.length;
  const minDetails = servers.size > 0 ? RESERVE * 4 : 0;
  if (fixed() + minDetails > max) unmanaged = unmanagedSection(plan, 5);
  if (fixed() + minDetails > max) errors = errorsSection(plan, 5);
  if (fixed() + minDetails > max) table = tableSection(plan, servers, 5);
  // The picture gets up to a third of what is left; the changes get the rest.
  const diagram = diagramSection(plan, ctx, Math.floor((max - fixed() - minDetails) / 3));
  const details = detailsSection(plan, servers, max - fixed() - diagram.length - 1);
  return (head + table + errors + diagram + details + unmanaged).trimEnd() + '\n';
}
