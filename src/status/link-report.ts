/**
 * The status stage: every link of the topology with its state, plus links that exist only in the
 * actual state. A backend that observes links (http against real or emulated servers) reports
 * them live; for one that cannot (dir), states are derived from the stored entries.
 */
import type { Context, LinkSpec, LinkStatus, ServerState, Topology } from '../model/index.js';
import { linkEnds, offlineLink, pairKey } from '../model/index.js';
import type { Backend } from '../backends/index.js';
import { readActualState, type ActualState } from '../actual/index.js';
import { deriveLinkStatus } from './derive-link-status.js';

/** The state of every link. */
export interface LinkReport {
  /** Links of the topology first (in file order), then links found only in actual state. */
  readonly links: readonly LinkStatus[];
  /** How many of the links are declared in the topology (the first ones). */
  readonly declared: number;
  /** True when the backend observed the links live; false when derived from stored entries. */
  readonly observed: boolean;
}

/** Options of a status collection. */
export interface StatusOptions {
  readonly topology: Topology;
  readonly backend: Backend;
  /** Limit to links touching these servers. */
  readonly targets?: readonly string[];
  readonly concurrency?: number;
  /** Called with every state read for derivation (the CLI registers their passwords for redaction). */
  readonly onStates?: (states: ReadonlyMap<string, ServerState>) => void;
  /**
   * States read moments ago (a reconcile that just finished): for a backend that cannot observe
   * links, derive from them instead of reading every server again.
   */
  readonly justRead?: Pick<ActualState, 'servers' | 'errors'>;
}

function declaredEnds(link: LinkSpec): { a: string; b: string; type: LinkStatus['type'] } {
  const [a, b] = linkEnds(link);
  return { a, b, type: link.kind };
}

/** Collects the state of every link. */
export async function collectLinkStatus(opts: StatusOptions, ctx: Context): Promise<LinkReport> {
  const { topology, backend } = opts;
  const servers = [...topology.servers.keys()];
  const versions = new Map([...topology.servers.values()].map((s) => [s.name, s.version]));
  const observed = typeof backend.linkStatus === 'function';
  let found: LinkStatus[];
  let readErrors = new Map<string, string>();
  if (observed) {
    found = await backend.linkStatus!(ctx);
  } else {
    const read =
      opts.justRead ??
      (await readActualState(backend, { servers, versions, concurrency: opts.concurrency }, ctx));
    opts.onStates?.(read.servers);
    found = deriveLinkStatus(read.servers);
    readErrors = new Map(read.errors.map((e) => [e.server, e.message]));
  }
  const byPair = new Map(found.map((l) => [pairKey(l.a, l.b), l]));
  const inScope = (a: string, b: string) =>
    !opts.targets?.length || opts.targets.includes(a) || opts.targets.includes(b);
  const declaredLinks = topology.links.filter((l) => {
    const [a, b] = linkEnds(l);
    return a !== b && topology.servers.has(a) && topology.servers.has(b) && inScope(a, b);
  });
  const missing = declaredLinks.filter((l) => !byPair.has(pairKey(...linkEnds(l))));
  if (observed && missing.length > 0) {
    // Neither side reported the link: find out whether a side could not be asked at all.
    const ends = [...new Set(missing.flatMap((l) => [...linkEnds(l)]))];
    const read = await readActualState(
      backend,
      { servers: ends, versions, onlyThese: true, concurrency: opts.concurrency },
      ctx,
    );
    readErrors = new Map(read.errors.map((e) => [e.server, e.message]));
  }
  const links: LinkStatus[] = [];
  const used = new Set<string>();
  for (const l of declaredLinks) {
    const where = declaredEnds(l);
    const key = pairKey(where.a, where.b);
    used.add(key);
    const live = byPair.get(key);
    if (live) {
      links.push({ ...live, ...where });
      continue;
    }
    const unreadable = [where.a, where.b].find((s) => readErrors.has(s));
    links.push(
      unreadable
        ? offlineLink(
            where,
            'server-unreachable',
            `cannot read ${unreadable}: ${readErrors.get(unreadable)}`,
          )
        : offlineLink(
            where,
            'missing',
            `neither ${where.a} nor ${where.b} has an entry for the other`,
          ),
    );
  }
  const extra = found
    .filter((l) => !used.has(pairKey(l.a, l.b)) && inScope(l.a, l.b))
    .sort((x, y) => (x.a === y.a ? (x.b < y.b ? -1 : 1) : x.a < y.a ? -1 : 1));
  return { links: [...links, ...extra], declared: links.length, observed };
}

/** The links of a report that are offline; only the topology's own with `declaredOnly`. */
export function offlineLinks(report: LinkReport, declaredOnly = false): LinkStatus[] {
  const links = declaredOnly ? report.links.slice(0, report.declared) : report.links;
  return links.filter((l) => l.state !== 'online');
}
