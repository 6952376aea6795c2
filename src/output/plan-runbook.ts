/**
 * `--format runbook`: the plan as numbered steps an administrator follows in the Dr.Web Security
 * Control Center, for servers avnet cannot reach. Steps come in apply order (protocol and
 * restarts on every server, then entries to create and change, then deletions: see
 * src/apply/apply-plan.ts), one server at a time. Passwords are named by reference only (the
 * topology's `env`/`file` reference); the `entry` of a change, which holds the value, is never read.
 */
import { X509Certificate } from 'node:crypto';
import type {
  FieldChange,
  LinkSpec,
  NeighborType,
  Plan,
  PlanChange,
  Topology,
} from '../model/index.js';
import { applyPhaseOf, linkEnds, linkLabel, pairKey, type ApplyPhase } from '../model/index.js';
import { describeSecretRef } from '../load/secrets.js';
import { describePems, planSummaryLine } from './plan-text.js';

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

const FLOW_VALUES: Readonly<Record<string, string>> = {
  send: 'send',
  receive: 'receive',
  both: 'send and receive',
  none: 'off',
};

const RESTRICTION_LABELS: Readonly<Record<string, string>> = {
  updates: 'Updates restrictions (no updates sent during)',
  events: 'Events restrictions (no events sent during)',
};

const FIELD_LABELS: Readonly<Record<string, string>> = {
  type: 'Type',
  password: 'Password',
  address: 'Address',
  ownCertificates: "Dr.Web Server certificates (this server's own)",
  neighborCertificates: "Neighbor's certificates",
  neighborPublicKey: "Neighbor's public key",
  consoleUrl: 'Control Center URL',
  connection: 'Connection type',
  reconnectPeriod: 'Reconnect period',
  encryption: 'Encryption',
  compression: 'Compression',
  notify: 'Notifications',
};

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

/** The Control Center's wording of one field of an entry, as lines `Label: value`. */
interface FieldContext {
  readonly topology?: Topology;
  readonly server: string;
  readonly neighbor: string;
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

/** Lines describing a value set on a new entry (`Label: value`). */
function createLines(
  fc: FieldContext,
  after: Readonly<Record<string, unknown>>,
  type: NeighborType | undefined,
): string[] {
  const lines: string[] = [];
  lines.push(`Type: ${type ? TYPE_LABELS[type] : plain(after.type)}`);
  lines.push(`Name: ${fc.neighbor}`);
  lines.push(`Password: ${passwordSource(fc.topology, fc.server, fc.neighbor)}`);
  for (const field of ['ownCertificates', 'neighborCertificates'] as const)
    lines.push(
      `${FIELD_LABELS[field]}: ${certificatesText(certificatePaths(fc, field), after[field])}`,
    );
  if (after.neighborPublicKey !== null && after.neighborPublicKey !== undefined)
    lines.push(`${FIELD_LABELS.neighborPublicKey}: ${publicKeyText(fc, after.neighborPublicKey)}`);
  lines.push(
    after.address === null || after.address === undefined
      ? `Address: leave empty (${fc.neighbor} connects to this server)`
      : `Address: ${plain(after.address)}`,
  );
  if (after.consoleUrl !== null && after.consoleUrl !== undefined)
    lines.push(`Control Center URL: ${plain(after.consoleUrl)}`);
  lines.push(
    after.connection === 'periodic'
      ? `Connection type: periodic${after.reconnectPeriod ? `, reconnect every ${plain(after.reconnectPeriod)}` : ''}`
      : `Connection type: ${plain(after.connection)}`,
  );
  lines.push(`Encryption: ${plain(after.encryption)}`);
  lines.push(`Compression: ${plain(after.compression)}`);
  const licenses = Object.entries(record(after.licenses)).filter(([, v]) => v !== undefined);
  if (licenses.length > 0)
    lines.push(
      `License periods: ${licenses.map(([k, v]) => `${LICENSE_LABELS[k] ?? k} ${plain(v)}`).join('; ')}`,
    );
  const flows = record(after.flows);
  lines.push(
    `Flows: ${Object.keys(FLOW_LABELS)
      .map((k) => `${FLOW_LABELS[k]} ${FLOW_VALUES[String(flows[k])] ?? plain(flows[k])}`)
      .join(', ')}`,
  );
  lines.push(`Notifications: ${plain(after.notify ?? false)}`);
  const restrictions = Object.entries(record(after.restrictions)).filter(
    ([, v]) => Array.isArray(v) && v.length > 0,
  );
  if (restrictions.length === 0) lines.push('Restrictions: none');
  for (const [k, v] of restrictions) lines.push(`${RESTRICTION_LABELS[k] ?? k}: ${plain(v)}`);
  return lines;
}

/** Lines describing one changed field of an existing entry (`Label: change from A to B`). */
function updateLines(fc: FieldContext, f: FieldChange): string[] {
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
      return [
        `${FIELD_LABELS[f.field]}: replace ${describePems(f.before)} with ${certificatesText(certificatePaths(fc, f.field), f.after)}`,
      ];
    case 'neighborPublicKey':
      return [
        f.after === null || f.after === undefined
          ? `${FIELD_LABELS.neighborPublicKey}: remove it`
          : `${FIELD_LABELS.neighborPublicKey}: set it to ${publicKeyText(fc, f.after)}`,
      ];
    case 'licenses':
    case 'flows':
    case 'restrictions': {
      const before = record(f.before);
      const after = record(f.after);
      const labels =
        f.field === 'licenses'
          ? LICENSE_LABELS
          : f.field === 'flows'
            ? FLOW_LABELS
            : RESTRICTION_LABELS;
      const keys = [
        ...new Set([...Object.keys(labels), ...Object.keys(before), ...Object.keys(after)]),
      ];
      const show = (v: unknown) =>
        f.field === 'flows' ? (FLOW_VALUES[String(v)] ?? plain(v)) : plain(v);
      return keys
        .filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
        .map((k) => change(labels[k] ?? `${f.field} ${k}`, show(before[k]), show(after[k])));
    }
    default:
      return [change(FIELD_LABELS[f.field] ?? f.field, plain(f.before), plain(f.after))];
  }
}

/** The numbered step (first line) and its sub-items for one change. */
function stepFor(
  c: PlanChange,
  topology: Topology | undefined,
): { head: string; items: string[]; then?: string } {
  const fc: FieldContext = { topology, server: c.server, neighbor: c.neighbor ?? '' };
  const neighbor = `${c.neighbor ?? ''}${c.type ? ` (${TYPE_LABELS[c.type]})` : ''}`;
  switch (c.action) {
    case 'enable-protocol':
      return {
        head: 'Administration → Dr.Web Server configuration → Modules → enable "Dr.Web Server protocol" → Save.',
        items: [],
      };
    case 'restart':
      return {
        head: `Administration → Dr.Web Server → Restart, and wait until ${c.server} is back online (${c.reason}).`,
        items: [],
      };
    case 'create': {
      const after: Record<string, unknown> = {};
      for (const f of c.fields ?? []) if (!f.sensitive) after[f.field] = f.after;
      return {
        head: `Anti-virus Network → select the server ${c.server} → Create neighbor, with:`,
        items: createLines(fc, after, c.type),
        then: 'Then Save.',
      };
    }
    case 'update':
      return {
        head: `Anti-virus Network → select the server ${c.server} → neighbor ${neighbor} → Edit:`,
        items: (c.fields ?? []).flatMap((f) => updateLines(fc, f)),
        then: 'Then Save.',
      };
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

/** Renders the plan as numbered manual steps in the Control Center, in apply order. */
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
  if (plan.changes.length === 0) {
    out.push('No changes. The actual state matches the topology; there is nothing to do.');
  } else {
    out.push(
      'Follow the steps below in the Dr.Web Security Control Center, server by server, in the',
      'order given: first the server protocol and restarts on every server, then the neighbor',
      'entries to create and change, and the deletions last, so that no link goes missing in',
      'between. Within each part, finish one server before moving to the next.',
      '',
      'Passwords are never written here: each step names where the topology keeps the',
      "link's password (an environment variable, a file, or an inline value); both servers of",
      'a link take the same password.',
      '',
      'When every step is done, run `avnet plan` again with the same topology and backend;',
      'it should print "No changes".',
    );
  }
  if (plan.unmanaged.length > 0) {
    out.push('');
    out.push('Leave these entries alone (they are not managed by avnet):');
    for (const u of plan.unmanaged) out.push(`- ${u.server}: ${u.neighbor}`);
  }
  let n = 0;
  let part = 0;
  const phases = PHASES.filter((p) => plan.changes.some((c) => applyPhaseOf(c) === p.phase));
  for (const { phase, title } of phases) {
    out.push('', `## Part ${++part} of ${phases.length}: ${title}`);
    let server: string | undefined;
    for (const c of plan.changes) {
      if (applyPhaseOf(c) !== phase) continue;
      if (c.server !== server) {
        server = c.server;
        out.push('', serverHeading(server, topology), '');
      }
      const step = stepFor(c, topology);
      const marker = `${++n}. `;
      out.push(marker + step.head);
      const indent = ' '.repeat(marker.length);
      for (const item of step.items) out.push(`${indent}- ${item}`);
      if (step.then) out.push(`${indent}${step.then}`);
    }
  }
  if (n > 0) {
    out.push('', '## Check', '');
    out.push(`${n + 1}. Run \`avnet plan\` again. Expect: "No changes".`);
  }
  return out.join('\n') + '\n';
}
