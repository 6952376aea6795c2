/**
 * `avnet plan` / `avnet apply` as a library call: `reconcileOnce` with the dir or the http backend,
 * the pipeline of the CLI commands. The backend is wrapped to record when its calls start and end,
 * so the report can split the reconcile into its stages (check + render, read, apply, verify).
 * Secrets come from the process environment, as for the CLI.
 */
import path from 'node:path';
import {
  createBackend,
  type Backend,
  type ServerChange,
  type ServerEndpoint,
} from '../../src/backends/index.js';
import {
  failedServers,
  keepBackend,
  ranApply,
  readingOf,
  reconcileOnce,
} from '../../src/engine/index.js';
import { describeRefusal } from '../../src/output/index.js';
import {
  changedFieldNames,
  changedNeighbor,
  quietContext,
  type Context,
} from '../../src/model/index.js';
import { waitForLinks } from '../../src/status/index.js';
import type { TaskOutcome } from '../lib/child.js';

/** Arguments of the reconcile task. */
export interface ReconcileArgs {
  readonly file: string;
  readonly mode: 'plan' | 'apply';
  readonly backend: 'dir' | 'http';
  /** dir: the state folder. */
  readonly state?: string;
  /** http: the CA file the management APIs' certificate is checked against. */
  readonly ca?: string;
  readonly concurrency?: number;
  /** Report every change of the plan when it has at most this many (default 10). */
  readonly listChanges?: number;
  /** After an apply: wait until every link is online, as `apply --wait` does. */
  readonly waitLinks?: { readonly timeoutMs: number; readonly intervalMs?: number };
}

/** One change of the plan, as reported to the suite. */
export interface ReportedChange {
  readonly server: string;
  readonly action: string;
  readonly neighbor?: string;
  readonly fields: readonly string[];
}

/** Start and end of a backend call, ms on the shared epoch clock (timeOrigin + now). */
interface CallSpan {
  readonly kind: 'read' | 'write';
  readonly start: number;
  readonly end: number;
}

/** What the reconcile task reports. */
export interface ReconcileReport {
  readonly outcome: string;
  readonly message?: string;
  readonly servers: number;
  readonly links: number;
  readonly diagnostics: number;
  readonly changes: number;
  readonly summary: Readonly<Record<string, number>>;
  readonly planErrors: readonly string[];
  readonly changeList?: readonly ReportedChange[];
  readonly writes: number;
  readonly failedServers: number;
  /** Servers the apply wrote to, and the most writes one server took. */
  readonly serversWritten: number;
  readonly maxWritesPerServer: number;
  readonly verifyChanges?: number;
  /** Backend calls made by the reconcile (reads include the verify stage). */
  readonly backendReads: number;
  readonly backendWrites: number;
  /** Epoch ms: reconcile start and end, first and last backend call. */
  readonly startEpochMs: number;
  readonly endEpochMs: number;
  /** Stage durations, ms: load + validate + render, read, plan, apply, verify. */
  readonly stages: {
    readonly checkMs: number;
    readonly readMs: number;
    readonly planMs: number;
    readonly applyMs: number;
    readonly verifyMs: number;
  };
  /** Time of the first to the last backend call (the part the network's latency governs), ms. */
  readonly backendSpanMs: number;
  /** Backend calls in flight at once during the reconcile: the most, and the mean over its span. */
  readonly callsInFlight: { readonly max: number; readonly mean: number };
  readonly totalMs: number;
  readonly wait?: { outcome: string; elapsedMs: number; online: number; total: number };
  /** http backend: requests sent (attempts, retries included) by the reconcile, and in all. */
  readonly httpAttempts?: { readonly reconcile: number; readonly total: number };
}

/** Requests the http backend's client has sent so far (undefined for other backends). */
function httpAttempts(backend: Backend | undefined): number | undefined {
  const client = (backend as { client?: { attempts?: unknown } } | undefined)?.client;
  return typeof client?.attempts === 'number' ? client.attempts : undefined;
}

/** First call sent to last answer, ms (0 without calls). */
function callsSpan(list: readonly CallSpan[]): number {
  return list.length === 0
    ? 0
    : Math.max(...list.map((s) => s.end)) - Math.min(...list.map((s) => s.start));
}

/** Most backend calls in flight at once, and the time-weighted mean over first call to last answer. */
function callsInFlight(spans: readonly CallSpan[]): { max: number; mean: number } {
  // An end sorts before a start at the same instant: back-to-back calls do not overlap.
  const edges = spans
    .flatMap((s) => [
      [s.start, 1],
      [s.end, -1],
    ])
    .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) {
    now += d!;
    max = Math.max(max, now);
  }
  const busy = spans.reduce((n, s) => n + (s.end - s.start), 0);
  const total = callsSpan(spans);
  return { max, mean: total > 0 ? busy / total : 0 };
}

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Wraps a backend to record the span of every read and write. */
function recording(backend: Backend, spans: CallSpan[]): Backend {
  const timed = async <T>(kind: CallSpan['kind'], fn: () => Promise<T>): Promise<T> => {
    const start = epochNow();
    try {
      return await fn();
    } finally {
      spans.push({ kind, start, end: epochNow() });
    }
  };
  return {
    type: backend.type,
    listServers: (ctx) => backend.listServers(ctx),
    readServer: (name, ctx) => timed('read', () => backend.readServer(name, ctx)),
    applyChange: (name, change: ServerChange, ctx) =>
      timed('write', () => backend.applyChange(name, change, ctx)),
    describeServer: (name) => backend.describeServer(name),
    close: () => backend.close(),
    ...(backend.acquireLock
      ? { acquireLock: (op: string, ctx: Context) => backend.acquireLock!(op, ctx) }
      : {}),
    ...(backend.linkStatus ? { linkStatus: (ctx: Context) => backend.linkStatus!(ctx) } : {}),
  };
}

/** Runs one reconcile (and the optional wait for links); reports counts and stage times. */
export async function reconcileTask(args: ReconcileArgs): Promise<TaskOutcome> {
  const ctx = quietContext();
  const spans: CallSpan[] = [];
  let real: Backend | undefined;
  let backendAt = 0;
  const startEpochMs = epochNow();
  // Kept open past the reconcile: the optional wait polls the same backend.
  const backends = keepBackend(async (endpoints: readonly ServerEndpoint[]) => {
    backendAt = epochNow();
    real = await createBackend(args.backend, {
      topologyDir: path.dirname(path.resolve(args.file)),
      stateDir: args.state,
      endpoints,
      env: process.env,
      caFile: args.ca,
      concurrency: args.concurrency,
    });
    return recording(real, spans);
  });
  const result = await reconcileOnce(
    { file: args.file, mode: args.mode, concurrency: args.concurrency, backend: backends },
    ctx,
  );
  const endEpochMs = epochNow();
  const attemptsReconcile = httpAttempts(real);
  const reading = readingOf(result);
  const plan = reading?.plan;
  const applied = ranApply(result) ? result : undefined;
  const writes = spans.filter((s) => s.kind === 'write');
  const firstWrite = Math.min(...writes.map((s) => s.start));
  const lastWrite = Math.max(...writes.map((s) => s.end));
  const reads = spans.filter((s) => s.kind === 'read');
  const planReads = reads.filter((s) => writes.length === 0 || s.start < firstWrite);
  const verifyReads = reads.filter((s) => writes.length > 0 && s.start >= lastWrite);
  const readEnd = planReads.length > 0 ? Math.max(...planReads.map((s) => s.end)) : backendAt;
  const perServer = applied?.apply.servers ?? [];
  let wait: ReconcileReport['wait'];
  if (args.waitLinks && real && result.outcome === 'applied') {
    const waited = await waitForLinks(
      {
        topology: result.checked.loaded.topology,
        backend: real,
        timeoutMs: args.waitLinks.timeoutMs,
        intervalMs: args.waitLinks.intervalMs,
        concurrency: args.concurrency,
      },
      ctx,
    );
    const declared = waited.report?.declared ?? 0;
    const offline = waited.report
      ? waited.report.links.slice(0, declared).filter((l) => l.state !== 'online').length
      : declared;
    wait = {
      outcome: waited.outcome,
      elapsedMs: epochNow() - startEpochMs,
      online: declared - offline,
      total: declared,
    };
  }
  const attemptsTotal = httpAttempts(real);
  await backends.close();
  const limit = args.listChanges ?? 10;
  const report: ReconcileReport = {
    outcome: result.outcome,
    ...(result.outcome === 'refused' ? { message: describeRefusal(result.refusal) } : {}),
    servers: result.checked.loaded.topology.servers.size,
    links: result.checked.loaded.topology.links.length,
    diagnostics: result.diagnostics.length,
    changes: plan?.changes.length ?? 0,
    summary: { ...(plan?.summary ?? {}) },
    planErrors: (plan?.errors ?? []).slice(0, 5).map((e) => `${e.server}: ${e.message}`),
    ...(plan && plan.changes.length <= limit
      ? {
          changeList: plan.changes.map((c) => ({
            server: c.server,
            action: c.action,
            ...(changedNeighbor(c) !== undefined ? { neighbor: changedNeighbor(c) } : {}),
            fields: changedFieldNames(c),
          })),
        }
      : {}),
    writes: applied?.apply.writes ?? 0,
    failedServers: applied ? failedServers(applied) : 0,
    serversWritten: perServer.filter((s) => s.writes > 0).length,
    maxWritesPerServer: Math.max(0, ...perServer.map((s) => s.writes)),
    ...(applied
      ? {
          verifyChanges:
            applied.verify.status === 'pending' || applied.verify.status === 'unverified'
              ? applied.verify.plan.changes.length
              : 0,
        }
      : {}),
    backendReads: reads.length,
    backendWrites: writes.length,
    startEpochMs,
    endEpochMs,
    stages: {
      checkMs: (backendAt || endEpochMs) - startEpochMs,
      readMs: backendAt ? readEnd - backendAt : 0,
      planMs: backendAt ? (writes.length > 0 ? firstWrite : endEpochMs) - readEnd : 0,
      applyMs: writes.length > 0 ? lastWrite - firstWrite : 0,
      verifyMs: verifyReads.length > 0 ? endEpochMs - lastWrite : 0,
    },
    backendSpanMs: callsSpan(spans),
    callsInFlight: callsInFlight(spans),
    totalMs: endEpochMs - startEpochMs,
    ...(wait ? { wait } : {}),
    ...(attemptsReconcile !== undefined && attemptsTotal !== undefined
      ? { httpAttempts: { reconcile: attemptsReconcile, total: attemptsTotal } }
      : {}),
  };
  return { result: report, retained: result };
}
