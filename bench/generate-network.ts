/**
 * Generated networks of any size for benchmarks and tests: a head office, regional parents, a
 * tree of sites under them and peer links between regions, every server with its own
 * certificate. The result validates with no diagnostics at all (checked by the test next to it).
 *
 * Certificates are the slow part at 10,000 servers, so every certificate certifies the same RSA
 * key pair: forge builds each distinct TBS certificate and Node's native `crypto.sign` signs it
 * (forge's JavaScript RSA is ~50× slower). An optional cache keeps certificates between runs.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';

/** Bumped whenever the generated shape or certificates change: invalidates caches. */
export const GENERATOR_VERSION = 1;

/** One of the values a link or server policy takes. */
export type GeneratedTri = 'yes' | 'possible' | 'no';

/** A change applied to the generated network, for suites that need a diff against it. */
export type NetworkModification =
  /** Gives link `link` (index in `links`) a different password value (same env reference). */
  | { readonly kind: 'link-password'; readonly link: number }
  | { readonly kind: 'link-encryption'; readonly link: number; readonly value: GeneratedTri }
  | { readonly kind: 'link-compression'; readonly link: number; readonly value: GeneratedTri }
  /** Drops link `link` from the topology (its env variable is dropped too). */
  | { readonly kind: 'remove-link'; readonly link: number }
  /** Moves server `server` to another port (or host). */
  | { readonly kind: 'server-address'; readonly server: string; readonly address: string }
  /** Anything else: edits the plain topology document before it is written. */
  | { readonly kind: 'custom'; readonly apply: (doc: TopologyDocument) => void };

/** Options of a generated network. */
export interface NetworkOptions {
  /** Number of servers, at least 1. */
  readonly servers: number;
  /** Changes password values (and nothing else); default `avnet-bench`. */
  readonly seed?: string;
  /** Give every server an `https://` `api:` URL (and a consoleUrl); default false. */
  readonly api?: boolean;
  /** `ports`: 127.0.0.1 with a port per server; `hosts`: 127.x.y.z each. Default: ports if they fit. */
  readonly addressing?: 'ports' | 'hosts';
  /** First server port in `ports` addressing; default 20000 (API ports follow the server ports). */
  readonly basePort?: number;
  /** Prefix of the password environment variables; default `AVNET_BENCH`. */
  readonly envPrefix?: string;
  readonly modify?: NetworkModification | readonly NetworkModification[];
  /** Folder where certificates are kept between runs (e.g. `.bench-tmp/certs`); none by default. */
  readonly certCacheDir?: string;
  /**
   * Also write each certificate's private key beside it (`certs/NAME.key`, 0600), as `avnet sim`
   * needs to present the certificates; default false.
   */
  readonly keys?: boolean;
}

/** The plain data written as topology.yaml. */
export interface TopologyDocument {
  apiVersion: 'avnet/v1';
  kind: 'Topology';
  name: string;
  defaults: Record<string, string>;
  servers: Record<string, Record<string, unknown>>;
  links: Record<string, unknown>[];
}

/** What a generated server is in the tree. */
export type ServerRole = 'head-office' | 'regional' | 'site';

/** A generated server, with its place in the tree. */
export interface GeneratedServer {
  readonly name: string;
  readonly role: ServerRole;
  /** Its parent, absent for the head office. */
  readonly parent?: string;
  readonly address: string;
  readonly api?: string;
  /** Certificate path relative to the topology folder. */
  readonly certificate: string;
}

/** A generated link (before modifications). */
export interface GeneratedLink {
  readonly index: number;
  readonly kind: 'parent-child' | 'peer';
  /** parent and child, or the two peers. */
  readonly ends: readonly [string, string];
  /** The environment variable holding its password. */
  readonly env: string;
}

/** The network a set of options describes, without any file written. */
export interface NetworkModel {
  readonly servers: readonly GeneratedServer[];
  readonly links: readonly GeneratedLink[];
  /** The topology document, modifications applied. */
  readonly document: TopologyDocument;
  /** Password values by environment variable name, modifications applied. */
  readonly env: Readonly<Record<string, string>>;
}

/** A network written to disk. */
export interface GeneratedNetwork extends NetworkModel {
  readonly dir: string;
  readonly topologyFile: string;
}

const DEFAULT_BASE_PORT = 20000;
/** Children per parent in the site tree. */
const FANOUT = 8;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Number of regional parents for a network of `n` servers (about √n / 2). */
export function regionalCount(n: number): number {
  if (n <= 1) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(Math.sqrt(n) / 2)));
}

/** Describes the network for some options: servers, links, topology document and env values. */
export function describeNetwork(opts: NetworkOptions): NetworkModel {
  const n = opts.servers;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`servers must be >= 1 (got ${n})`);
  const basePort = opts.basePort ?? DEFAULT_BASE_PORT;
  const withApi = opts.api ?? false;
  const portsFit = basePort + (withApi ? 2 : 1) * n - 1 <= 65535;
  const addressing = opts.addressing ?? (portsFit ? 'ports' : 'hosts');
  if (addressing === 'ports' && !portsFit) {
    throw new RangeError(`${n} servers do not fit in ports from ${basePort}; use hosts`);
  }
  const prefix = opts.envPrefix ?? 'AVNET_BENCH';
  const seed = opts.seed ?? 'avnet-bench';
  const regions = regionalCount(n);
  const siteWidth = Math.max(5, String(n).length);

  const servers: GeneratedServer[] = [];
  const addressOf = (i: number): { address: string; api?: string } => {
    if (addressing === 'ports') {
      return {
        address: `127.0.0.1:${basePort + i}`,
        ...(withApi ? { api: `https://127.0.0.1:${basePort + n + i}` } : {}),
      };
    }
    // Hosts count from 127.0.0.1, like the ports; every host uses the default ports.
    const h = i + 1;
    const host = `127.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
    return {
      address: `${host}:2193`,
      ...(withApi ? { api: `https://${host}:9081` } : {}),
    };
  };
  const add = (name: string, role: ServerRole, parent: string | undefined) => {
    const i = servers.length;
    servers.push({
      name,
      role,
      ...(parent !== undefined ? { parent } : {}),
      ...addressOf(i),
      certificate: `certs/${name}.pem`,
    });
  };
  add('HQ', 'head-office', undefined);
  for (let r = 0; r < regions; r++) add(`REGION-${pad(r + 1, 3)}`, 'regional', 'HQ');
  // Sites fill a tree breadth-first: the first FANOUT·R hang under the regions, the next under
  // those sites, and so on, so depth grows with log(n) as in a real organisation.
  const parents = servers.slice(1).map((s) => s.name);
  for (let k = 0; servers.length < n; k++) {
    const name = `SITE-${pad(k + 1, siteWidth)}`;
    add(name, 'site', parents[Math.floor(k / FANOUT)] ?? 'HQ');
    parents.push(name);
  }

  const links: GeneratedLink[] = [];
  for (const s of servers) {
    if (s.parent === undefined) continue;
    links.push({ index: links.length, kind: 'parent-child', ends: [s.parent, s.name], env: '' });
  }
  // Peer links between regions: a chain plus a few shortcuts. Updates only flow from the lower
  // to the higher region, so the update graph stays acyclic (no update-cycle warning).
  const regionNames = servers.filter((s) => s.role === 'regional').map((s) => s.name);
  for (let r = 0; r + 1 < regionNames.length; r++) {
    const pairs: [number, number][] = [[r, r + 1]];
    if (r % 4 === 0 && r + 2 < regionNames.length) pairs.push([r, r + 2]);
    for (const [a, b] of pairs) {
      links.push({
        index: links.length,
        kind: 'peer',
        ends: [regionNames[a]!, regionNames[b]!],
        env: '',
      });
    }
  }
  const envWidth = Math.max(5, String(links.length).length);
  const namedLinks = links.map((l) => ({ ...l, env: `${prefix}_L${pad(l.index, envWidth)}` }));

  const document = buildDocument(servers, namedLinks, withApi);
  const rotated = new Set<number>();
  const removed = new Set<number>();
  const mods =
    opts.modify === undefined ? [] : Array.isArray(opts.modify) ? opts.modify : [opts.modify];
  for (const m of mods as readonly NetworkModification[]) {
    applyModification(document, m, namedLinks, rotated, removed);
  }
  if (removed.size > 0) document.links = document.links.filter((_, i) => !removed.has(i));
  const env: Record<string, string> = {};
  for (const l of namedLinks) {
    if (removed.has(l.index)) continue;
    env[l.env] = passwordValue(seed, l.env, rotated.has(l.index));
  }
  return { servers, links: namedLinks, document, env };
}

/** Password values of a network's links by environment variable (as `describeNetwork(...).env`). */
export function networkEnv(opts: NetworkOptions): Record<string, string> {
  return { ...describeNetwork(opts).env };
}

function passwordValue(seed: string, env: string, rotated: boolean): string {
  return createHash('sha256')
    .update(`${seed}\0${env}\0${rotated ? 'rotated' : 'original'}`)
    .digest('base64url')
    .slice(0, 24);
}

function buildDocument(
  servers: readonly GeneratedServer[],
  links: readonly GeneratedLink[],
  withApi: boolean,
): TopologyDocument {
  const doc: TopologyDocument = {
    apiVersion: 'avnet/v1',
    kind: 'Topology',
    name: `bench-${servers.length}`,
    defaults: { encryption: 'possible', compression: 'possible', connection: 'permanent' },
    servers: {},
    links: [],
  };
  servers.forEach((s, i) => {
    const entry: Record<string, unknown> = { address: s.address };
    // A mix of versions and policies, all compatible with each other (v11+; never `no`).
    entry.version = s.role === 'site' && i % 3 === 0 ? 12 : 13;
    entry.certificates = [s.certificate];
    if (withApi && s.api !== undefined) {
      entry.api = s.api;
      entry.consoleUrl = `${s.api}/`;
    }
    if (s.role !== 'site') entry.encryption = 'yes';
    doc.servers[s.name] = entry;
  });
  for (const l of links) {
    const [a, b] = l.ends;
    const password = { env: l.env };
    if (l.kind === 'peer') {
      doc.links.push({
        peers: [a, b],
        password,
        flows: { updates: `${a}->${b}`, events: 'both', licenses: 'none' },
        notify: [a],
      });
      continue;
    }
    const link: Record<string, unknown> = { parent: a, child: b, password };
    if (a === 'HQ') {
      link.licenses = { validity: '30d', renewBefore: '7d', syncPeriod: '1h' };
      link.notify = [a];
    } else {
      if (l.index % 3 === 0) {
        link.connection = 'periodic';
        link.reconnectPeriod = '15m';
      }
      if (l.index % 5 === 0) link.restrictions = { updates: ['mon-fri 09:00-18:00'] };
      if (l.index % 7 === 0) link.compression = 'yes';
    }
    doc.links.push(link);
  }
  return doc;
}

function applyModification(
  doc: TopologyDocument,
  m: NetworkModification,
  links: readonly GeneratedLink[],
  rotated: Set<number>,
  removed: Set<number>,
): void {
  const linkAt = (i: number) => {
    const l = doc.links[i];
    if (!l || i >= links.length) throw new RangeError(`no link #${i} in the generated network`);
    return l;
  };
  switch (m.kind) {
    case 'link-password':
      linkAt(m.link);
      rotated.add(m.link);
      return;
    case 'link-encryption':
      linkAt(m.link).encryption = m.value;
      return;
    case 'link-compression':
      linkAt(m.link).compression = m.value;
      return;
    case 'remove-link':
      linkAt(m.link);
      removed.add(m.link);
      return;
    case 'server-address': {
      const s = doc.servers[m.server];
      if (!s) throw new RangeError(`no server ${m.server} in the generated network`);
      s.address = m.address;
      return;
    }
    case 'custom':
      m.apply(doc);
      return;
  }
}

/** Writes a network into `dir` (created; an existing topology.yaml and certs/ are replaced). */
export async function generateNetwork(
  dir: string,
  opts: NetworkOptions,
): Promise<GeneratedNetwork> {
  const model = describeNetwork(opts);
  await rm(path.join(dir, 'certs'), { recursive: true, force: true });
  await mkdir(path.join(dir, 'certs'), { recursive: true });
  const signer = await certificateSigner(opts.certCacheDir);
  // Certificates are written a bounded number at a time: 10,000 open files would hit EMFILE.
  const width = 64;
  for (let i = 0; i < model.servers.length; i += width) {
    await Promise.all(
      model.servers.slice(i, i + width).map(async (s) => {
        const pem = await signer.certificateFor(s.name);
        await writeFile(path.join(dir, s.certificate), pem);
        if (opts.keys) {
          // Every certificate certifies the one shared key pair (see the top of this file).
          const keyFile = s.certificate.replace(/\.pem$/, '.key');
          await writeFile(path.join(dir, keyFile), signer.keyPem, { mode: 0o600 });
        }
      }),
    );
  }
  const topologyFile = path.join(dir, 'topology.yaml');
  await writeFile(topologyFile, toYaml(model.document));
  return { ...model, dir, topologyFile };
}

interface CertificateSigner {
  certificateFor(name: string): Promise<string>;
  /** PEM (PKCS#8) of the private key every certificate certifies. */
  readonly keyPem: string;
}

/** A certificate generator around one shared key pair, optionally backed by a cache folder. */
async function certificateSigner(cacheDir: string | undefined): Promise<CertificateSigner> {
  const versionDir = cacheDir && path.join(cacheDir, `v${GENERATOR_VERSION}`);
  let privateKey: KeyObject | undefined;
  if (versionDir) {
    try {
      privateKey = createPrivateKey(await readFile(path.join(versionDir, 'key.pem')));
    } catch {
      privateKey = undefined;
    }
  }
  if (!privateKey) {
    privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    if (versionDir) {
      // A new key invalidates every certificate cached under the old one.
      await rm(versionDir, { recursive: true, force: true });
      await mkdir(path.join(versionDir, 'certs'), { recursive: true });
      await writeFile(
        path.join(versionDir, 'key.pem'),
        privateKey.export({ type: 'pkcs8', format: 'pem' }),
      );
    }
  }
  const key = privateKey;
  const publicKey = forge.pki.publicKeyFromPem(
    createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
  );
  // Cached certificates are reused while they stay valid for at least a year.
  const freshUntil = Date.now() + 365 * 86_400_000;
  return {
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    async certificateFor(name) {
      const cached = versionDir && path.join(versionDir, 'certs', `${name}.pem`);
      if (cached) {
        try {
          const text = await readFile(cached, 'utf8');
          const expires = /^# notAfter (\d+)\n/.exec(text);
          if (expires && Number(expires[1]) > freshUntil) return text.slice(expires[0].length);
        } catch {
          // not cached yet
        }
      }
      const { pem, notAfter } = signCertificate(name, publicKey, key);
      if (cached) await writeFile(cached, `# notAfter ${notAfter.getTime()}\n${pem}`);
      return pem;
    },
  };
}

/** Builds a self-signed certificate for `name` with forge and signs it natively. */
function signCertificate(
  name: string,
  publicKey: forge.pki.PublicKey,
  privateKey: KeyObject,
): { pem: string; notAfter: Date } {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive serial derived from the name: distinct per server, stable across runs.
  cert.serialNumber = '01' + createHash('sha256').update(name).digest('hex').slice(0, 30);
  const notBefore = new Date(Date.now() - 86_400_000);
  const notAfter = new Date(notBefore.getTime() + 5 * 365 * 86_400_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs = [
    { name: 'commonName', value: name },
    { name: 'organizationName', value: 'avnet bench' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
  ]);
  // What cert.sign() does, with the RSA signature computed by Node instead of forge.
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  const pki = forge.pki as unknown as {
    getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1;
  };
  cert.tbsCertificate = pki.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, privateKey).toString('binary');
  return { pem: forge.pki.certificateToPem(cert), notAfter };
}

const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./:>@ -]*$/;
/** Plain scalars YAML 1.2 (core schema) would read as something other than a string. */
const RESERVED =
  /^(true|false|null|~|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-f]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)(e[-+]?[0-9]+)?|[-+]?\.inf|\.nan)$/i;

function scalar(v: unknown, inFlow: boolean): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  const s = String(v);
  const plain =
    PLAIN.test(s) &&
    !RESERVED.test(s) &&
    !s.endsWith(' ') &&
    !s.includes(': ') &&
    !s.includes(' #') &&
    !(inFlow && /[:, ]/.test(s));
  return plain ? s : JSON.stringify(s);
}

function isFlowLeaf(v: unknown): boolean {
  const leaf = (x: unknown) => x === null || typeof x !== 'object';
  if (Array.isArray(v)) return v.every(leaf);
  return v !== null && typeof v === 'object' && Object.values(v).every(leaf);
}

function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => scalar(x, true)).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, x]) => `${scalar(k, true)}: ${scalar(x, true)}`).join(', ')} }`;
}

function block(v: unknown, indent: string, out: string[]): void {
  const map = v as Record<string, unknown>;
  for (const [k, x] of Object.entries(map)) {
    const key = `${indent}${scalar(k, false)}:`;
    if (x === null || typeof x !== 'object') out.push(`${key} ${scalar(x, false)}`);
    else if (isFlowLeaf(x)) out.push(`${key} ${flow(x)}`);
    else if (Array.isArray(x)) {
      out.push(key);
      for (const item of x) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
          out.push(`${indent}  - ${Array.isArray(item) ? flow(item) : scalar(item, false)}`);
          continue;
        }
        const lines: string[] = [];
        block(item, `${indent}    `, lines);
        out.push(`${indent}  - ${lines[0]!.trimStart()}`, ...lines.slice(1));
      }
    } else {
      out.push(key);
      block(x, `${indent}  `, out);
    }
  }
}

/** Writes plain topology data as YAML in the style people write by hand (flow style for leaves). */
export function toYaml(doc: TopologyDocument): string {
  const out: string[] = ['# Generated by bench/generate-network.ts; do not edit.'];
  block(doc, '', out);
  return out.join('\n') + '\n';
}
