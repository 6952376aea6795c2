/** The render stage: both servers' neighbor entries for every link, as the contract's table says. */
import type {
  DesiredServerState,
  EntryLicenses,
  EntryRestrictions,
  LinkSpec,
  NeighborEntry,
  NeighborType,
  Topology,
} from '../model/index.js';
import {
  DEFAULT_SERVER_PORT,
  FLOW_KINDS,
  MANAGED_BY_AVNET,
  dialingSides,
  effectiveConnection,
  effectivePolicy,
  flowDirection,
  linkEnds,
  parseAddress,
  sends,
} from '../model/index.js';
import type { FileStore, SecretValues } from '../load/index.js';

/** What rendering needs: a valid topology, its files, and resolved passwords. */
export interface RenderInput {
  readonly topology: Topology;
  readonly files: FileStore;
  readonly secrets: SecretValues;
}

/** Normalises a PEM file's text so that whitespace-only edits are not changes. */
export function normalizePem(text: string): string {
  return text.replace(/\r\n/g, '\n').trim() + '\n';
}

/**
 * An address as the Control Center's Address field takes it, `<Server_address>:<port>`: the host
 * as written, with the Dr.Web server protocol's default port 2193 when none is given.
 */
export function withDefaultPort(address: string): string {
  // Not an address at all: validation reports it (invalid-address); render does not guess.
  if (!parseAddress(address)) return address;
  const hasPort = address.startsWith('[') ? /\]:[0-9]+$/.test(address) : address.includes(':');
  return hasPort ? address : `${address}:${DEFAULT_SERVER_PORT}`;
}

function pemTexts(files: FileStore, paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const f = files.get(p);
    if (f?.status === 'ok') out.push(normalizePem(f.text));
  }
  return out;
}

function entryType(link: LinkSpec, server: string): NeighborType {
  if (link.kind === 'peer') return 'peer';
  return server === link.parent ? 'child' : 'parent';
}

/**
 * License periods held by one side. Per the contract: the parent's entry (the donor side) holds
 * renewBefore and syncPeriod, the child's entry validity and syncPeriod; a peer entry follows the
 * side it plays (donor, receiver, or both).
 */
function entryLicenses(link: LinkSpec, server: string): EntryLicenses {
  const lic = link.licenses;
  if (!lic) return {};
  const donor = sends(link, server, 'licenses');
  const receiver =
    flowDirection(link, server, 'licenses') === 'receive' ||
    flowDirection(link, server, 'licenses') === 'both';
  const out: { validity?: string; renewBefore?: string; syncPeriod?: string } = {};
  if (receiver && lic.validity !== undefined) out.validity = lic.validity;
  if (donor && lic.renewBefore !== undefined) out.renewBefore = lic.renewBefore;
  if ((donor || receiver) && lic.syncPeriod !== undefined) out.syncPeriod = lic.syncPeriod;
  return out;
}

function entryRestrictions(link: LinkSpec, server: string): EntryRestrictions {
  const r = link.restrictions;
  if (!r) return {};
  const out: { updates?: string[]; events?: string[] } = {};
  if (r.updates && r.updates.length > 0 && sends(link, server, 'updates'))
    out.updates = [...r.updates];
  if (r.events && r.events.length > 0 && sends(link, server, 'events')) out.events = [...r.events];
  return out;
}

/** Renders the entry `server` holds for the other side of `link`. */
export function renderNeighborEntry(
  input: RenderInput,
  link: LinkSpec,
  server: string,
): NeighborEntry {
  const { topology, files, secrets } = input;
  const [a, b] = linkEnds(link);
  const other = server === a ? b : a;
  const self = topology.servers.get(server)!;
  const peer = topology.servers.get(other)!;
  const password = secrets.get(link.index);
  if (password === undefined)
    throw new Error(`password of link #${link.index + 1} is not resolved`);
  const dials = dialingSides(link).includes(server);
  const declared = !dials
    ? undefined
    : link.kind === 'parent-child'
      ? (link.address ?? peer.address)
      : peer.address;
  const address = declared === undefined ? null : withDefaultPort(declared);
  const interop = self.version === 10 && peer.version >= 11 && peer.publicKey !== undefined;
  const keyFile = interop ? files.get(peer.publicKey!) : undefined;
  const connection = effectiveConnection(topology, link);
  const flows = { updates: 'none', events: 'none', licenses: 'none' } as Record<
    (typeof FLOW_KINDS)[number],
    NeighborEntry['flows']['updates']
  >;
  for (const kind of FLOW_KINDS) flows[kind] = flowDirection(link, server, kind);
  return {
    name: other,
    type: entryType(link, server),
    password,
    ownCertificates: pemTexts(files, self.certificates),
    neighborCertificates: pemTexts(files, peer.certificates),
    neighborPublicKey: keyFile?.status === 'ok' ? normalizePem(keyFile.text) : null,
    address,
    consoleUrl: peer.consoleUrl ?? null,
    connection,
    reconnectPeriod: connection === 'periodic' ? (link.reconnectPeriod ?? null) : null,
    encryption: effectivePolicy(topology, link, server, 'encryption').value,
    compression: effectivePolicy(topology, link, server, 'compression').value,
    licenses: entryLicenses(link, server),
    flows,
    notify:
      link.kind === 'parent-child'
        ? server === link.parent && (link.notify ?? []).includes(server)
        : (link.notify ?? []).includes(server),
    restrictions: entryRestrictions(link, server),
    managedBy: MANAGED_BY_AVNET,
  };
}

/** Renders every server's desired state: its protocol and one entry per link it takes part in. */
export function renderDesiredState(input: RenderInput): Map<string, DesiredServerState> {
  const { topology } = input;
  const entries = new Map<string, NeighborEntry[]>();
  for (const name of topology.servers.keys()) entries.set(name, []);
  for (const link of topology.links) {
    const [a, b] = linkEnds(link);
    if (a === b || !topology.servers.has(a) || !topology.servers.has(b)) continue;
    entries.get(a)!.push(renderNeighborEntry(input, link, a));
    entries.get(b)!.push(renderNeighborEntry(input, link, b));
  }
  const out = new Map<string, DesiredServerState>();
  for (const [name, spec] of topology.servers) {
    const neighbors = entries
      .get(name)!
      .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    out.set(name, { name, version: spec.version, protocol: spec.protocol, neighbors });
  }
  return out;
}
