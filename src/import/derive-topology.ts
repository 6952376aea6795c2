/**
 * The import stage (pure): derives a topology from servers' actual neighbor entries, so that
 * planning the derived topology against the same state changes nothing. Secrets become `env`
 * references and certificates become files; what cannot be expressed is reported as a note.
 */
import { Document, isMap, type YAMLMap } from 'yaml';
import type { NeighborEntry, ServerState, Tri } from '../model/index.js';
import { formatHostPort, parseAddress } from '../model/index.js';
import { withDefaultPort } from '../render/index.js';

/** A file the import writes next to the topology. */
export interface ImportedFile {
  readonly path: string;
  readonly text: string;
}

/** An environment variable the imported topology reads a password from. */
export interface ImportedSecret {
  readonly env: string;
  readonly a: string;
  readonly b: string;
  /** The password found on the servers (never printed; written only on request). */
  readonly value: string;
}

/** Everything an import produces. */
export interface ImportedTopology {
  readonly yaml: string;
  readonly files: readonly ImportedFile[];
  readonly secrets: readonly ImportedSecret[];
  /** Things the topology cannot express exactly, or that were skipped. */
  readonly notes: readonly string[];
}

/** Options of the import. */
export interface ImportOptions {
  /** Topology name. */
  readonly name?: string;
  /** Value of the `$schema` modeline. */
  readonly schemaRef?: string;
  /** Prefix of generated environment variable names. */
  readonly envPrefix?: string;
}

/** A file-name-safe form of a server name. */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '_');
  return s.length > 0 ? s : 'server';
}

/** An environment variable name for a link. */
export function envNameFor(prefix: string, a: string, b: string): string {
  const part = (s: string) =>
    s
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'X';
  return `${prefix}${part(a)}_${part(b)}`;
}

function mostCommon<T>(
  values: readonly T[],
  key: (v: T) => string = (v) => JSON.stringify(v),
): T | undefined {
  const counts = new Map<string, { v: T; n: number }>();
  for (const v of values) {
    const k = key(v);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { v, n: 1 });
  }
  let best: { v: T; n: number } | undefined;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best?.v;
}

interface Pair {
  a: string; // holds `ea`
  b: string;
  ea: NeighborEntry;
  eb: NeighborEntry;
}

/** Derives a topology from actual states. */
export function deriveTopology(
  states: ReadonlyMap<string, ServerState>,
  opts: ImportOptions = {},
): ImportedTopology {
  const notes: string[] = [];
  const files: ImportedFile[] = [];
  const secrets: ImportedSecret[] = [];
  const prefix = opts.envPrefix ?? 'AVNET_';
  const names = [...states.keys()].sort();

  // 1. Pair mirrored entries into links.
  const pairs: Pair[] = [];
  for (const a of names) {
    for (const ea of states.get(a)!.neighbors) {
      const other = states.get(ea.name);
      const eb = other?.neighbors.find((e) => e.name === a);
      if (!other || !eb) {
        notes.push(
          `skipped ${a}'s ${ea.type} entry for ${ea.name}: ${ea.name} has no matching entry (one-sided)`,
        );
        continue;
      }
      if (!(a < ea.name)) continue;
      const mirrored =
        (ea.type === 'peer' && eb.type === 'peer') ||
        (ea.type === 'child' && eb.type === 'parent') ||
        (ea.type === 'parent' && eb.type === 'child');
      if (!mirrored) {
        notes.push(
          `skipped the link ${a}-${ea.name}: entry types ${ea.type}/${eb.type} do not mirror`,
        );
        continue;
      }
      pairs.push({ a, b: ea.name, ea, eb });
    }
  }

  // 2. Server facts seen from the neighbors' entries.
  const certs = new Map<string, string[][]>();
  const addresses = new Map<string, string[]>();
  const consoles = new Map<string, string[]>();
  const publicKeys = new Map<string, string[]>();
  const policies = new Map<string, { encryption: Tri[]; compression: Tri[] }>();
  const add = <T>(m: Map<string, T[]>, k: string, v: T) =>
    (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const name of names) policies.set(name, { encryption: [], compression: [] });
  for (const { a, b, ea, eb } of pairs) {
    for (const [self, other, mine, theirs] of [
      [a, b, ea, eb],
      [b, a, eb, ea],
    ] as const) {
      if (mine.ownCertificates?.length) add(certs, self, [...mine.ownCertificates]);
      if (theirs.consoleUrl) add(consoles, self, theirs.consoleUrl);
      if (mine.neighborPublicKey) add(publicKeys, other, mine.neighborPublicKey);
      if (mine.encryption) policies.get(self)!.encryption.push(mine.encryption);
      if (mine.compression) policies.get(self)!.compression.push(mine.compression);
      // The side that dials holds the other's address. A child's entry may hold a link override
      // instead; the most common value becomes the server's address, the others link overrides.
      if (mine.address) {
        add(addresses, other, mine.address);
        // Render fills in the default port, so an entry typed without one will be updated.
        if (withDefaultPort(mine.address) !== mine.address)
          notes.push(
            `${self}'s entry for ${other} holds the address "${mine.address}" without a port; the next apply writes "${withDefaultPort(mine.address)}" (the Dr.Web default port)`,
          );
      }
    }
  }

  const forced = new Map<string, Tri[]>();
  for (const { a, b, ea, eb } of pairs) {
    for (const f of ['encryption', 'compression'] as const) {
      if (ea[f] && eb[f] && ea[f] !== eb[f]) {
        add(forced, `${f}:${a}`, ea[f]);
        add(forced, `${f}:${b}`, eb[f]);
      }
    }
  }

  const doc = new Document({});
  const root = doc.contents as YAMLMap;
  root.set('apiVersion', 'avnet/v1');
  root.set('kind', 'Topology');
  if (opts.name) root.set('name', opts.name);
  const serversNode = doc.createNode({}) as YAMLMap;
  const serverAddress = new Map<string, string>();
  const serverPolicy = new Map<string, { encryption?: Tri; compression?: Tri }>();
  for (const name of names) {
    const state = states.get(name)!;
    const s: Record<string, unknown> = {};
    const addr = mostCommon(addresses.get(name) ?? [], (v) => {
      const hp = parseAddress(v);
      return hp ? formatHostPort(hp) : v;
    });
    if (addr !== undefined) {
      // Written with its port, as every entry for this server will hold it.
      s.address = withDefaultPort(addr);
      serverAddress.set(name, s.address as string);
    }
    if (state.version !== 13) s.version = state.version;
    const own = mostCommon(certs.get(name) ?? []);
    if (own && (certs.get(name) ?? []).some((c) => JSON.stringify(c) !== JSON.stringify(own))) {
      notes.push(`${name}'s entries carry different own certificates; using the most common set`);
    }
    if (own) {
      s.certificates = own.map((pem, i) => {
        const p = `certs/${safeFileName(name)}${own.length > 1 ? `-${i + 1}` : ''}.pem`;
        files.push({ path: p, text: pem });
        return p;
      });
    }
    const pk = mostCommon(publicKeys.get(name) ?? []);
    if (pk) {
      const p = `keys/${safeFileName(name)}.pub`;
      files.push({ path: p, text: pk });
      s.publicKey = p;
    }
    const console = mostCommon(consoles.get(name) ?? []);
    if (console) s.consoleUrl = console;
    // A link whose two sides differ can only be stated through both servers' policies, so those
    // links force the policy; otherwise the most common value saves the most link-level values.
    const pol = policies.get(name)!;
    const policy: { encryption?: Tri; compression?: Tri } = {};
    for (const f of ['encryption', 'compression'] as const) {
      const forcedValues = forced.get(`${f}:${name}`) ?? [];
      const chosen =
        forcedValues.length > 0
          ? mostCommon(forcedValues)
          : mostCommon(['possible' as Tri, ...pol[f]]);
      if (chosen !== undefined && chosen !== 'possible') {
        policy[f] = chosen;
        s[f] = chosen;
      }
    }
    serverPolicy.set(name, policy);
    if (state.protocol === 'disabled' && state.neighbors.length === 0) s.protocol = 'disabled';
    if (state.protocol === 'disabled' && state.neighbors.length > 0) {
      notes.push(
        `${name} has neighbor entries but its protocol is disabled; the first apply will enable it and restart the server`,
      );
    }
    if (state.pendingRestart)
      notes.push(`${name} has a restart pending; the first apply will restart it`);
    serversNode.set(doc.createNode(name), doc.createNode(s));
  }
  root.set('servers', serversNode);

  // 3. Links.
  const linksNode = doc.createNode([]);
  const usedEnv = new Set<string>();
  for (const { a, b, ea, eb } of pairs) {
    const link: Record<string, unknown> = {};
    let parent: string | undefined;
    let child: string | undefined;
    if (ea.type === 'child') [parent, child] = [a, b];
    else if (ea.type === 'parent') [parent, child] = [b, a];
    if (parent !== undefined && child !== undefined) {
      link.parent = parent;
      link.child = child;
    } else {
      link.peers = [a, b];
    }
    let env = envNameFor(prefix, a, b);
    for (let i = 2; usedEnv.has(env); i++) env = `${envNameFor(prefix, a, b)}_${i}`;
    usedEnv.add(env);
    link.password = { env };
    if (ea.password !== eb.password) {
      notes.push(
        `${a} and ${b} hold different passwords (password-mismatch); ${env} must hold the one both should use, and apply will set it on both sides`,
      );
    }
    secrets.push({ env, a, b, value: ea.password ?? '' });
    const entryOf = (s: string) => (s === a ? ea : eb);
    if (parent !== undefined && child !== undefined) {
      const childEntry = entryOf(child);
      // Compared as render writes them: `main.example` and `main.example:2193` are one endpoint.
      if (childEntry.address && withDefaultPort(childEntry.address) !== serverAddress.get(parent))
        link.address = withDefaultPort(childEntry.address);
    } else {
      const dialA = Boolean(ea.address);
      const dialB = Boolean(eb.address);
      if (dialA && dialB) link.dial = 'both';
      else if (dialB) link.dial = b;
      else if (!dialA)
        notes.push(
          `peer link ${a}<->${b}: neither entry holds an address (peer-address-missing); ${a} will dial`,
        );
      const flowOf = (k: 'updates' | 'events' | 'licenses') => {
        const d = ea.flows?.[k] ?? 'none';
        return d === 'send' ? `${a}->${b}` : d === 'receive' ? `${b}->${a}` : d;
      };
      link.flows = {
        updates: flowOf('updates'),
        events: flowOf('events'),
        licenses: flowOf('licenses'),
      };
    }
    for (const f of ['encryption', 'compression'] as const) {
      const va = ea[f];
      const vb = eb[f];
      const pa = serverPolicy.get(a)?.[f] ?? 'possible';
      const pb = serverPolicy.get(b)?.[f] ?? 'possible';
      if (va === pa && vb === pb) continue;
      if (va === vb) link[f] = va;
      else
        notes.push(
          `link ${a}-${b}: ${f} is ${va} on ${a} and ${vb} on ${b}, which the topology cannot state exactly`,
        );
    }
    if (ea.connection === 'periodic') {
      link.connection = 'periodic';
      if (ea.reconnectPeriod) link.reconnectPeriod = ea.reconnectPeriod;
    }
    const lic = { ...(eb.licenses ?? {}), ...(ea.licenses ?? {}) };
    if (Object.keys(lic).length > 0) link.licenses = lic;
    // Only a side that receives events can notify (a parent, or a peer events flow towards).
    const notify = [a, b].filter((s) => {
      const e = entryOf(s);
      return (
        e.notify &&
        (e.flows?.events === 'receive' || e.flows?.events === 'both' || e.type === 'child')
      );
    });
    if (notify.length > 0) link.notify = notify;
    const restrictions: Record<string, string[]> = {};
    for (const k of ['updates', 'events'] as const) {
      const list = ea.restrictions?.[k] ?? eb.restrictions?.[k];
      if (list && list.length > 0) restrictions[k] = [...list];
    }
    if (Object.keys(restrictions).length > 0) link.restrictions = restrictions;
    (linksNode as unknown as { add(v: unknown): void }).add(doc.createNode(link));
  }
  root.set('links', linksNode);
  if (isMap(root)) {
    for (const item of (root.get('links') as { items: unknown[] }).items) {
      const m = item as YAMLMap;
      const pw = m.get('password', true) as YAMLMap | undefined;
      if (pw && isMap(pw)) pw.flow = true;
      const peers = m.get('peers', true) as { flow?: boolean } | undefined;
      if (peers) peers.flow = true;
    }
  }
  const header = `# yaml-language-server: $schema=${opts.schemaRef ?? 'https://avnet.dev/schemas/topology.schema.json'}\n# Imported by avnet from the servers' actual state. Passwords are read from the environment\n# variables named below; certificates were written next to this file.\n`;
  return { yaml: header + doc.toString({ lineWidth: 0 }), files, secrets, notes };
}
