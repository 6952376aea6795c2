/**
 * Turns parsed data into the typed topology model. Tolerant by design: a value of the wrong
 * shape (already reported by the schema check) is left out, so rules can still run on the rest.
 */
import {
  DEFAULT_SERVER_VERSION,
  type ConnectionMode,
  type LinkLicenses,
  type LinkRestrictions,
  type LinkSpec,
  type PeerFlow,
  type PeerFlows,
  type SecretRef,
  type ServerSpec,
  type Topology,
  type Tri,
} from '../model/index.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function tri(v: unknown): Tri | undefined {
  return v === 'yes' || v === 'possible' || v === 'no' ? v : undefined;
}
function conn(v: unknown): ConnectionMode | undefined {
  return v === 'permanent' || v === 'periodic' ? v : undefined;
}
function strList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** Builds the topology model from schema-checked (or partly invalid) data. */
export function normalizeTopology(data: unknown): Topology {
  const root = obj(data) ?? {};
  const d = obj(root.defaults) ?? {};
  const servers = new Map<string, ServerSpec>();
  for (const [name, raw] of Object.entries(obj(root.servers) ?? {})) {
    const s = obj(raw) ?? {};
    const version =
      typeof s.version === 'number' &&
      Number.isInteger(s.version) &&
      s.version >= 10 &&
      s.version <= 13
        ? s.version
        : DEFAULT_SERVER_VERSION;
    servers.set(name, {
      name,
      address: str(s.address),
      version,
      certificates: strList(s.certificates) ?? [],
      publicKey: str(s.publicKey),
      consoleUrl: str(s.consoleUrl),
      api: str(s.api),
      encryption: tri(s.encryption),
      compression: tri(s.compression),
      protocol: s.protocol === 'disabled' ? 'disabled' : 'enabled',
    });
  }
  const links: LinkSpec[] = [];
  const rawLinks = Array.isArray(root.links) ? root.links : [];
  rawLinks.forEach((raw, index) => {
    const link = normalizeLink(obj(raw), index);
    if (link) links.push(link);
  });
  return {
    name: str(root.name),
    defaults: {
      encryption: tri(d.encryption),
      compression: tri(d.compression),
      connection: conn(d.connection),
    },
    servers,
    links,
  };
}

function normalizeLink(l: Obj | undefined, index: number): LinkSpec | undefined {
  if (!l) return undefined;
  const lic = obj(l.licenses);
  const res = obj(l.restrictions);
  const common = {
    index,
    password: secretRef(l.password),
    encryption: tri(l.encryption),
    compression: tri(l.compression),
    connection: conn(l.connection),
    reconnectPeriod: str(l.reconnectPeriod),
    licenses: lic
      ? ({
          validity: str(lic.validity),
          renewBefore: str(lic.renewBefore),
          syncPeriod: str(lic.syncPeriod),
        } satisfies LinkLicenses)
      : undefined,
    notify: strList(l.notify),
    restrictions: res
      ? ({ updates: strList(res.updates), events: strList(res.events) } satisfies LinkRestrictions)
      : undefined,
  };
  if ('peers' in l) {
    const peers = strList(l.peers);
    if (!peers || peers.length !== 2) return undefined;
    const pair = [peers[0], peers[1]] as [string, string];
    const dial = str(l.dial) ?? pair[0];
    const f = obj(l.flows);
    return {
      ...common,
      kind: 'peer',
      peers: pair,
      dial,
      flows: f
        ? ({
            updates: peerFlow(f.updates, pair),
            events: peerFlow(f.events, pair),
            licenses: peerFlow(f.licenses, pair),
          } satisfies PeerFlows)
        : undefined,
      flowText: f
        ? { updates: str(f.updates), events: str(f.events), licenses: str(f.licenses) }
        : undefined,
    };
  }
  const parent = str(l.parent);
  const child = str(l.child);
  if (parent === undefined || child === undefined) return undefined;
  return {
    ...common,
    kind: 'parent-child',
    parent,
    child,
    address: str(l.address),
    hasFlows: 'flows' in l,
  };
}

/** Parses a peer flow value; a direction naming other servers is left out (the flow rule reports it). */
export function peerFlow(v: unknown, peers: readonly [string, string]): PeerFlow | undefined {
  if (v === 'both') return { kind: 'both' };
  if (v === 'none') return { kind: 'none' };
  if (typeof v !== 'string') return undefined;
  const parts = v.split('->');
  if (parts.length !== 2) return undefined;
  const from = (parts[0] as string).trim();
  const to = (parts[1] as string).trim();
  const [a, b] = peers;
  if (from === a && to === b) return { kind: 'one-way', from: a, to: b };
  if (from === b && to === a) return { kind: 'one-way', from: b, to: a };
  return undefined;
}

function secretRef(v: unknown): SecretRef | undefined {
  if (typeof v === 'string') return v.length > 0 ? { kind: 'inline', value: v } : undefined;
  const o = obj(v);
  if (!o) return undefined;
  if (typeof o.env === 'string') return { kind: 'env', name: o.env };
  if (typeof o.file === 'string') return { kind: 'file', path: o.file };
  return undefined;
}
