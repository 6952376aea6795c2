/**
 * An emulated network in its own process, for the sim-apply suite: `fork(sim-host.js)` with an IPC
 * channel. The suite sends `start` (topology, credentials, HTTPS identity, latency, and optionally
 * the share of the servers this process runs: the others are left down here, so another host
 * process runs them on their own ports) and gets `ready`; `watch` makes the host look at its
 * servers' own link views every few milliseconds (no HTTP, no latency) until each of its servers
 * sees every declared link of its own online, and answer `online` with the time; `stats` answers
 * the request and write counters; `stop` stops the servers and answers `stopped` with the
 * process's peak memory and CPU time, then the process exits.
 *
 * The emulator runs in processes of its own so that its work (TLS, JSON, the links' handshakes)
 * does not share an event loop with the avnet apply under measurement; splitting it over several
 * processes is closer to real servers, each on its own machine.
 */
import { loadTopology } from '../../src/load/index.js';
import { linkEnds } from '../../src/model/index.js';
import { startSimulation, type SimTlsIdentity, type Simulation } from '../../src/sim/index.js';

/** Messages the suite sends. */
export type SimHostRequest =
  | {
      readonly type: 'start';
      readonly file: string;
      readonly credentials: { readonly user: string; readonly password: string };
      readonly tls: SimTlsIdentity;
      readonly latencyMs: number;
      /** The servers this process runs (default: all). */
      readonly only?: readonly string[];
    }
  | { readonly type: 'watch'; readonly pollMs?: number }
  | { readonly type: 'stats' }
  | { readonly type: 'stop' };

/** Request and write counters of the whole simulation. */
export interface SimHostStats {
  /** Management requests received, over all servers. */
  readonly requests: number;
  /** Writes applied, over all servers. */
  readonly writes: number;
  /** CPU time of this host process so far (user + system), ms. */
  readonly cpuMs: number;
  /** Link connection attempts the servers made (each a TLS handshake started). */
  readonly dials: number;
  /** Most requests one server received. */
  readonly maxRequestsPerServer: number;
}

/** Messages the host answers with. */
export type SimHostReply =
  | {
      readonly type: 'ready';
      readonly servers: number;
      /** Declared link ends of the servers this host runs. */
      readonly links: number;
      readonly ms: number;
    }
  | { readonly type: 'online'; readonly atEpochMs: number; readonly polls: number }
  | ({ readonly type: 'stats' } & SimHostStats)
  | { readonly type: 'stopped'; readonly maxRssBytes: number; readonly cpuMs: number }
  | { readonly type: 'error'; readonly message: string };

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

function cpuMsNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function reply(message: SimHostReply): void {
  process.send?.(message);
}

let sim: Simulation | undefined;
/** Declared link ends of this host's servers: [server, neighbor]. */
let declared: (readonly [string, string])[] = [];
let watching: NodeJS.Timeout | undefined;

/** Number of this host's declared link ends whose server sees the link online. */
function onlineEnds(s: Simulation): number {
  const views = s.linkViews();
  let n = 0;
  for (const [server, neighbor] of declared) {
    if (views.get(server)?.some((v) => v.neighbor === neighbor && v.state === 'online')) n++;
  }
  return n;
}

async function handle(msg: SimHostRequest): Promise<void> {
  switch (msg.type) {
    case 'start': {
      const started = performance.now();
      const topology = (await loadTopology(msg.file)).topology;
      const mine = new Set(msg.only ?? topology.servers.keys());
      declared = topology.links.flatMap((l) => {
        const [a, b] = linkEnds(l);
        return [
          ...(mine.has(a) ? [[a, b] as const] : []),
          ...(mine.has(b) ? [[b, a] as const] : []),
        ];
      });
      sim = await startSimulation(msg.file, {
        credentials: msg.credentials,
        tls: msg.tls,
        faults: { latencyMs: msg.latencyMs },
        down: [...topology.servers.keys()].filter((n) => !mine.has(n)),
      });
      reply({
        type: 'ready',
        servers: mine.size,
        links: declared.length,
        ms: performance.now() - started,
      });
      return;
    }
    case 'watch': {
      const s = sim;
      if (!s) throw new Error('watch before start');
      let polls = 0;
      const poll = () => {
        polls++;
        if (onlineEnds(s) === declared.length) {
          watching = undefined;
          reply({ type: 'online', atEpochMs: epochNow(), polls });
          return;
        }
        watching = setTimeout(poll, msg.pollMs ?? 10);
      };
      poll();
      return;
    }
    case 'stats': {
      const s = sim;
      if (!s) throw new Error('stats before start');
      let requests = 0;
      let dials = 0;
      let maxRequestsPerServer = 0;
      for (const server of s.servers.values()) {
        requests += server.requests;
        dials += server.dials;
        maxRequestsPerServer = Math.max(maxRequestsPerServer, server.requests);
      }
      reply({
        type: 'stats',
        requests,
        writes: s.writes(),
        cpuMs: cpuMsNow(),
        dials,
        maxRequestsPerServer,
      });
      return;
    }
    case 'stop': {
      if (watching) clearTimeout(watching);
      await sim?.stop();
      const cpu = process.cpuUsage();
      reply({
        type: 'stopped',
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
      process.disconnect?.();
      return;
    }
  }
}

process.on('message', (msg: SimHostRequest) => {
  handle(msg).catch((err: unknown) => {
    reply({ type: 'error', message: (err as Error).stack ?? String(err) });
  });
});
