/**
 * Link states derived from stored entries, for backends that cannot observe live links (dir). It
 * applies the checks the servers' handshake would make (both entries, mirrored types, pinned
 * certificates, equal passwords, compatible encryption/compression, protocol running, someone
 * dialing, no key-id collision) and reports a link `online` when nothing would stop it. It cannot
 * see addresses that lead nowhere or servers that are not running: that needs a live backend.
 */
import { X509Certificate } from 'node:crypto';
import type { LinkReason, LinkStatus, NeighborEntry, ServerState } from '../model/index.js';
import { mirrorType, offlineLink, onlineLink, policiesConflict } from '../model/index.js';

const fingerprintCache = new Map<string, string | null>();

function fingerprint(pem: string): string | null {
  let fp = fingerprintCache.get(pem);
  if (fp === undefined) {
    try {
      fp = new X509Certificate(pem).fingerprint256;
    } catch {
      fp = null;
    }
    if (fingerprintCache.size > 10_000) fingerprintCache.clear();
    fingerprintCache.set(pem, fp);
  }
  return fp;
}

function fingerprints(pems: readonly string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const p of pems ?? []) {
    const fp = fingerprint(p);
    if (fp) out.add(fp);
  }
  return out;
}

/** Entries of one server that collide on key id (same password and own certificate), but the first. */
function keyIdCollisions(state: ServerState): Map<string, string> {
  const first = new Map<string, string>();
  const out = new Map<string, string>();
  const sorted = [...state.neighbors].sort((x, y) => (x.name < y.name ? -1 : 1));
  for (const e of sorted) {
    const own = e.ownCertificates?.[0];
    if (e.password === undefined || own === undefined) continue;
    const key = `${e.password}\0${fingerprint(own) ?? own}`;
    const holder = first.get(key);
    if (holder === undefined) first.set(key, e.name);
    else out.set(e.name, holder);
  }
  return out;
}

function ends(
  server: string,
  entry: NeighborEntry,
): { a: string; b: string; type: LinkStatus['type'] } {
  if (entry.type === 'child') return { a: server, b: entry.name, type: 'parent-child' };
  if (entry.type === 'parent') return { a: entry.name, b: server, type: 'parent-child' };
  return server < entry.name
    ? { a: server, b: entry.name, type: 'peer' }
    : { a: entry.name, b: server, type: 'peer' };
}

function check(
  x: { server: string; state: ServerState; entry: NeighborEntry; collisions: Map<string, string> },
  y: { server: string; state: ServerState; entry: NeighborEntry; collisions: Map<string, string> },
): { reason: LinkReason; detail: string } | null {
  if (y.entry.type !== mirrorType(x.entry.type)) {
    return {
      reason: 'type-mismatch',
      detail: `${x.server} sees ${y.server} as ${x.entry.type}, ${y.server} sees ${x.server} as ${y.entry.type}`,
    };
  }
  for (const s of [x, y]) {
    if (s.state.protocol !== 'enabled')
      return {
        reason: 'protocol-disabled',
        detail: `${s.server} has the Dr.Web Server protocol disabled`,
      };
    if (s.state.pendingRestart)
      return {
        reason: 'restart-pending',
        detail: `${s.server} has the protocol enabled but waits for a restart`,
      };
  }
  if (!x.entry.address && !y.entry.address) {
    return {
      reason: 'no-dialer',
      detail: `neither ${x.server} nor ${y.server} holds the other's address`,
    };
  }
  for (const [p, q] of [
    [x, y],
    [y, x],
  ] as const) {
    const presented = fingerprints(p.entry.ownCertificates);
    const pinned = fingerprints(q.entry.neighborCertificates);
    if (![...presented].some((fp) => pinned.has(fp))) {
      return {
        reason: 'certificate-mismatch',
        detail: `${q.server}'s entry for ${p.server} does not list ${p.server}'s own certificate`,
      };
    }
  }
  if ((x.entry.password ?? '') !== (y.entry.password ?? '')) {
    return {
      reason: 'wrong-password',
      detail: `${x.server} and ${y.server} hold different passwords`,
    };
  }
  for (const field of ['encryption', 'compression'] as const) {
    const a = x.entry[field] ?? 'possible';
    const b = y.entry[field] ?? 'possible';
    if (policiesConflict(a, b)) {
      return {
        reason: field === 'encryption' ? 'encryption-mismatch' : 'compression-mismatch',
        detail: `${x.server} says ${field} ${a}, ${y.server} says ${b}`,
      };
    }
  }
  for (const [p, q] of [
    [x, y],
    [y, x],
  ] as const) {
    const holder = p.collisions.get(q.server);
    if (holder !== undefined) {
      return {
        reason: 'duplicate-key-id',
        detail: `${p.server}'s link with ${holder} already uses the same password and certificate (key id)`,
      };
    }
  }
  return null;
}

/** Derives one status per pair of servers holding entries for each other, from stored state. */
export function deriveLinkStatus(servers: ReadonlyMap<string, ServerState>): LinkStatus[] {
  const collisions = new Map([...servers].map(([n, s]) => [n, keyIdCollisions(s)]));
  const seen = new Set<string>();
  const out: LinkStatus[] = [];
  for (const [name, state] of servers) {
    for (const entry of state.neighbors) {
      const key = name < entry.name ? `${name}\0${entry.name}` : `${entry.name}\0${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = ends(name, entry);
      const otherState = servers.get(entry.name);
      const mirror = otherState?.neighbors.find((e) => e.name === name);
      if (!otherState || !mirror) {
        out.push(
          offlineLink(
            where,
            'one-sided',
            otherState
              ? `${name} has a ${entry.type} entry for ${entry.name}, but ${entry.name} has no entry for ${name}`
              : `${name} has a ${entry.type} entry for ${entry.name}, which is not a known server`,
          ),
        );
        continue;
      }
      const mine = { server: name, state, entry, collisions: collisions.get(name)! };
      const theirs = {
        server: entry.name,
        state: otherState,
        entry: mirror,
        collisions: collisions.get(entry.name)!,
      };
      // Name the two sides in the link's order (parent first) in messages.
      const problem = where.a === name ? check(mine, theirs) : check(theirs, mine);
      out.push(problem ? offlineLink(where, problem.reason, problem.detail) : onlineLink(where));
    }
  }
  return out;
}
