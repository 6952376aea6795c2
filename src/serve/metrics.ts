/**
 * The Prometheus metrics of `avnet serve` (GET /metrics; ../shared/spec/serve.md, "Metrics"):
 * status gauges set from the whole status object, counters and histograms fed by finished
 * cycles and git fetches, plus prom-client's standard process and Node.js metrics. Every
 * instance has its own registry, so several agents (or tests) in one process never share series.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  CYCLE_OUTCOMES,
  CYCLE_TRIGGERS,
  HEALTH_STATUSES,
  SYNC_STATUSES,
  type HistoryEntry,
  type ServeStatus,
  type SyncStatus,
} from './serve-model.js';

/** The metrics of one serve instance. */
export interface ServeMetrics {
  /** The instance's own registry (never prom-client's global one). */
  readonly registry: Registry;
  /** Sets every status gauge from the whole status; servers and links absent from it disappear. */
  observeStatus(status: ServeStatus): void;
  /** Counts a finished cycle, its duration (finishedAt − startedAt) and its writes. */
  observeCycle(entry: HistoryEntry): void;
  /** Counts a git fetch and its duration in seconds. */
  observeFetch(outcome: 'success' | 'failure', seconds: number): void;
  /** The Prometheus text exposition of every metric, with its Content-Type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Fetch outcomes, initialised at zero so that rate() and increase() work from the first scrape. */
const FETCH_OUTCOMES = ['success', 'failure'] as const;

// Cycles range from a no-change re-plan (tens of ms) to a large apply that waits for links (minutes).
const CYCLE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
// A fetch is one git round trip: sub-second on a LAN, tens of seconds on a slow or failing remote.
const FETCH_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The two families with a series per server and per link. */
const SERVER_SYNC = 'avnet_server_sync_status';
const LINK_ONLINE = 'avnet_link_online';

/** How often the event-loop delay is sampled (the nodejs_eventloop_lag_* gauges), ms. */
const EVENT_LOOP_SAMPLE_MS = 100;

/** One link's series of avnet_link_online and its value. */
interface LinkSeries {
  readonly labels: { readonly a: string; readonly b: string; readonly type: string };
  readonly online: 0 | 1;
}

/** A non-negative finite number, or undefined (prom-client throws on a negative counter increment). */
function nonNegative(value: number): number | undefined {
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Creates the metrics of one serve instance, with the standard process and Node.js metrics. */
export function createServeMetrics(): ServeMetrics {
  const registry = new Registry();
  // prom-client samples the event-loop delay every 10 ms by default: 100 wake-ups a second, which
  // were almost all of an idle serve's CPU (0.9% of a core; 0.1% at 100 ms). Sampled every 100 ms,
  // the lag gauges still see every stall longer than that.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const registers = [registry];

  const syncStatus = new Gauge({
    name: 'avnet_sync_status',
    help: 'Whether the servers match the head revision: 1 for the current status (Synced, OutOfSync or Unknown), 0 for the others.',
    labelNames: ['status'] as const,
    registers,
  });
  const healthStatus = new Gauge({
    name: 'avnet_health_status',
    help: 'Whether the desired links are online: 1 for the current status (Healthy, Progressing, Degraded or Unknown), 0 for the others.',
    labelNames: ['status'] as const,
    registers,
  });
  const serverSync = new Gauge({
    name: SERVER_SYNC,
    help: "Whether a server's actual state matches the head revision: 1 for its current status (Synced, OutOfSync or Unknown), 0 for the others.",
    labelNames: ['server', 'status'] as const,
    registers,
  });
  const linkOnline = new Gauge({
    name: LINK_ONLINE,
    help: 'Whether a desired link between servers a and b is online (1) or offline or unknown (0).',
    labelNames: ['a', 'b', 'type'] as const,
    registers,
  });
  const cycles = new Counter({
    name: 'avnet_cycles_total',
    help: 'Reconciliation cycles finished, by what started them and how they ended.',
    labelNames: ['trigger', 'outcome'] as const,
    registers,
  });
  const cycleDuration = new Histogram({
    name: 'avnet_cycle_duration_seconds',
    help: 'How long reconciliation cycles took, from start to finish, by what started them.',
    labelNames: ['trigger'] as const,
    buckets: CYCLE_BUCKETS,
    registers,
  });
  const writes = new Counter({
    name: 'avnet_writes_total',
    help: 'Writes made to servers by finished cycles (protocol changes, entries written and deleted).',
    registers,
  });
  const fetches = new Counter({
    name: 'avnet_git_fetch_total',
    help: 'Fetches of the git source, by outcome (success or failure).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const fetchDuration = new Histogram({
    name: 'avnet_git_fetch_duration_seconds',
    help: 'How long fetches of the git source took, successful or not.',
    buckets: FETCH_BUCKETS,
    registers,
  });
  const lastApplied = new Gauge({
    name: 'avnet_last_applied_timestamp_seconds',
    help: 'When the servers were last brought to (or found at) the applied revision, in seconds since the Unix epoch; absent until then.',
    registers,
  });
  const revisionInfo = new Gauge({
    name: 'avnet_applied_revision_info',
    help: 'The revision the servers were last brought to (or found at), as the revision label; always 1.',
    labelNames: ['revision'] as const,
    registers,
  });

  // Every label combination known in advance starts at zero, so a series exists before its first event.
  for (const trigger of CYCLE_TRIGGERS) {
    for (const outcome of CYCLE_OUTCOMES) cycles.inc({ trigger, outcome }, 0);
    cycleDuration.zero({ trigger });
  }
  for (const outcome of FETCH_OUTCOMES) fetches.inc({ outcome }, 0);
  // A gauge without labels starts at 0, which would read as "applied in 1970": absent until known.
  lastApplied.remove();

  let serverSeries = new Map<string, SyncStatus>();
  let linkSeries = new Map<string, LinkSeries>();

  // The per-server and per-link families are most of the page (8,000 series, 0.5 MB at 2,000
  // servers) and change only when a status does, while every scrape formatted all of them again
  // (~45 ms of CPU). Their text is kept between scrapes and dropped when one of their series is
  // set or removed; the promise is kept, so a change during a render is never cached over.
  const formatted = new Map<string, Promise<string>>();
  const changed = (name: string) => formatted.delete(name);

  return {
    registry,

    observeStatus(status) {
      for (const s of SYNC_STATUSES)
        syncStatus.set({ status: s }, s === status.sync.status ? 1 : 0);
      for (const s of HEALTH_STATUSES) {
        healthStatus.set({ status: s }, s === status.health.status ? 1 : 0);
      }
      // The serve loop calls this on every status it publishes, mostly unchanged: only series whose
      // value changed are touched (a map lookup each), and servers or links that left the status
      // leave the metrics. One pass over the status, whatever changed.
      const servers = new Map<string, SyncStatus>();
      for (const server of status.servers) {
        const before = serverSeries.get(server.name);
        if (before !== server.sync) {
          for (const s of SYNC_STATUSES) {
            if (before === undefined || s === before || s === server.sync) {
              serverSync.set({ server: server.name, status: s }, s === server.sync ? 1 : 0);
            }
          }
          changed(SERVER_SYNC);
        }
        servers.set(server.name, server.sync);
      }
      for (const name of serverSeries.keys()) {
        if (!servers.has(name)) {
          for (const s of SYNC_STATUSES) serverSync.remove({ server: name, status: s });
          changed(SERVER_SYNC);
        }
      }
      serverSeries = servers;

      const links = new Map<string, LinkSeries>();
      for (const link of status.links) {
        const key = `${link.a}\u0000${link.b}\u0000${link.type}`;
        const online = link.state === 'online' ? 1 : 0;
        const before = linkSeries.get(key);
        const labels = before?.labels ?? { a: link.a, b: link.b, type: link.type };
        if (before?.online !== online) {
          linkOnline.set(labels, online);
          changed(LINK_ONLINE);
        }
        links.set(key, { labels, online });
      }
      for (const [key, series] of linkSeries) {
        if (!links.has(key)) {
          linkOnline.remove(series.labels);
          changed(LINK_ONLINE);
        }
      }
      linkSeries = links;

      lastApplied.remove();
      const appliedAt = status.sync.appliedAt === null ? NaN : Date.parse(status.sync.appliedAt);
      if (Number.isFinite(appliedAt)) lastApplied.set(appliedAt / 1000);
      revisionInfo.reset();
      if (status.sync.revision !== null) revisionInfo.set({ revision: status.sync.revision }, 1);
    },

    observeCycle(entry) {
      cycles.inc({ trigger: entry.trigger, outcome: entry.outcome });
      const seconds = nonNegative(
        (Date.parse(entry.finishedAt) - Date.parse(entry.startedAt)) / 1000,
      );
      if (seconds !== undefined) cycleDuration.observe({ trigger: entry.trigger }, seconds);
      const written = nonNegative(entry.writes);
      if (written) writes.inc(written);
    },

    observeFetch(outcome, seconds) {
      fetches.inc({ outcome });
      const s = nonNegative(seconds);
      if (s !== undefined) fetchDuration.observe(s);
    },

    async render() {
      // As registry.metrics() renders the text format: every family in registration order.
      const families = registry.getMetricsAsArray().map(({ name }) => {
        if (name !== SERVER_SYNC && name !== LINK_ONLINE)
          return registry.getSingleMetricAsString(name);
        let text = formatted.get(name);
        if (!text) formatted.set(name, (text = registry.getSingleMetricAsString(name)));
        return text;
      });
      return {
        contentType: registry.contentType,
        body: `${(await Promise.all(families)).join('\n\n')}\n`,
      };
    },
  };
}
