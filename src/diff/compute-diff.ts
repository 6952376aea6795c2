/**
 * The pure core of `avnet diff`: two loaded topologies in, plain data out. Servers are matched
 * by name, links by the unordered pair of server names, so a link whose direction flips (or that
 * becomes a peer link) is a change of `type`, not a removal and an addition.
 */
import { createHash } from 'node:crypto';
import type { LoadedTopology } from '../load/index.js';
import {
  dialingSides,
  effectiveConnection,
  effectivePolicy,
  formatHostPort,
  linkEnds,
  linkLabel,
  pairKey,
  parseAddress,
  parseDuration,
  parseScheduleWindow,
  type FlowKind,
  type LinkSpec,
  type PeerFlow,
  type SecretRef,
  type ServerSpec,
  type Topology,
} from '../model/index.js';
import { buildCertificateIndex, type CertificateIndex } from '../validate/index.js';
import {
  DIFF_FORMAT_VERSION,
  type CertificateValue,
  type DiffSourceInfo,
  type DiffValue,
  type FieldChange,
  type LinkChange,
  type LinkEntry,
  type LinkTypeValue,
  type PublicKeyValue,
  type ServerChange,
  type ServerEntry,
  type TopologyDiff,
} from './diff-model.js';

/** One side as the core sees it: the loaded topology and its inspected key material. */
interface Side {
  readonly loaded: LoadedTopology;
  readonly topology: Topology;
  readonly certs: CertificateIndex;
  readonly label: string;
}

/** Compares two loaded topologies; never includes a password value in the result. */
export function computeTopologyDiff(
  oldLoaded: LoadedTopology,
  newLoaded: LoadedTopology,
): TopologyDiff {
  const before = side(oldLoaded);
  const after = side(newLoaded);
  const notes = new NoteSet();
  const matchedLinks = matchLinks(before.topology.links, after.topology.links);

  const topologyFields = diffTopologyFields(before, after, matchedLinks.pairs);
  const servers = diffServers(before, after, pairsByServer(matchedLinks.pairs), notes);
  const links = diffLinks(matchedLinks);

  const summary = {
    topology: { changed: topologyFields.length },
    servers: {
      added: servers.added.length,
      removed: servers.removed.length,
      changed: servers.changed.length,
    },
    links: {
      added: links.added.length,
      removed: links.removed.length,
      changed: links.changed.length,
    },
    differences:
      topologyFields.length > 0 ||
      servers.added.length + servers.removed.length + servers.changed.length > 0 ||
      links.added.length + links.removed.length + links.changed.length > 0,
  };
  return {
    version: DIFF_FORMAT_VERSION,
    old: sourceInfo(oldLoaded),
    new: sourceInfo(newLoaded),
    topology: { fields: topologyFields },
    servers,
    links,
    notes: notes.list(),
    summary,
  };
}

function side(loaded: LoadedTopology): Side {
  return {
    loaded,
    topology: loaded.topology,
    certs: buildCertificateIndex(loaded.topology, loaded.files),
    label: loaded.source.displayPath,
  };
}

function sourceInfo(loaded: LoadedTopology): DiffSourceInfo {
  return {
    path: loaded.source.displayPath,
    sha256: loaded.source.sha256,
    servers: loaded.topology.servers.size,
    links: loaded.topology.links.length,
  };
}

/** Notes in insertion order, without repeats. */
class NoteSet {
  private readonly notes = new Set<string>();
  add(note: string): void {
    this.notes.add(note);
  }
  list(): string[] {
    return [...this.notes];
  }
}

// ---------------------------------------------------------------------------------------------
// Field comparison helpers

/**
 * Collects field changes. `key` is what is compared (a canonical form, so `main` and
 * `main:2193` are the same address); `value` is what is shown.
 */
class FieldList {
  readonly fields: FieldChange[] = [];

  compare(field: string, before: DiffValue, after: DiffValue, key = canonicalKey): FieldChange[] {
    if (key(before) !== key(after)) this.fields.push({ field, before, after });
    return this.fields;
  }

  push(change: FieldChange): void {
    this.fields.push(change);
  }
}

function canonicalKey(v: DiffValue): string {
  return JSON.stringify(v);
}

function orNull<T extends DiffValue>(v: T | undefined): T | null {
  return v === undefined ? null : v;
}

/** Addresses compare as endpoints; an unparseable one compares as written. */
function addressKey(v: DiffValue): string {
  if (typeof v !== 'string') return canonicalKey(v);
  const hp = parseAddress(v);
  return hp ? `addr:${formatHostPort(hp)}` : `raw:${v}`;
}

/** Durations compare by length: `60m` equals `1h`. */
function durationKey(v: DiffValue): string {
  if (typeof v !== 'string') return canonicalKey(v);
  const s = parseDuration(v);
  return s === null ? `raw:${v}` : `dur:${s}`;
}

/** Lists whose order carries no meaning compare as sorted sets. */
function setKey(v: DiffValue): string {
  if (!Array.isArray(v)) return canonicalKey(v);
  return JSON.stringify([...new Set((v as DiffValue[]).map((x) => canonicalKey(x)))].sort());
}

/** Restriction windows compare by the days and times they cover. */
function scheduleSetKey(v: DiffValue): string {
  if (!Array.isArray(v)) return canonicalKey(v);
  const keys = (v as DiffValue[]).map((w) => {
    if (typeof w !== 'string') return canonicalKey(w);
    const parsed = parseScheduleWindow(w);
    return 'error' in parsed
      ? `raw:${w}`
      : `win:${parsed.days.join(',')}:${parsed.startMinute}-${parsed.endMinute}`;
  });
  return JSON.stringify([...new Set(keys)].sort());
}

/** An empty list means the same as no list. */
function list(v: readonly string[] | undefined): string[] | null {
  return v === undefined || v.length === 0 ? null : [...v];
}

// ---------------------------------------------------------------------------------------------
// Topology-wide fields

function diffTopologyFields(before: Side, after: Side, pairs: readonly LinkPair[]): FieldChange[] {
  const f = new FieldList();
  const b = before.topology;
  const a = after.topology;
  f.compare('name', orNull(b.name), orNull(a.name));
  for (const field of ['encryption', 'compression'] as const) {
    const bv = orNull(b.defaults[field]);
    const av = orNull(a.defaults[field]);
    if (bv === av) continue;
    // Links that take the value from defaults (or the built-in `possible`) on either side change.
    const affected = pairs.filter(([ol, nl]) =>
      linkEnds(nl).some((server) => {
        const o = effectivePolicy(b, ol, server, field);
        const n = effectivePolicy(a, nl, server, field);
        return o.value !== n.value && (fromDefaults(o.source) || fromDefaults(n.source));
      }),
    ).length;
    f.push({ field: `defaults.${field}`, before: bv, after: av, affectedLinks: affected });
  }
  const bc = orNull(b.defaults.connection);
  const ac = orNull(a.defaults.connection);
  if (bc !== ac) {
    const affected = pairs.filter(
      ([ol, nl]) =>
        ol.connection === undefined &&
        nl.connection === undefined &&
        effectiveConnection(b, ol) !== effectiveConnection(a, nl),
    ).length;
    f.push({ field: 'defaults.connection', before: bc, after: ac, affectedLinks: affected });
  }
  return f.fields;
}

function fromDefaults(source: string): boolean {
  return source === 'defaults' || source === 'built-in';
}

// ---------------------------------------------------------------------------------------------
// Servers

type LinkPair = readonly [LinkSpec, LinkSpec];

/** Matched links by the servers of their new version, so per-server effects stay linear. */
function pairsByServer(pairs: readonly LinkPair[]): ReadonlyMap<string, LinkPair[]> {
  const out = new Map<string, LinkPair[]>();
  for (const pair of pairs) {
    for (const server of new Set(linkEnds(pair[1]))) {
      let list = out.get(server);
      if (!list) out.set(server, (list = []));
      list.push(pair);
    }
  }
  return out;
}

function diffServers(
  before: Side,
  after: Side,
  pairs: ReadonlyMap<string, LinkPair[]>,
  notes: NoteSet,
): TopologyDiff['servers'] {
  const added: ServerEntry[] = [];
  const removed: ServerEntry[] = [];
  const changed: ServerChange[] = [];
  for (const [name, s] of after.topology.servers) {
    const old = before.topology.servers.get(name);
    if (!old) {
      added.push(serverEntry(after, s));
      continue;
    }
    const fields = diffServer(before, old, after, s, pairs.get(name) ?? [], notes);
    if (fields.length > 0) changed.push({ name, fields });
  }
  for (const [name, s] of before.topology.servers) {
    if (!after.topology.servers.has(name)) removed.push(serverEntry(before, s));
  }
  return { added, removed, changed };
}

function serverEntry(sd: Side, s: ServerSpec): ServerEntry {
  return {
    name: s.name,
    address: orNull(s.address),
    version: s.version,
    certificates: certificateValues(sd, s),
  };
}

function certificateValues(sd: Side, s: ServerSpec): CertificateValue[] {
  return s.certificates.map((path) => {
    const info = sd.certs.certificates.get(path);
    return {
      path,
      sha256: info?.ok ? info.certificates.map((c) => c.fingerprint256) : null,
    };
  });
}

/** Why a referenced file has no fingerprint, for notes. */
function unavailableReason(sd: Side, path: string): string {
  const file = sd.loaded.files.get(path);
  if (!file) return 'was not read';
  if (file.status === 'outside-root') return "is outside the topology's folder";
  if (file.status === 'error') return file.reason;
  const info = sd.certs.certificates.get(path);
  if (info && !info.ok) return info.reason;
  const key = sd.certs.publicKeys.get(path);
  if (key && !key.ok) return key.reason;
  return 'is not available';
}

function publicKeyValue(sd: Side, path: string | undefined): PublicKeyValue | null {
  if (path === undefined) return null;
  const info = sd.certs.publicKeys.get(path);
  return { path, sha256: info?.ok ? colonHex(createHash('sha256').update(info.der)) : null };
}

function colonHex(hash: ReturnType<typeof createHash>): string {
  return hash.digest('hex').toUpperCase().match(/../g)?.join(':') ?? '';
}

function diffServer(
  before: Side,
  o: ServerSpec,
  after: Side,
  n: ServerSpec,
  /** Matched links of this server. */
  pairs: readonly LinkPair[],
  notes: NoteSet,
): FieldChange[] {
  const f = new FieldList();
  f.compare('address', orNull(o.address), orNull(n.address), addressKey);
  f.compare('version', o.version, n.version);
  const cert = certificateChange(before, o, after, n, notes);
  if (cert) f.push(cert);
  const pk = publicKeyChange(before, o, after, n, notes);
  if (pk) f.push(pk);
  f.compare('consoleUrl', orNull(o.consoleUrl), orNull(n.consoleUrl));
  f.compare('api', orNull(o.api), orNull(n.api));
  for (const field of ['encryption', 'compression'] as const) {
    const bv = orNull(o[field]);
    const av = orNull(n[field]);
    if (bv === av) continue;
    const affected = pairs.filter(([ol, nl]) => {
      const ov = effectivePolicy(before.topology, ol, n.name, field);
      const nv = effectivePolicy(after.topology, nl, n.name, field);
      return ov.value !== nv.value && (ov.source === 'server' || nv.source === 'server');
    }).length;
    f.push({ field, before: bv, after: av, affectedLinks: affected });
  }
  f.compare('protocol', o.protocol, n.protocol);
  return f.fields;
}

/**
 * Certificates matter only by content: a file moved without changing is not a rotation, a file
 * rewritten in place is. When a file cannot be read on one side, that path compares by name only
 * and a note says so.
 */
function certificateChange(
  before: Side,
  o: ServerSpec,
  after: Side,
  n: ServerSpec,
  notes: NoteSet,
): FieldChange | undefined {
  const bv = certificateValues(before, o);
  const av = certificateValues(after, n);
  const paths = (vs: CertificateValue[]) => JSON.stringify(vs.map((v) => v.path).sort());
  const pathsEqual = paths(bv) === paths(av);
  const allKnown = [...bv, ...av].every((v) => v.sha256 !== null);
  let changed: boolean;
  if (allKnown) {
    const fps = (vs: CertificateValue[]) =>
      JSON.stringify(vs.flatMap((v) => v.sha256 ?? []).sort());
    changed = !pathsEqual || fps(bv) !== fps(av);
  } else {
    changed = !pathsEqual;
    for (const b of bv) {
      const a = av.find((x) => x.path === b.path);
      if (!a) continue;
      if (b.sha256 !== null && a.sha256 !== null) {
        if (JSON.stringify(b.sha256) !== JSON.stringify(a.sha256)) changed = true;
        continue;
      }
      for (const [sd, v] of [
        [before, b],
        [after, a],
      ] as const) {
        if (v.sha256 === null) {
          notes.add(
            `${sd.label}: certificate ${v.path} of server ${n.name} ${unavailableReason(sd, v.path)}; compared by path only`,
          );
        }
      }
    }
  }
  return changed ? { field: 'certificates', before: bv, after: av } : undefined;
}

function publicKeyChange(
  before: Side,
  o: ServerSpec,
  after: Side,
  n: ServerSpec,
  notes: NoteSet,
): FieldChange | undefined {
  const bv = publicKeyValue(before, o.publicKey);
  const av = publicKeyValue(after, n.publicKey);
  if (bv === null && av === null) return undefined;
  if (bv === null || av === null || bv.path !== av.path) {
    return { field: 'publicKey', before: bv, after: av };
  }
  if (bv.sha256 !== null && av.sha256 !== null) {
    return bv.sha256 === av.sha256 ? undefined : { field: 'publicKey', before: bv, after: av };
  }
  for (const [sd, v] of [
    [before, bv],
    [after, av],
  ] as const) {
    if (v.sha256 === null) {
      notes.add(
        `${sd.label}: public key ${v.path} of server ${n.name} ${unavailableReason(sd, v.path)}; compared by path only`,
      );
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Links

interface LinkMatch {
  readonly pairs: LinkPair[];
  readonly added: LinkSpec[];
  readonly removed: LinkSpec[];
  /** Occurrence number of each link among links of the same pair (1 for the usual single link). */
  readonly occurrence: Map<LinkSpec, number>;
}

/** Matches links by unordered server pair; duplicates of a pair (invalid) match in file order. */
function matchLinks(oldLinks: readonly LinkSpec[], newLinks: readonly LinkSpec[]): LinkMatch {
  const occurrence = new Map<LinkSpec, number>();
  const keyed = (links: readonly LinkSpec[]) => {
    const counts = new Map<string, number>();
    const out = new Map<string, LinkSpec>();
    for (const l of links) {
      const pk = pairKey(...linkEnds(l));
      const n = (counts.get(pk) ?? 0) + 1;
      counts.set(pk, n);
      occurrence.set(l, n);
      out.set(`${pk}\u0000${n}`, l);
    }
    return out;
  };
  const oldByKey = keyed(oldLinks);
  const newByKey = keyed(newLinks);
  const pairs: LinkPair[] = [];
  const added: LinkSpec[] = [];
  for (const [k, nl] of newByKey) {
    const ol = oldByKey.get(k);
    if (ol) pairs.push([ol, nl]);
    else added.push(nl);
  }
  const removed = [...oldByKey].filter(([k]) => !newByKey.has(k)).map(([, l]) => l);
  return { pairs, added, removed, occurrence };
}

function linkEntry(link: LinkSpec, occurrence: number): LinkEntry {
  const [a, b] = linkEnds(link);
  return {
    a,
    b,
    type: link.kind,
    label: occurrence > 1 ? `${linkLabel(link)} #${occurrence}` : linkLabel(link),
  };
}

function diffLinks(match: LinkMatch): TopologyDiff['links'] {
  const occ = (l: LinkSpec) => match.occurrence.get(l) ?? 1;
  const changed: LinkChange[] = [];
  for (const [ol, nl] of match.pairs) {
    const fields = diffLink(ol, nl);
    if (fields.length > 0) changed.push({ ...linkEntry(nl, occ(nl)), fields });
  }
  return {
    added: match.added.map((l) => linkEntry(l, occ(l))),
    removed: match.removed.map((l) => linkEntry(l, occ(l))),
    changed,
  };
}

function typeValue(link: LinkSpec): LinkTypeValue {
  return link.kind === 'parent-child'
    ? { type: 'parent-child', parent: link.parent, child: link.child }
    : { type: 'peer' };
}

/** A flow as `A->B`, `both` or `none`; a parent/child link's flows are the product's fixed ones. */
function flowValue(link: LinkSpec, kind: FlowKind): string | null {
  if (link.kind === 'parent-child') {
    return kind === 'events' ? `${link.child}->${link.parent}` : `${link.parent}->${link.child}`;
  }
  const flow: PeerFlow | undefined = link.flows?.[kind];
  if (!flow) return null;
  return flow.kind === 'one-way' ? `${flow.from}->${flow.to}` : flow.kind;
}

/** The side that dials, or `both`. */
function dialValue(link: LinkSpec): string {
  const sides = dialingSides(link);
  return sides.length > 1 ? 'both' : (sides[0] ?? '');
}

function describeSecret(ref: SecretRef | undefined): string | null {
  if (!ref) return null;
  return ref.kind === 'env'
    ? `env ${ref.name}`
    : ref.kind === 'file'
      ? `file ${ref.path}`
      : 'inline value';
}

/** A password change, by reference; two different inline values show as a sensitive change. */
function passwordChange(o: SecretRef | undefined, n: SecretRef | undefined): FieldChange | null {
  const bv = describeSecret(o);
  const av = describeSecret(n);
  if (o?.kind === 'inline' && n?.kind === 'inline') {
    return o.value === n.value
      ? null
      : { field: 'password', before: bv, after: av, sensitive: true };
  }
  return bv === av ? null : { field: 'password', before: bv, after: av };
}

function diffLink(o: LinkSpec, n: LinkSpec): FieldChange[] {
  const f = new FieldList();
  f.compare('type', typeValue(o), typeValue(n));
  if (o.kind === 'parent-child' || n.kind === 'parent-child') {
    f.compare(
      'address',
      o.kind === 'parent-child' ? orNull(o.address) : null,
      n.kind === 'parent-child' ? orNull(n.address) : null,
      addressKey,
    );
  }
  // A parent/child link's dialing side and flows follow from its type; they are shown only
  // where a peer link is involved, so a direction flip stays one line.
  if (o.kind === 'peer' || n.kind === 'peer') {
    f.compare('dial', dialValue(o), dialValue(n));
    for (const kind of ['updates', 'events', 'licenses'] as const) {
      f.compare(`flows.${kind}`, flowValue(o, kind), flowValue(n, kind));
    }
  }
  const pw = passwordChange(o.password, n.password);
  if (pw) f.push(pw);
  f.compare('encryption', orNull(o.encryption), orNull(n.encryption));
  f.compare('compression', orNull(o.compression), orNull(n.compression));
  f.compare('connection', orNull(o.connection), orNull(n.connection));
  f.compare('reconnectPeriod', orNull(o.reconnectPeriod), orNull(n.reconnectPeriod), durationKey);
  for (const k of ['validity', 'renewBefore', 'syncPeriod'] as const) {
    f.compare(`licenses.${k}`, orNull(o.licenses?.[k]), orNull(n.licenses?.[k]), durationKey);
  }
  f.compare('notify', list(o.notify), list(n.notify), setKey);
  for (const k of ['updates', 'events'] as const) {
    f.compare(
      `restrictions.${k}`,
      list(o.restrictions?.[k]),
      list(n.restrictions?.[k]),
      scheduleSetKey,
    );
  }
  return f.fields;
}
