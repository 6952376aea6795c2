/** Merges the two servers' views of each link into one link status (online only if both agree). */
import {
  LINK_REASONS,
  mirrorType,
  offlineLink,
  onlineLink,
  type LinkReason,
  type LinkStatus,
  type NeighborType,
} from '../../model/index.js';
import type { LinkView } from './wire.js';

/** What one server reported about its links, or why it could not be asked. */
export interface ServerLinkViews {
  readonly server: string;
  readonly views?: readonly LinkView[];
  /** Set when the server's views could not be read. */
  readonly error?: string;
}

function rankOf(v: LinkView): number {
  return v.reason ? LINK_REASONS[v.reason].rank : 0;
}

/** The more telling of two views: higher rank, then found locally, then the dialing side. */
function better(x: LinkView, y: LinkView): LinkView {
  const rx = rankOf(x);
  const ry = rankOf(y);
  if (rx !== ry) return rx > ry ? x : y;
  if (x.remote !== y.remote) return x.remote ? y : x;
  if (x.dials !== y.dials) return x.dials ? x : y;
  return x;
}

function ends(
  server: string,
  entryType: NeighborType,
  neighbor: string,
): { a: string; b: string; type: LinkStatus['type'] } {
  // An entry of type `child` is held by the parent; `parent` by the child.
  if (entryType === 'child') return { a: server, b: neighbor, type: 'parent-child' };
  if (entryType === 'parent') return { a: neighbor, b: server, type: 'parent-child' };
  return server < neighbor
    ? { a: server, b: neighbor, type: 'peer' }
    : { a: neighbor, b: server, type: 'peer' };
}

function offline(
  where: { a: string; b: string; type: LinkStatus['type'] },
  reason: LinkReason,
  detail: string | null,
): LinkStatus {
  return offlineLink(where, reason, detail);
}

/** One status per pair of servers that hold an entry for each other (or one of them does). */
export function mergeLinkViews(servers: readonly ServerLinkViews[]): LinkStatus[] {
  const byServer = new Map(servers.map((s) => [s.server, s]));
  const seen = new Set<string>();
  const out: LinkStatus[] = [];
  for (const s of servers) {
    for (const v of s.views ?? []) {
      const key =
        s.server < v.neighbor ? `${s.server}\0${v.neighbor}` : `${v.neighbor}\0${s.server}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = ends(s.server, v.type, v.neighbor);
      const other = byServer.get(v.neighbor);
      if (!other) {
        out.push(
          offline(
            where,
            'one-sided',
            `${s.server} has a ${v.type} entry for ${v.neighbor}, which is not a known server`,
          ),
        );
        continue;
      }
      if (!other.views) {
        out.push(
          rankOf(v) >= LINK_REASONS.unreachable.rank
            ? offline(where, v.reason!, v.detail)
            : offline(
                where,
                'server-unreachable',
                `cannot read ${v.neighbor}: ${other.error ?? 'unknown error'}`,
              ),
        );
        continue;
      }
      const w = other.views.find((x) => x.neighbor === s.server);
      if (!w) {
        out.push(
          offline(
            where,
            'one-sided',
            `${s.server} has a ${v.type} entry for ${v.neighbor}, but ${v.neighbor} has no entry for ${s.server}`,
          ),
        );
        continue;
      }
      if (w.type !== mirrorType(v.type)) {
        out.push(
          offline(
            where,
            'type-mismatch',
            `${s.server} sees ${v.neighbor} as ${v.type}, ${v.neighbor} sees ${s.server} as ${w.type}`,
          ),
        );
        continue;
      }
      if (v.state === 'online' && w.state === 'online') {
        out.push(onlineLink(where));
        continue;
      }
      if (!v.dials && !w.dials) {
        out.push(
          offline(
            where,
            'no-dialer',
            `neither ${s.server} nor ${v.neighbor} holds the other's address`,
          ),
        );
        continue;
      }
      const pick = better(v, w);
      out.push(offline(where, pick.reason ?? 'connecting', pick.detail));
    }
  }
  return out;
}
