/**
 * `--format runbook`: the plan as numbered steps an administrator follows in the Dr.Web Security
 * Control Center, for servers avnet cannot reach. It follows the vendor's procedure ("Setting
 * Connections between Several Dr.Web Servers", Dr.Web administrator manual; docs/vendor-procedure.md
 * maps each of its statements to the step here): checks before starting, the protocol module and
 * restarts on every server, then neighbor entries children first (the child adds its parent before
 * the parent adds the child), deletions last, one server at a time, and a final check that every
 * neighbor comes online. Labels are the Control Center's own. Passwords are named by reference only
 * (the topology's `env`/`file` reference); the `entry` of a change, which holds the value, is never
 * read.
 */
import { X509Certificate } from 'node:crypto';
import type {
  FieldChange,
  FlowDirection,
  LinkSpec,
  NeighborType,
  Plan,
  PlanChange,
  ServerStep,
  Topology,
} from '../model/index.js';
import {
  applyPhaseOf,
  isEntryChange,
  linkEnds,
  linkLabel,
  pairKey,
  visibleText,
  type ApplyPhase,
} from '../model/index.js';
import { describeSecretRef } from '../load/secrets.js';
import { describePems, planHeadline, planSummaryLine } from './plan-text.js';

/** Context the runbook may draw on. */
export interface PlanRunbookContext {
  /** The topology the plan was made from: password references, certificate files, console URLs. */
  readonly topology?: Topology;
}

const PHASES: readonly { phase: ApplyPhase; title: string }[] = [
  { phase: 'protocol', title: 'Dr.Web Server protocol and restarts' },
  { phase: 'entries', title: 'Neighbor entries to create and change' },
  { phase: 'deletions', title: 'Neighbor entries to delete' },
];

const TYPE_LABELS: Readonly<Record<NeighborType, string>> = {
  parent: 'Parent',
  child: 'Child',
  peer: 'Peer',
};

/** The folder of the network tree a neighbor of each type appears in. */
const TYPE_FOLDERS: Readonly<Record<NeighborType, string>> = {
  parent: 'Parents',
  child: 'Children',
  peer: 'Peers',
};

/** The three license fields of the neighbor dialog, in the Control Center's words. */
const LICENSE_LABELS: Readonly<Record<string, string>> = {
  validity: 'Validity period of donated licenses',
  renewBefore: 'Period for accepted licenses renewal',
  syncPeriod: 'License synchronization period',
};

/** Flows in the order the Control Center lists them. */
const FLOW_LABELS: Readonly<Record<string, string>> = {
  licenses: 'Licenses',
  updates: 'Updates',
  events: 'Events',
};

/** A flow direction as the Send and Receive flags of the dialog's section for that flow. */
const FLOW_FLAGS: Readonly<Record<FlowDirection, { send: boolean; receive: boolean }>> = {
  send: { send: true, receive: false },
  receive: { send: false, receive: true },
  both: { send: true, receive: true },
  none: { send: false, receive: false },
};

const FLOW_VALUES: Readonly<Record<string, string>> = {
  send: 'send',
  receive: 'receive',
  both: 'send and receive',
  none: 'off',
};

const RESTRICTION_LABELS: Readonly<Record<string, string>> = {
  updates: 'Update restrictions → Updates',
  events: 'Update restrictions → Events',
};

/** The dialog's flag for notifications on the events a neighbor sends. */
const NOTIFY_LABEL = 'Send notifications on events of neighbor Server';

const FIELD_LABELS: Readonly<Record<string, string>> = {
  type: 'Type',
  password: 'Password',
  address: 'Address',
  ownCertificates: 'Own certificates of Dr.Web Server',
  neighborCertificates: 'Certificates of neighbor Dr.Web Server',
  neighborPublicKey: "Neighbor's public key",
  consoleUrl: 'URL of Dr.Web Security Control Center',
  connection: 'Connection parameters',
  reconnectPeriod: 'Connection parameters → reconnect period',
  encryption: 'Encryption',
  compression: 'Compression',
  notify: NOTIFY_LABEL,
};

/** The kinds of notification the vendor's guide names for events of a neighbor. */
export const NEIGHBOR_NOTIFICATION_KINDS = [
  'Security threat detected',
  'Report of Preventive protection',
  'Scan error',
  'Scan statistics',
] as const;

/** What a parent/child entry shows for the flags the link type fixes. */
const FIXED_BY_TYPE = 'set by the link type, cannot be changed';

/** A value as an administrator types or picks it. */
function plain(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(String).join('; ');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function fingerprint(pem: unknown): string {
  try {
    return `sha256 ${new X509Certificate(String(pem)).fingerprint256.split(':').slice(0, 6).join(':')}…`;
  } catch {
    return 'unparseable certificate';
  }
}

/** Certificate files named as the topology gives them, each with its fingerprint. */
function certificatesText(paths: readonly string[] | undefined, pems: unknown): string {
  if (!Array.isArray(pems)) return plain(pems);
  if (pems.length === 0) return '(none)';
  if (paths && paths.length === pems.length)
    return paths.map((p, i) => `${p} (${fingerprint(pems[i])})`).join(', ');
  return describePems(pems);
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The declared link joining two servers, if any. */
function findLink(topology: Topology | undefined, a: string, b: string): LinkSpec | undefined {
  const key = pairKey(a, b);
  return topology?.links.find((l) => pairKey(...linkEnds(l)) === key);
}

/** Where the password of the link between `server` and `neighbor` is kept; never its value. */
export function passwordSource(
  topology: Topology | undefined,
  server: string,
  neighbor: string,
): string {
  const link = findLink(topology, server, neighbor);
  if (!link) return `the password of the link ${server} – ${neighbor} as the topology gives it`;
  const label = linkLabel(link);
  const ref = link.password;
  if (!ref) return `the password of link ${label} (the topology does not set one)`;
  if (ref.kind === 'inline')
    return `the inline password of link ${label} in the topology (the same on both servers)`;
  return `from ${describeSecretRef(ref)} (the same on both servers of link ${label})`;
}

/**
 * The order in which servers set up their neighbor entries: every child before its parent
 * (leaves first), ties by name. The vendor's walkthrough has the child add its parent (step 5)
 * before the parent adds the child, so the parent's new Child entry finds the child waiting.
 * Parent/child pairs come from the topology's links and from the plan's own entries (a plan may
 * be rendered without its topology); peers do not order servers.
 */
export function childrenFirstOrder(plan: Plan, topology?: Topology): string[] {
  const children = new Map<string, Set<string>>();
  const servers = new Set<string>();
  const edge = (child: string, parent: string) => {
    servers.add(child).add(parent);
    if (child === parent) return;
    const set = children.get(parent) ?? new Set<string>();
    set.add(child);
    children.set(parent, set);
  };
  for (const link of topology?.links ?? [])
    if (link.kind === 'parent-child') edge(link.child, link.parent);
  for (const c of plan.changes) {
    servers.add(c.server);
    if (!isEntryChange(c)) continue;
    if (c.type === 'parent') edge(c.server, c.neighbor);
    else if (c.type === 'child') edge(c.neighbor, c.server);
  }
  const parentsOf = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const [parent, set] of children) {
    waiting.set(parent, set.size);
    for (const child of set) parentsOf.set(child, [...(parentsOf.get(child) ?? []), parent]);
  }
  const ready = new NameHeap();
  for (const s of servers) if (!waiting.get(s)) ready.push(s);
  const out: string[] = [];
  const placed = new Set<string>();
  while (placed.size < servers.size) {
    // A hierarchy cycle (which validation rejects) leaves no server ready: break it by name.
    const next = ready.pop() ?? [...servers].filter((s) => !placed.has(s)).sort(byName)[0]!;
    if (placed.has(next)) continue;
    placed.add(next);
    out.push(next);
    for (const parent of parentsOf.get(next) ?? []) {
      const left = (waiting.get(parent) ?? 0) - 1;
      waiting.set(parent, left);
      if (left === 0 && !placed.has(parent)) ready.push(parent);
    }
  }
  return out;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A min-heap of server names, so ordering thousands of servers stays O(n log n). */
class NameHeap {
  private readonly items: string[] = [];

  push(name: string): void {
    const a = this.items;
    a.push(name);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  pop(): string | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/** What one step needs to know about the two servers of an entry. */
interface FieldContext {
  readonly topology?: Topology;
  readonly server: string;
  readonly neighbor: string;
  /** The server holding the entry is v10 and its neighbor v11+ (the vendor's interop case). */
  readonly v10Side: boolean;
  /** The neighbor is v10 and the server holding the entry v11+. */
  readonly v10Neighbor: boolean;
}

function fieldContext(
  topology: Topology | undefined,
  server: string,
  neighbor: string,
  neighborPublicKey: unknown,
): FieldContext {
  const self = topology?.servers.get(server)?.version;
  const other = topology?.servers.get(neighbor)?.version;
  // Without the topology the entry tells: only a v10 server's entry holds a neighbor's public key.
  const v10Side =
    self !== undefined && other !== undefined
      ? self === 10 && other >= 11
      : neighborPublicKey !== null && neighborPublicKey !== undefined;
  const v10Neighbor = self !== undefined && other !== undefined && other === 10 && self >= 11;
  return { topology, server, neighbor, v10Side, v10Neighbor };
}

function certificatePaths(fc: FieldContext, field: string): readonly string[] | undefined {
  const owner = field === 'ownCertificates' ? fc.server : fc.neighbor;
  return fc.topology?.servers.get(owner)?.certificates;
}

function publicKeyText(fc: FieldContext, value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  const file = fc.topology?.servers.get(fc.neighbor)?.publicKey;
  return file ? `${file} (the public key of ${fc.neighbor})` : `the public key of ${fc.neighbor}`;
}

/** Where a certificate for a v10 neighbor comes from, as the vendor's guide says. */
function v10CertificateNote(fc: FieldContext): string {
  return `for the v10 server ${fc.neighbor} this is a certificate generated from ${fc.neighbor}'s private key with the \`drwsign\` utility (\`gencert\` command) of the Dr.Web Server 11+ distribution`;
}

/** The Certificates lines of a new entry; a v10 server's dialog asks for a public key instead. */
function certificateLines(fc: FieldContext, after: Readonly<Record<string, unknown>>): string[] {
  if (fc.v10Side)
    return [
      `${FIELD_LABELS.neighborPublicKey}: ${publicKeyText(fc, after.neighborPublicKey)} — a v10 server takes the public key of its v11+ neighbor and has no certificate fields to fill in`,
    ];
  const lines = [
    `${FIELD_LABELS.ownCertificates}: ${certificatesText(certificatePaths(fc, 'ownCertificates'), after.ownCertificates)}`,
    `${FIELD_LABELS.neighborCertificates}: ${certificatesText(certificatePaths(fc, 'neighborCertificates'), after.neighborCertificates)}${fc.v10Neighbor ? ` — ${v10CertificateNote(fc)}` : ''}`,
  ];
  if (after.neighborPublicKey !== null && after.neighborPublicKey !== undefined)
    lines.push(`${FIELD_LABELS.neighborPublicKey}: ${publicKeyText(fc, after.neighborPublicKey)}`);
  return lines;
}

function connectionText(connection: unknown, period: unknown): string {
  return connection === 'periodic'
    ? `periodic${period ? `, reconnect every ${plain(period)}` : ''}`
    : plain(connection);
}

/** The Send/Receive flags of one flow section, as steps to take. */
function flagsText(dir: unknown): string {
  const f = FLOW_FLAGS[dir as FlowDirection];
  if (!f) return plain(dir);
  if (f.send === f.receive) return `${f.send ? 'set' : 'clear'} Send and Receive`;
  return f.send ? 'set Send, clear Receive' : 'clear Send, set Receive';
}

/** The flags that differ between two directions of one flow, as steps to take. */
function flagChanges(before: unknown, after: unknown): string {
  const b = FLOW_FLAGS[before as FlowDirection] ?? FLOW_FLAGS.none;
  const a = FLOW_FLAGS[after as FlowDirection];
  if (!a) return `change from ${plain(before)} to ${plain(after)}`;
  const steps: string[] = [];
  if (a.send !== b.send) steps.push(`${a.send ? 'set' : 'clear'} Send`);
  if (a.receive !== b.receive) steps.push(`${a.receive ? 'set' : 'clear'} Receive`);
  return steps.join(', ');
}

function notificationKinds(neighbor: string): string {
  return `you are notified of the events ${neighbor} sends: ${NEIGHBOR_NOTIFICATION_KINDS.join(', ')} (the vendor's guide warns that there may be very many)`;
}

/**
 * The notification lines of a new entry. avnet keeps the flag on the side that receives the
 * events (the parent of a parent/child link); the vendor's guide describes it in both dialogs
 * (docs/topology.md, "Notifications"), so both sides say what to do if the console disagrees.
 */
function notificationLines(fc: FieldContext, notify: boolean, type: NeighborType | undefined) {
  const label = NOTIFY_LABEL;
  if (notify) {
    const lines = [`${label}: on — ${notificationKinds(fc.neighbor)}`];
    if (type === 'child')
      lines.push(
        `If this dialog has that option disabled, leave it and set it instead in ${fc.neighbor}'s Parent entry for ${fc.server}, where the vendor's guide also describes it`,
      );
    return lines;
  }
  const link = findLink(fc.topology, fc.server, fc.neighbor);
  if (
    type === 'parent' &&
    link?.kind === 'parent-child' &&
    (link.notify ?? []).includes(link.parent)
  )
    return [
      `${label}: off — ${fc.neighbor} receives this server's events and is notified of them (its Child entry for ${fc.server} has the option on). If ${fc.neighbor}'s dialog has that option disabled, set it here instead, as the vendor's guide describes it for this dialog`,
    ];
  return [`${label}: off`];
}

/** Lines describing the values of a new entry (`Label: value`), in the dialog's order. */
function createLines(
  fc: FieldContext,
  after: Readonly<Record<string, unknown>>,
  type: NeighborType | undefined,
): string[] {
  const lines: string[] = [];
  lines.push(`Type: ${type ? TYPE_LABELS[type] : plain(after.type)}`);
  lines.push(`Name: ${fc.neighbor}`);
  lines.push(`Password: ${passwordSource(fc.topology, fc.server, fc.neighbor)}`);
  lines.push(...certificateLines(fc, after));
  lines.push(
    after.address === null || after.address === undefined
      ? `Address: leave empty (${fc.neighbor} connects to this server)`
      : `Address: ${plain(after.address)}`,
  );
  if (after.consoleUrl !== null && after.consoleUrl !== undefined)
    lines.push(`${FIELD_LABELS.consoleUrl}: ${plain(after.consoleUrl)}`);
  lines.push(
    `${FIELD_LABELS.connection}: ${connectionText(after.connection, after.reconnectPeriod)}`,
  );
  lines.push(`Encryption: ${plain(after.encryption)}`);
  lines.push(`Compression: ${plain(after.compression)}`);
  for (const [k, v] of Object.entries(record(after.licenses)))
    if (v !== undefined) lines.push(`${LICENSE_LABELS[k] ?? k}: ${plain(v)}`);
  const flows = record(after.flows);
  const fixed = type === 'parent' || type === 'child';
  for (const k of Object.keys(FLOW_LABELS))
    lines.push(
      fixed
        ? `${FLOW_LABELS[k]}: ${FLOW_VALUES[String(flows[k])] ?? plain(flows[k])} (${FIXED_BY_TYPE})`
        : `${FLOW_LABELS[k]}: ${flagsText(flows[k])}`,
    );
  lines.push(...notificationLines(fc, after.notify === true, type));
  const restrictions = record(after.restrictions);
  for (const k of Object.keys(RESTRICTION_LABELS)) {
    const sent = flows[k] === 'send' || flows[k] === 'both';
    const windows = restrictions[k];
    if (Array.isArray(windows) && windows.length > 0)
      lines.push(`${RESTRICTION_LABELS[k]}: ${plain(windows)}`);
    else if (sent) lines.push(`${RESTRICTION_LABELS[k]}: none`);
  }
  return lines;
}

/** Lines describing one changed field of an existing entry (`Label: change from A to B`). */
function updateLines(fc: FieldContext, f: FieldChange, type: NeighborType | undefined): string[] {
  const change = (label: string, before: string, after: string) =>
    `${label}: change from ${before} to ${after}`;
  switch (f.field) {
    case 'managedBy':
      return []; // avnet's ownership marker: nothing to set in the Control Center
    case 'password':
      return [
        `Password: enter the new password, ${passwordSource(fc.topology, fc.server, fc.neighbor)}`,
      ];
    case 'type':
      return [
        change(
          'Type',
          TYPE_LABELS[f.before as NeighborType] ?? plain(f.before),
          TYPE_LABELS[f.after as NeighborType] ?? plain(f.after),
        ),
      ];
    case 'ownCertificates':
    case 'neighborCertificates':
      // A v10 server's dialog has no certificate fields; its neighbor's public key stands in.
      if (fc.v10Side) return [];
      return [
        `${FIELD_LABELS[f.field]}: replace ${describePems(f.before)} with ${certificatesText(certificatePaths(fc, f.field), f.after)}${f.field === 'neighborCertificates' && fc.v10Neighbor ? ` — ${v10CertificateNote(fc)}` : ''}`,
      ];
    case 'neighborPublicKey':
      return [
        f.after === null || f.after === undefined
          ? `${FIELD_LABELS.neighborPublicKey}: remove it`
          : `${FIELD_LABELS.neighborPublicKey}: set it to ${publicKeyText(fc, f.after)}`,
      ];
    case 'notify':
      return [
        f.after === true
          ? `${change(NOTIFY_LABEL, plain(f.before), 'on')} — ${notificationKinds(fc.neighbor)}`
          : change(NOTIFY_LABEL, plain(f.before), plain(f.after)),
      ];
    case 'flows': {
      const before = record(f.before);
      const after = record(f.after);
      const fixed = type === 'parent' || type === 'child';
      return Object.keys(FLOW_LABELS)
        .filter((k) => (before[k] ?? null) !== (after[k] ?? null))
        .map((k) =>
          fixed
            ? `${change(FLOW_LABELS[k]!, FLOW_VALUES[String(before[k])] ?? plain(before[k]), FLOW_VALUES[String(after[k])] ?? plain(after[k]))} (${FIXED_BY_TYPE}: if the Control Center shows it otherwise, delete this neighbor and create it again)`
            : `${FLOW_LABELS[k]}: ${flagChanges(before[k], after[k])}`,
        );
    }
    case 'licenses':
    case 'restrictions': {
      const before = record(f.before);
      const after = record(f.after);
      const labels = f.field === 'licenses' ? LICENSE_LABELS : RESTRICTION_LABELS;
      const keys = [
        ...new Set([...Object.keys(labels), ...Object.keys(before), ...Object.keys(after)]),
      ];
      return keys
        .filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
        .map((k) => change(labels[k] ?? `${f.field} ${k}`, plain(before[k]), plain(after[k])));
    }
    default:
      return [change(FIELD_LABELS[f.field] ?? f.field, plain(f.before), plain(f.after))];
  }
}

/** The step for a change of the server itself: the protocol module, or a restart. */
function serverStepFor(c: ServerStep): { head: string; items: string[] } {
  return c.action === 'enable-protocol'
    ? {
        head: 'Administration → Dr.Web Server configuration → Modules → enable "Dr.Web Server protocol" → Save.',
        items: [],
      }
    : {
        head: `Administration → Dr.Web Server → Restart, and wait until ${c.server} is back online (${c.reason}).`,
        items: [],
      };
}

/** The numbered step (first line) and its sub-items for one change. */
function stepFor(
  c: PlanChange,
  topology: Topology | undefined,
): { head: string; items: string[]; then?: string } {
  if (!isEntryChange(c)) return serverStepFor(c);
  const neighbor = `${c.neighbor} (${TYPE_LABELS[c.type]})`;
  const fields = c.action === 'delete' ? [] : c.fields;
  const publicKey = fields.find((f) => f.field === 'neighborPublicKey');
  const fc = fieldContext(topology, c.server, c.neighbor, publicKey?.after);
  switch (c.action) {
    case 'create': {
      const after: Record<string, unknown> = {};
      for (const f of c.fields) if (!f.sensitive) after[f.field] = f.after;
      const folder = `the ${TYPE_FOLDERS[c.type]} folder`;
      return {
        head: 'Anti-virus Network → Add a network object → Create neighbor, with:',
        items: createLines(fc, after, c.type),
        then: `Then Save. ${c.neighbor} appears in ${folder} of the network tree, and in Offline until it connects.`,
      };
    }
    case 'update': {
      const items = c.fields.flatMap((f) => updateLines(fc, f, c.type));
      return {
        head: `Anti-virus Network → select the server ${c.server} → neighbor ${neighbor} → Edit:`,
        items:
          items.length > 0
            ? items
            : ['nothing to change in the Control Center (only fields a v10 server does not have)'],
        then: 'Then Save.',
      };
    }
    case 'delete':
      return {
        head: `Anti-virus Network → select the server ${c.server} → neighbor ${neighbor} → Delete neighbor (${c.reason}).`,
        items: [],
      };
  }
}

function serverHeading(server: string, topology: Topology | undefined): string {
  const spec = topology?.servers.get(server);
  const where = spec?.consoleUrl
    ? ` (Control Center ${spec.consoleUrl})`
    : topology && !spec
      ? ' (no longer in the topology)'
      : '';
  return `### ${server}${where}`;
}

/** The changes of one part, grouped per server in the order the part goes through them. */
function partSteps(
  plan: Plan,
  phase: ApplyPhase,
  order: ReadonlyMap<string, number>,
): PlanChange[] {
  const changes = plan.changes.filter((c) => applyPhaseOf(c) === phase);
  if (phase !== 'entries') return changes; // apply's order: by server name
  const rank = (s: string) => order.get(s) ?? Number.MAX_SAFE_INTEGER;
  // A stable sort keeps each server's own changes in the plan's order.
  return [...changes].sort((a, b) => rank(a.server) - rank(b.server) || byName(a.server, b.server));
}

/** Servers whose Name must match the topology: every server that gets a step, and its neighbors. */
function namedServers(plan: Plan, topology: Topology | undefined): string[] {
  const names = new Set<string>();
  for (const c of plan.changes) {
    if (applyPhaseOf(c) === 'deletions') continue;
    names.add(c.server);
    if (isEntryChange(c)) names.add(c.neighbor);
  }
  return [...names].filter((n) => !topology || topology.servers.has(n)).sort(byName);
}

/** Renders the plan as numbered manual steps in the Control Center, in the vendor's order. */
export function formatPlanRunbook(plan: Plan, ctx: PlanRunbookContext = {}): string {
  const { topology } = ctx;
  const out: string[] = [];
  out.push(`# Runbook: apply the avnet plan by hand${topology?.name ? ` (${topology.name})` : ''}`);
  out.push('');
  out.push(
    `Topology: ${plan.topology.file}${plan.topology.sha256 ? ` (sha256 ${plan.topology.sha256.slice(0, 12)})` : ''}`,
  );
  if (plan.targets && plan.targets.length > 0)
    out.push(`Limited to the servers: ${plan.targets.join(', ')}`);
  out.push(planSummaryLine(plan));
  out.push('');
  if (plan.errors.length > 0) {
    out.push('WARNING: these servers could not be read, so nothing is planned for them:');
    for (const e of plan.errors) out.push(`- ${e.server}: ${e.message}`);
    out.push('');
  }
  const entriesChange = plan.changes.some((c) => applyPhaseOf(c) === 'entries');
  if (plan.changes.length === 0) {
    out.push(
      plan.errors.length > 0
        ? planHeadline(plan)
        : 'No changes. The actual state matches the topology; there is nothing to do.',
    );
  } else {
    out.push(
      'Follow the steps below in the Dr.Web Security Control Center of each server, in the order',
      'given; they follow the vendor\'s procedure "Setting Connections between Several Dr.Web',
      'Servers". First the server protocol and restarts on every server, then the neighbor',
      'entries, children first (a child adds its parent before the parent adds the child), and',
      'the deletions last, so that no link goes missing in between. Within each part, finish one',
      'server before moving to the next.',
      '',
      'Passwords are never written here: each step names where the topology keeps the',
      "link's password (an environment variable, a file, or an inline value); both servers of",
      'a link take the same password.',
      '',
      entriesChange
        ? 'When every step is done, wait until every neighbor is online, then run `avnet plan`'
        : 'When every step is done, run `avnet plan` again with the same topology and backend;',
      entriesChange
        ? 'again with the same topology and backend; it should print "No changes".'
        : 'it should print "No changes".',
    );
  }
  if (plan.unmanaged.length > 0) {
    out.push('');
    out.push('Leave these entries alone (they are not managed by avnet):');
    for (const u of plan.unmanaged) out.push(`- ${u.server}: ${u.neighbor}`);
  }
  let n = 0;
  const step = (head: string, items: readonly string[] = [], then?: string) => {
    const marker = `${++n}. `;
    out.push(marker + head);
    const indent = ' '.repeat(marker.length);
    for (const item of items) out.push(`${indent}- ${item}`);
    if (then) out.push(`${indent}${then}`);
  };
  if (plan.changes.length > 0) {
    const servers = [...new Set(plan.changes.map((c) => c.server))]
      .filter((s) => !topology || topology.servers.has(s))
      .sort(byName);
    const named = namedServers(plan, topology);
    out.push('', '## Before you start', '');
    if (servers.length > 0)
      step(`Make sure that every server below operates normally: ${servers.join(', ')}.`);
    if (named.length > 0)
      step(
        `On each server, Administration → Dr.Web Server configuration → General → Name must be exactly the server's name in the topology, because neighbors are matched by name: ${named.join(', ')}.`,
      );
  }
  const order = new Map(childrenFirstOrder(plan, topology).map((s, i) => [s, i]));
  let part = 0;
  const phases = PHASES.filter((p) => plan.changes.some((c) => applyPhaseOf(c) === p.phase));
  for (const { phase, title } of phases) {
    out.push('', `## Part ${++part} of ${phases.length}: ${title}`);
    let server: string | undefined;
    for (const c of partSteps(plan, phase, order)) {
      if (c.server !== server) {
        server = c.server;
        out.push('', serverHeading(server, topology), '');
      }
      const s = stepFor(c, topology);
      step(s.head, s.items, s.then);
    }
  }
  if (n > 0) {
    out.push('', '## Check', '');
    if (entriesChange) {
      step(
        'In the Control Center of each server above, Anti-virus Network: wait until every neighbor set up above has moved from the Offline folder to Online (usually not more than a minute; press F5 to refresh). A neighbor that stays offline: check the password, the certificates and the address on both of its servers.',
      );
      const api = topology
        ? [...topology.servers.values()].filter((s) => s.api !== undefined).map((s) => s.name)
        : [];
      if (!topology || api.length > 0)
        step(
          `Where the servers have a management API${api.length > 0 ? ` (${api.join(', ')})` : ''}, run \`avnet status\`: it shows every link online, or offline with the reason.`,
        );
    }
    step(
      'Run `avnet plan` again. Expect: "No changes". (It compares the configuration, not whether the links are up.)',
    );
  }
  // Names reach many places in the text: every line shows invisible and bidi characters as
  // ⟨U+XXXX⟩, so a look-alike name reads as what it is.
  return out.map(visibleText).join('\n') + '\n';
}
