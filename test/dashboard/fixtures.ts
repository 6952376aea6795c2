/**
 * Fixture data for the dashboard, built with serve's own types: a network of any size shaped
 * like the benchmark networks (HQ, regions, a tree of sites with 8 children each, peer links
 * between neighbouring regions), with offline links of several reasons, an unknown link, an
 * unreadable server, out-of-sync servers whose entries differ (a password among them), an
 * unmanaged entry, a pending plan and a history. Link passwords exist here only to prove that
 * none of them reaches the page: every answer carries MASKED_SECRET instead.
 */
import { createHash } from 'node:crypto';
import {
  MASKED_SECRET,
  type EntryComparison,
  type HistoryEntry,
  type LinkStatusEntry,
  type ServeStatus,
  type ServerDetail,
  type ServerStatus,
} from '../../src/serve/serve-model.js';

/** A mutable copy of a type (the fixture is changed by the fake serve). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Everything the fake serve answers from. */
export interface DashboardFixture {
  status: Mutable<ServeStatus>;
  /** Newest first. */
  history: HistoryEntry[];
  plan: Record<string, unknown>;
  details: Map<string, ServerDetail>;
  /** Values that must never reach the page: every link's password. */
  readonly secrets: readonly string[];
  /** Names in generation order (the last is the last site). */
  readonly serverNames: readonly string[];
  /** Links the fixture sets offline or unknown on purpose, by role. */
  readonly special: {
    readonly wrongPassword: LinkStatusEntry;
    readonly unreachable: LinkStatusEntry;
    readonly certificateMismatch: LinkStatusEntry;
    readonly unreadableServer: string;
    /** A server whose entry for its parent has another password (differs: password). */
    readonly passwordDiffers: string;
    /** A server whose entry differs in encryption. */
    readonly encryptionDiffers: string;
    /** A server whose entry for its parent is missing (to be created). */
    readonly missingEntry: string;
  };
}

/** A fixed commit id derived from a label (40 hex, like git's). */
export function fakeSha(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

const T0 = Date.parse('2026-12-01T10:00:00Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

function regionalCount(n: number): number {
  return n < 3 ? Math.max(0, n - 1) : Math.max(1, Math.round(Math.sqrt(n) / 2));
}

function fingerprint(name: string): string {
  const hex = createHash('sha256').update(`cert:${name}`).digest('hex').toUpperCase();
  return `sha256 ${hex.match(/../g)!.slice(0, 8).join(':')}…`;
}

function entryFor(
  holder: string,
  neighbor: string,
  type: 'parent' | 'child' | 'peer',
  address: string | null,
): Record<string, unknown> {
  return {
    name: neighbor,
    type,
    password: MASKED_SECRET,
    ownCertificates: [fingerprint(holder)],
    neighborCertificates: [fingerprint(neighbor)],
    neighborPublicKey: null,
    address,
    consoleUrl: null,
    connection: 'persistent',
    reconnectPeriod: null,
    encryption: 'possible',
    compression: 'possible',
    licenses: {},
    flows:
      type === 'peer'
        ? { updates: 'both', events: 'both', licenses: 'none' }
        : type === 'parent'
          ? { updates: 'receive', events: 'send', licenses: 'receive' }
          : { updates: 'send', events: 'receive', licenses: 'send' },
    notify: false,
    restrictions: {},
    managedBy: 'avnet',
  };
}

/** Builds the fixture for a network of `servers` servers (at least 12). */
export function makeFixture(servers: number): DashboardFixture {
  if (servers < 12) throw new RangeError('the dashboard fixture needs at least 12 servers');
  const names: string[] = ['HQ'];
  const regions = regionalCount(servers);
  for (let r = 1; r <= regions; r++) names.push(`REGION-${String(r).padStart(3, '0')}`);
  const width = Math.max(5, String(servers).length);
  const sites = servers - 1 - regions;
  for (let s = 1; s <= sites; s++) names.push(`SITE-${String(s).padStart(width, '0')}`);
  const addressOf = new Map(names.map((n, i) => [n, `127.0.0.1:${20000 + i}`]));

  const links: Mutable<LinkStatusEntry>[] = [];
  const pc = (a: string, b: string) =>
    links.push({
      a,
      b,
      type: 'parent-child',
      state: 'online',
      reason: null,
      detail: null,
      since: iso(0),
    });
  for (let r = 1; r <= regions; r++) pc('HQ', names[r]!);
  // Sites fill the tree breadth-first, 8 children per parent, under the regions.
  const parents = names.slice(1, 1 + regions);
  let nextParent = 0;
  let childrenOfCurrent = 0;
  for (let s = 0; s < sites; s++) {
    const site = names[1 + regions + s]!;
    pc(parents[nextParent]!, site);
    parents.push(site);
    if (++childrenOfCurrent === 8) {
      childrenOfCurrent = 0;
      nextParent++;
    }
  }
  for (let r = 1; r < regions; r++) {
    const [a, b] = [names[r]!, names[r + 1]!].sort() as [string, string];
    links.push({ a, b, type: 'peer', state: 'online', reason: null, detail: null, since: iso(0) });
    if (r % 4 === 1 && r + 2 <= regions) {
      const [c, d] = [names[r]!, names[r + 2]!].sort() as [string, string];
      links.push({
        a: c,
        b: d,
        type: 'peer',
        state: 'online',
        reason: null,
        detail: null,
        since: iso(0),
      });
    }
  }
  const secrets = links.map(
    (l, i) => `lnk-${i}-${createHash('sha256').update(`${l.a}|${l.b}`).digest('hex').slice(0, 16)}`,
  );

  // Problems, at fixed places so that every size has them.
  const siteLinks = links.filter((l) => l.a.startsWith('SITE-') || l.b.startsWith('SITE-'));
  const wrongPassword = siteLinks[1]!;
  Object.assign(wrongPassword, {
    state: 'offline',
    reason: 'wrong-password',
    detail: `${wrongPassword.b} refused ${wrongPassword.a}: the passwords differ`,
    since: iso(60_000),
  });
  const unreachable = siteLinks[2]!;
  Object.assign(unreachable, {
    state: 'offline',
    reason: 'unreachable',
    detail: `${unreachable.b} cannot connect to ${addressOf.get(unreachable.a)}: connection refused`,
    since: iso(90_000),
  });
  const certificateMismatch = siteLinks[4]!;
  Object.assign(certificateMismatch, {
    state: 'offline',
    reason: 'certificate-mismatch',
    detail: `${certificateMismatch.a} presented ${fingerprint('OTHER')}, not listed by ${certificateMismatch.b}`,
    since: iso(120_000),
  });
  const unreadableServer = siteLinks[6]!.b;
  for (const l of links) {
    if ((l.a === unreadableServer || l.b === unreadableServer) && l.state === 'online') {
      Object.assign(l, { state: 'unknown', reason: null, detail: null, since: null });
    }
  }
  const passwordDiffers = wrongPassword.b;
  const encryptionDiffers = siteLinks[3]!.b;
  const missingEntryServer = siteLinks[5]!.b;

  const statuses: Mutable<ServerStatus>[] = names.map((name) => ({
    name,
    sync: 'Synced',
    pending: 0,
    error: null,
  }));
  const statusOf = new Map(statuses.map((s) => [s.name, s]));
  Object.assign(statusOf.get(passwordDiffers)!, { sync: 'OutOfSync', pending: 1 });
  Object.assign(statusOf.get(encryptionDiffers)!, { sync: 'OutOfSync', pending: 1 });
  Object.assign(statusOf.get(missingEntryServer)!, { sync: 'OutOfSync', pending: 1 });
  Object.assign(statusOf.get(unreadableServer)!, {
    sync: 'Unknown',
    error: `cannot read the state: connect ECONNREFUSED ${addressOf.get(unreadableServer)!.replace(':2', ':9')}`,
  });

  const details = new Map<string, ServerDetail>();
  const changes: Record<string, unknown>[] = [];
  for (const s of statuses) {
    const entries: EntryComparison[] = [];
    for (const l of links) {
      if (l.a !== s.name && l.b !== s.name) continue;
      const other = l.a === s.name ? l.b : l.a;
      const type = l.type === 'peer' ? 'peer' : l.a === s.name ? 'child' : 'parent';
      const dialer = type === 'parent' || (type === 'peer' && s.name > other);
      const desired = entryFor(s.name, other, type, dialer ? addressOf.get(other)! : null);
      let actual: Record<string, unknown> | null = { ...desired };
      let differs: string[] = [];
      if (s.name === passwordDiffers && other === wrongPassword.a) differs = ['password'];
      if (s.name === encryptionDiffers && type === 'parent') {
        actual = { ...desired, encryption: 'no' };
        desired.encryption = 'yes';
        differs = ['encryption'];
        changes.push({
          server: s.name,
          action: 'update',
          neighbor: other,
          type,
          fields: [{ field: 'encryption', before: 'no', after: 'yes' }],
          reason: 'differs from the topology',
        });
      }
      if (s.name === missingEntryServer && type === 'parent') {
        actual = null;
        // As serve reports it: every field differs from an entry that does not exist.
        differs = Object.keys(desired).filter((k) => k !== 'name');
        changes.push({
          server: s.name,
          action: 'create',
          neighbor: other,
          type,
          fields: Object.keys(desired)
            .filter((k) => k !== 'name')
            .map((k) =>
              k === 'password'
                ? { field: k, sensitive: true, changed: true }
                : { field: k, before: null, after: desired[k] },
            ),
          reason: 'missing on server',
        });
      }
      if (differs[0] === 'password') {
        changes.push({
          server: s.name,
          action: 'update',
          neighbor: other,
          type,
          fields: [{ field: 'password', sensitive: true, changed: true }],
          reason: 'differs from the topology',
        });
      }
      entries.push({ neighbor: other, type, desired, actual, differs, managed: true });
    }
    if (s.name === 'HQ') {
      entries.push({
        neighbor: 'LEGACY',
        type: 'child',
        desired: null,
        actual: entryFor('HQ', 'LEGACY', 'child', null),
        differs: [],
        managed: false,
      });
    }
    entries.sort((x, y) => (x.neighbor < y.neighbor ? -1 : 1));
    details.set(s.name, {
      ...s,
      actual:
        s.error !== null
          ? null
          : { protocol: 'enabled', pendingRestart: false, revision: 3 + (s.name.length % 5) },
      entries: s.error !== null ? [] : entries,
    });
  }

  const add = changes.filter((c) => c.action === 'create').length;
  const change = changes.filter((c) => c.action === 'update').length;
  const plan = {
    format_version: '1.0',
    topology: { file: 'topology.yaml', sha256: createHash('sha256').update('topo').digest('hex') },
    backend: { type: 'http' },
    changes,
    unmanaged: [{ server: 'HQ', neighbor: 'LEGACY' }],
    summary: { add, change, destroy: 0, restart: 0 },
    revisions: Object.fromEntries(statuses.map((s) => [s.name, 3])),
    errors: [{ server: unreadableServer, message: statusOf.get(unreadableServer)!.error! }],
  };

  const head = fakeSha('head-1');
  const history: HistoryEntry[] = [];
  const outcomes: HistoryEntry['outcome'][] = ['applied', 'no-changes', 'drift-healed', 'planned'];
  const triggers: HistoryEntry['trigger'][] = ['start', 'commit', 'interval', 'webhook'];
  for (let i = 0; i < 4; i++) {
    history.unshift({
      id: i + 1,
      revision: i === 0 ? fakeSha('head-0') : head,
      trigger: triggers[i]!,
      startedAt: iso(i * 300_000),
      finishedAt: iso(i * 300_000 + 800 + i * 150),
      outcome: outcomes[i]!,
      changes: { add: i === 0 ? 24 : 0, change: i === 3 ? change : 0, destroy: 0 },
      writes: i === 0 ? 24 : i === 2 ? 2 : 0,
      failed: 0,
      message: [
        'applied 24 changes',
        'no changes',
        'healed drift on 2 servers',
        `${changes.length} changes pending`,
      ][i]!,
    });
  }
  const online = links.filter((l) => l.state === 'online').length;
  const offline = links.filter((l) => l.state === 'offline').length;
  const status: Mutable<ServeStatus> = {
    source: {
      type: 'git',
      url: 'https://git.example.test/security/av-network.git',
      ref: 'main',
      path: 'topology.yaml',
      head,
      commit: { message: 'Add the Lyon sites', author: 'Jeanne Admin', date: iso(850_000) },
      fetchedAt: iso(900_000),
      error: null,
    },
    sync: { status: 'OutOfSync', revision: head, appliedAt: iso(300_800), invalid: null },
    health: {
      status: offline > 0 ? 'Degraded' : 'Healthy',
      online,
      offline,
      unknown: links.length - online - offline,
    },
    servers: statuses,
    links,
    lastCycle: {
      id: 4,
      trigger: 'webhook',
      outcome: 'planned',
      startedAt: history[0]!.startedAt,
      durationMs: 1250,
    },
  };
  return {
    status,
    history,
    plan,
    details,
    secrets,
    serverNames: names,
    special: {
      wrongPassword,
      unreachable,
      certificateMismatch,
      unreadableServer,
      passwordDiffers,
      encryptionDiffers,
      missingEntry: missingEntryServer,
    },
  };
}
