/**
 * Starts a whole emulated network in-process: one EmulatedServer per topology server, a throw-away
 * CA for the management APIs' HTTPS, shared fault controls. `avnet sim` runs this in the
 * foreground; tests and benchmarks call it directly.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, Logger, ServerState } from '../model/index.js';
import { silentLogger, systemClock } from '../model/index.js';
import {
  MAX_STATE_FILE_BYTES,
  encodeServerFileName,
  parseServerState,
} from '../backends/dir/state-file.js';
import { readRegularFile } from '../util/read-regular-file.js';
import type { LinkView } from '../backends/http/wire.js';
import { EmulatedServer } from './emulated-server.js';
import { FaultController, type FaultSettings } from './faults.js';
import {
  createManagementHandler,
  type RequestStats,
  type SimCredentials,
} from './management-api.js';
import { loadSimServers, SimConfigError } from './sim-config.js';
import { createSimTlsIdentity, identityForHosts, type SimTlsIdentity } from './sim-tls.js';

/** Options of a simulation. */
export interface SimulationOptions {
  /** Administrator credentials every server accepts. */
  readonly credentials: SimCredentials;
  /**
   * HTTPS identity to use (one is created when absent). When its certificate does not name every
   * api host of the topology, a new one is issued from its CA (which needs `caKeyPem`).
   */
  readonly tls?: SimTlsIdentity;
  /** Folder to write `ca.pem` into. */
  readonly tlsDir?: string;
  /** Initial faults. */
  readonly faults?: Partial<FaultSettings>;
  /** Servers that start down (not listening). */
  readonly down?: readonly string[];
  /** Seeds servers from dir-backend state files in this folder (missing files: fresh servers). */
  readonly stateDir?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Random source for faults and jitter. */
  readonly random?: () => number;
  /** Dialers' reconnect backoff (default 100 ms doubling up to 1 s). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Timeout of one handshake step (default 3 s). */
  readonly handshakeTimeoutMs?: number;
  /** Called with every link password a server learns, to redact it from logs. */
  readonly onSecret?: (value: string) => void;
  readonly allowOutsideRoot?: boolean;
}

/** A running simulation. */
export interface Simulation {
  /** Servers by name, in topology order. */
  readonly servers: ReadonlyMap<string, EmulatedServer>;
  /** PEM of the CA that signed the management APIs' certificate. */
  readonly caPem: string;
  /** Where `ca.pem` was written, when a tlsDir was given. */
  readonly caFile?: string;
  /** Fault settings, changeable while running. */
  readonly faults: FaultController;
  /** Takes a server down (stops listening, drops its links) or brings it back. */
  setDown(server: string, down: boolean): Promise<void>;
  /** Every server's view of its links. */
  linkViews(): Map<string, LinkView[]>;
  /** Management requests in flight now and at most so far, over all servers. */
  readonly stats: RequestStats;
  /** Writes applied, over all servers. */
  writes(): number;
  /** Stops every server. */
  stop(): Promise<void>;
}

async function readSeed(dir: string, name: string): Promise<ServerState | undefined> {
  const file = path.join(dir, encodeServerFileName(name));
  // A FIFO or a device here must not hang the emulator's start: see readRegularFile.
  const read = await readRegularFile(file, { limit: MAX_STATE_FILE_BYTES });
  if (!read.ok) {
    if (read.kind === 'missing') return undefined;
    throw new SimConfigError([`state file ${read.message}`]);
  }
  const parsed = parseServerState(read.bytes.toString('utf8'));
  if (!parsed.ok) throw new SimConfigError([`state file ${file} is ${parsed.reason}`]);
  if (parsed.state.name !== name)
    throw new SimConfigError([
      `state file ${file} holds server "${parsed.state.name}", not "${name}"`,
    ]);
  return parsed.state;
}

/** Starts the emulated servers of a topology file; rejects with SimConfigError for a bad topology. */
export async function startSimulation(
  topologyFile: string,
  options: SimulationOptions,
): Promise<Simulation> {
  if (!options.credentials.user || !options.credentials.password) {
    throw new SimConfigError(['the emulator needs administrator credentials (user and password)']);
  }
  const specs = await loadSimServers(topologyFile, { allowOutsideRoot: options.allowOutsideRoot });
  const unknownDown = (options.down ?? []).filter((d) => !specs.some((s) => s.name === d));
  if (unknownDown.length > 0)
    throw new SimConfigError([`--down names unknown server(s): ${unknownDown.join(', ')}`]);
  // Clients check that the certificate names the URL's host: it must name every api host served.
  const apiHosts = specs.map((s) => s.api.host);
  const tls = options.tls
    ? identityForHosts(options.tls, apiHosts)
    : createSimTlsIdentity(apiHosts);
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? Math.random;
  const faults = new FaultController(options.faults, random);
  const stats: RequestStats = { inFlight: 0, maxInFlight: 0 };
  const handler = createManagementHandler({
    credentials: options.credentials,
    faults,
    logger,
    stats,
  });
  const servers = new Map<string, EmulatedServer>();
  for (const spec of specs) {
    const initial = options.stateDir ? await readSeed(options.stateDir, spec.name) : undefined;
    servers.set(
      spec.name,
      new EmulatedServer(
        {
          spec,
          httpsIdentity: { certPem: tls.certPem, keyPem: tls.keyPem },
          faults,
          logger,
          clock: options.clock ?? systemClock,
          random,
          backoff: options.backoff ?? { baseMs: 100, maxMs: 1000 },
          handshakeTimeoutMs: options.handshakeTimeoutMs ?? 3000,
          onSecret: options.onSecret,
          initial,
        },
        handler,
      ),
    );
  }
  let caFile: string | undefined;
  if (options.tlsDir) {
    await mkdir(options.tlsDir, { recursive: true });
    caFile = path.join(options.tlsDir, 'ca.pem');
    await writeFile(caFile, tls.caPem, { mode: 0o644 });
  }
  const down = new Set(options.down ?? []);
  const started: EmulatedServer[] = [];
  try {
    for (const s of servers.values()) {
      if (down.has(s.name)) continue;
      await s.start();
      started.push(s);
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
  return {
    servers,
    caPem: tls.caPem,
    ...(caFile ? { caFile } : {}),
    faults,
    stats,
    async setDown(name, isDown) {
      const s = servers.get(name);
      if (!s) throw new Error(`unknown server ${name}`);
      if (isDown) await s.stop();
      else await s.start();
    },
    linkViews() {
      return new Map([...servers].map(([n, s]) => [n, s.isDown ? [] : s.linkViews()]));
    },
    writes() {
      let n = 0;
      for (const s of servers.values()) n += s.writes;
      return n;
    },
    async stop() {
      await Promise.all([...servers.values()].map((s) => s.stop()));
    },
  };
}
