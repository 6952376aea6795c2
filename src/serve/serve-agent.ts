/**
 * The agent behind `avnet serve`: reads its source (a git ref or a local file), runs cycles through
 * the same engine as `plan`/`apply` (never two at once; triggers that arrive meanwhile coalesce
 * into one more), keeps the last good revision applied when the head does not validate, heals drift
 * on an interval, follows link states, and keeps the status, history, metrics and notifications
 * that the HTTP API shows. One backend is kept open for the agent's whole life.
 */
import path from 'node:path';
import type { Context, LinkStatus, Logger, Topology } from '../model/index.js';
import {
  keepBackend,
  knownSecretValues,
  ranApply,
  readingOf,
  reconcileOnce,
  type BackendKeeper,
  type OpenBackend,
  type Reading,
  type ReconcileResult,
} from '../engine/index.js';
import { collectLinkStatus } from '../status/index.js';
import { planToJson } from '../plan/index.js';
import { describeRefusal, formatDiagnosticsJson } from '../output/index.js';
import { watchedFilesOf } from '../watch/index.js';
import type { Notifier } from './notifier.js';
import type { ServeMetrics } from './metrics.js';
import {
  emptyServeState,
  loadServeState,
  saveServeState,
  withHistoryEntry,
  type PersistedServeState,
} from './serve-state.js';
import type {
  CycleOutcome,
  CycleTrigger,
  HealthStatus,
  HistoryEntry,
  InvalidRevision,
  LinkStatusEntry,
  Notification,
  NotificationEvent,
  ServeStatus,
  ServerDetail,
  ServerStatus,
  SyncStatus,
} from './serve-model.js';
import { serverDetail } from './server-detail.js';
import { fetchBackoff } from './git-backoff.js';
import type { TopologySnapshot, TopologySource } from './source.js';

/** The engine options serve passes on every cycle (from the command's flags). */
export interface ServeReconcileOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly targets?: readonly string[];
  readonly allowEmpty?: boolean;
  readonly allowOutsideRoot?: boolean;
  readonly expiryWarningSeconds?: number;
  readonly strict?: boolean;
  readonly concurrency?: number;
}

/** Options of the agent. */
export interface ServeAgentOptions {
  readonly source: TopologySource;
  /** Apply changes and heal drift; without it serve only plans and reports. */
  readonly apply: boolean;
  /** Where history and the last applied revision persist. */
  readonly dataDir: string;
  /** Opens the backend (kept open across cycles, reopened when the servers change). */
  readonly openBackend: OpenBackend;
  readonly reconcile: ServeReconcileOptions;
  /** Drift check: re-read and re-plan this often (ms); 0 turns it off. */
  readonly intervalMs: number;
  /** Fetch the git source this often (ms); 0: only on webhooks and manual syncs. */
  readonly fetchIntervalMs: number;
  /** Poll link states this often (ms); 0 turns it off. */
  readonly linkIntervalMs: number;
  /** After an apply, links still coming up within this time make the health Progressing (ms). */
  readonly waitMs: number;
  /** Wait after a file change before the cycle (file source), ms. */
  readonly debounceMs?: number;
  readonly notifier?: Notifier;
  readonly metrics?: ServeMetrics;
  /** Called with every secret value a cycle loaded (link passwords), for redaction. */
  readonly onSecrets?: (values: readonly string[]) => void;
  /** serve's own lines (one per cycle, at info); the engine logs through the context's logger. */
  readonly logger?: Logger;
}

/** What the agent tells its listeners (the event stream). */
export type AgentEvent =
  | { readonly type: 'status'; readonly status: ServeStatus }
  | { readonly type: 'cycle'; readonly entry: HistoryEntry };

interface CycleRequest {
  trigger: CycleTrigger;
  /** Read the source first (fetch for git, re-read for a file). */
  fetch: boolean;
  /** Skip the cycle when the source has no new revision (polling, file events). */
  onlyIfNew: boolean;
}

/** Delay before retrying a cycle that failed (locked state, unreadable server), ms. */
const RETRY_MS = 10_000;

/** Which trigger a merged request reports: the one a person or a push caused wins. */
const TRIGGER_RANK: Record<CycleTrigger, number> = {
  manual: 5,
  webhook: 4,
  commit: 3,
  change: 3,
  start: 2,
  interval: 1,
};

function linkKey(l: { a: string; b: string }): string {
  return `${l.a}\0${l.b}`;
}

/** A link as the status shows it: a side that cannot be read makes its state unknown. */
function statusEntryOf(l: LinkStatus, since: string | null): LinkStatusEntry {
  const state =
    l.state === 'online' ? 'online' : l.reason === 'server-unreachable' ? 'unknown' : 'offline';
  return { a: l.a, b: l.b, type: l.type, state, reason: l.reason, detail: l.detail, since };
}

/** The always-on agent. */
export class ServeAgent {
  private readonly backends: BackendKeeper;
  private persisted: PersistedServeState = emptyServeState();
  private head: TopologySnapshot | null = null;
  private invalid: InvalidRevision | null = null;
  private reading: Reading | null = null;
  private topology: Topology | null = null;
  private lastApplyAt = 0;
  private links = new Map<string, LinkStatusEntry>();
  private linksRead = false;
  private serverErrors = new Map<string, string>();
  private running = false;
  private queued: CycleRequest | undefined;
  private stopping = false;
  private cyclesDone = 0;
  private fetchFailures = 0;
  private lastDriftKey: string | null = null;
  private readonly listeners = new Set<(e: AgentEvent) => void>();
  private lastStatusJson = '';
  private fetchTimer: NodeJS.Timeout | undefined;
  private intervalTimer: NodeJS.Timeout | undefined;
  private linkTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private linkPolling: Promise<void> | undefined;
  private idle: Promise<void> = Promise.resolve();
  private saving: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  private ctx!: Context;
  private log!: Logger;

  constructor(private readonly opts: ServeAgentOptions) {
    this.backends = keepBackend(opts.openBackend);
  }

  /** Loads the persisted state: history and the last applied revision are reported at once. */
  async load(ctx: Context): Promise<{ note: string | null }> {
    this.ctx = ctx;
    this.log = this.opts.logger ?? ctx.logger;
    const loaded = await loadServeState(this.opts.dataDir);
    this.persisted = loaded.state;
    if (loaded.note) this.log.warn({ note: loaded.note }, 'serve: history could not be read');
    return { note: loaded.note };
  }

  /** Starts the first cycle and the timers (after `load`, once the API answers). */
  start(): void {
    this.request({ trigger: 'start', fetch: true, onlyIfNew: false });
    if (this.opts.linkIntervalMs > 0) this.scheduleLinks();
  }

  /** Asks for a cycle (webhook, manual sync, file change); coalesces with a running one. */
  trigger(trigger: 'webhook' | 'manual' | 'change'): void {
    if (trigger === 'change') {
      // A save is several file events: wait for the last one.
      if (this.debounceTimer) clearTimeout(this.debounceTimer);
      this.debounceTimer = setTimeout(() => {
        this.debounceTimer = undefined;
        this.request({ trigger: 'change', fetch: true, onlyIfNew: true });
      }, this.opts.debounceMs ?? 300);
      return;
    }
    this.request({ trigger, fetch: true, onlyIfNew: false });
  }

  /** True once the first cycle has finished, whatever its outcome. */
  ready(): boolean {
    return this.cyclesDone > 0;
  }

  /** Subscribes to status changes and finished cycles; returns the unsubscribe function. */
  subscribe(listener: (e: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The history, newest first. */
  history(limit = 50): HistoryEntry[] {
    return this.persisted.history.slice(0, Math.max(0, Math.min(limit, 1000)));
  }

  /** The pending plan as `avnet plan --format json`, or null before the first reading. */
  plan(): Record<string, unknown> | null {
    return this.reading ? planToJson(this.reading.plan) : null;
  }

  /** One server's entries, desired next to actual, or null when the topology has no such server. */
  serverDetail(name: string): ServerDetail | null {
    const status = this.serverStatuses().find((s) => s.name === name);
    if (!status) return null;
    return serverDetail(status, this.reading?.desired.get(name), this.reading?.actual.get(name));
  }

  /** The status object of the spec. */
  status(): ServeStatus {
    const links = [...this.links.values()];
    const online = links.filter((l) => l.state === 'online').length;
    const unknown = links.filter((l) => l.state === 'unknown').length;
    const offline = links.length - online - unknown;
    const last = this.persisted.history[0];
    return {
      source: this.opts.source.status(),
      sync: {
        status: this.syncStatus(),
        revision: this.persisted.applied?.revision ?? null,
        appliedAt: this.persisted.applied?.at ?? null,
        invalid: this.invalid,
      },
      health: { status: this.healthStatus(links), online, offline, unknown },
      servers: this.serverStatuses(),
      links,
      lastCycle: last
        ? {
            id: last.id,
            trigger: last.trigger,
            outcome: last.outcome,
            startedAt: last.startedAt,
            durationMs: Date.parse(last.finishedAt) - Date.parse(last.startedAt),
          }
        : null,
    };
  }

  /** Finishes the running cycle, stops timers, closes the source and the backend. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queued = undefined;
    for (const t of [this.fetchTimer, this.intervalTimer, this.linkTimer, this.debounceTimer])
      if (t) clearTimeout(t);
    await this.idle;
    await this.linkPolling;
    await this.saving;
    await this.opts.source.close();
    await this.backends.close();
  }

  private syncStatus(): SyncStatus {
    if (this.invalid) return 'OutOfSync';
    if (!this.reading) return 'Unknown';
    if (this.reading.unread.length > 0) return 'Unknown';
    return this.reading.plan.changes.length > 0 ? 'OutOfSync' : 'Synced';
  }

  private healthStatus(links: readonly LinkStatusEntry[]): HealthStatus {
    if (!this.linksRead || !this.topology) return 'Unknown';
    const declared = links.filter((l) => this.topology!.servers.has(l.a));
    if (declared.every((l) => l.state === 'online')) return 'Healthy';
    if (this.ctx.clock.now().getTime() - this.lastApplyAt < this.opts.waitMs) return 'Progressing';
    return 'Degraded';
  }

  private serverStatuses(): ServerStatus[] {
    const names = this.topology ? [...this.topology.servers.keys()] : [];
    const unread = new Map((this.reading?.unread ?? []).map((e) => [e.server, e.message]));
    const pending = new Map<string, number>();
    for (const c of this.reading?.plan.changes ?? [])
      pending.set(c.server, (pending.get(c.server) ?? 0) + 1);
    return names.map((name) => {
      const error = unread.get(name) ?? this.serverErrors.get(name) ?? null;
      const n = pending.get(name) ?? 0;
      const sync: SyncStatus =
        !this.reading || unread.has(name) ? 'Unknown' : n > 0 ? 'OutOfSync' : 'Synced';
      return { name, sync, pending: n, error };
    });
  }

  private emit(e: AgentEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'serve: a listener failed');
      }
    }
  }

  /** Tells listeners and metrics about the status, when it changed. */
  private publishStatus(): void {
    const status = this.status();
    this.opts.metrics?.observeStatus(status);
    const json = JSON.stringify(status);
    if (json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    this.emit({ type: 'status', status });
  }

  private notify(
    event: NotificationEvent,
    severity: Notification['severity'],
    text: string,
    extra: Partial<Pick<Notification, 'servers' | 'links' | 'revision'>> = {},
  ): void {
    this.opts.notifier?.notify({
      event,
      severity,
      text,
      revision: extra.revision ?? this.head?.revision ?? null,
      servers: extra.servers ?? [],
      links: extra.links ?? [],
      at: this.ctx.clock.now().toISOString(),
    });
  }

  private request(req: CycleRequest): void {
    if (this.stopping) return;
    if (this.running) {
      if (!this.queued) this.queued = { ...req };
      else {
        this.queued.fetch ||= req.fetch;
        this.queued.onlyIfNew &&= req.onlyIfNew;
        if (TRIGGER_RANK[req.trigger] > TRIGGER_RANK[this.queued.trigger])
          this.queued.trigger = req.trigger;
      }
      return;
    }
    this.running = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    void this.cycle(req).finally(() => {
      this.running = false;
      this.markIdle();
      const next = this.queued;
      this.queued = undefined;
      if (next && !this.stopping) this.request(next);
    });
  }

  private scheduleFetch(ms: number): void {
    if (this.fetchTimer) clearTimeout(this.fetchTimer);
    this.fetchTimer = undefined;
    if (this.stopping || ms <= 0) return;
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = undefined;
      this.request({
        trigger: this.opts.source.type === 'git' ? 'commit' : 'change',
        fetch: true,
        onlyIfNew: true,
      });
    }, ms);
  }

  /** The next drift check: after the interval, or sooner (a retry) when the last cycle failed. */
  private scheduleInterval(retry = false): void {
    if (this.intervalTimer) clearTimeout(this.intervalTimer);
    this.intervalTimer = undefined;
    if (this.stopping) return;
    const ms = retry
      ? Math.min(RETRY_MS, this.opts.intervalMs > 0 ? this.opts.intervalMs : RETRY_MS)
      : this.opts.intervalMs;
    if (ms <= 0) return;
    this.intervalTimer = setTimeout(() => {
      this.intervalTimer = undefined;
      this.request({ trigger: 'interval', fetch: false, onlyIfNew: false });
    }, ms);
  }

  private scheduleLinks(): void {
    if (this.stopping) return;
    this.linkTimer = setTimeout(() => {
      this.linkTimer = undefined;
      if (!this.running)
        this.linkPolling = this.pollLinks().finally(() => (this.linkPolling = undefined));
      void (this.linkPolling ?? Promise.resolve()).then(() => this.scheduleLinks());
    }, this.opts.linkIntervalMs);
    this.linkTimer.unref?.();
  }

  /** Reads the link states and tells listeners (and notification receivers) what changed. */
  private async pollLinks(justRead?: Reading): Promise<void> {
    const topology = this.topology;
    if (!topology || this.stopping) return;
    try {
      const backend = await this.backends.backendFor(
        [...topology.servers.values()].map((s) => ({
          name: s.name,
          version: s.version,
          api: s.api,
        })),
      );
      const report = await collectLinkStatus(
        {
          topology,
          backend,
          targets: this.opts.reconcile.targets,
          concurrency: this.opts.reconcile.concurrency,
          ...(justRead ? { justRead: { servers: justRead.actual, errors: justRead.unread } } : {}),
          onStates: (states) => {
            for (const s of states.values())
              this.opts.onSecrets?.(s.neighbors.map((e) => e.password ?? ''));
          },
        },
        this.ctx,
      );
      this.updateLinks(report.links);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'serve: link states could not be read');
    }
    this.publishStatus();
  }

  private updateLinks(found: readonly LinkStatus[]): void {
    const now = this.ctx.clock.now().toISOString();
    const next = new Map<string, LinkStatusEntry>();
    const progressing = this.ctx.clock.now().getTime() - this.lastApplyAt < this.opts.waitMs;
    for (const l of found) {
      const key = linkKey(l);
      const before = this.links.get(key);
      const since = before && before.state === statusEntryOf(l, null).state ? before.since : now;
      const entry = statusEntryOf(l, since);
      next.set(key, entry);
      const name = `${l.a} ${l.type === 'peer' ? '<->' : '->'} ${l.b}`;
      if (entry.state === 'offline' && before?.state !== 'offline' && !progressing) {
        this.notify(
          'link-offline',
          'error',
          `avnet: link ${name} is offline: ${entry.reason}${entry.detail ? ` (${entry.detail})` : ''}`,
          {
            servers: [l.a, l.b],
            links: [{ a: l.a, b: l.b, reason: entry.reason }],
          },
        );
      } else if (entry.state === 'online' && before !== undefined && before.state !== 'online') {
        this.notify('link-online', 'info', `avnet: link ${name} is online again`, {
          servers: [l.a, l.b],
          links: [{ a: l.a, b: l.b, reason: null }],
        });
      }
    }
    this.links = next;
    this.linksRead = true;
  }

  private async cycle(req: CycleRequest): Promise<void> {
    const ctx = this.ctx;
    const startedAt = ctx.clock.now();
    let snapshot = this.head;
    if (req.fetch) {
      const t0 = performance.now();
      const read = await this.opts.source.read(ctx);
      if (this.opts.source.type === 'git')
        this.opts.metrics?.observeFetch(
          read.outcome === 'failed' ? 'failure' : 'success',
          (performance.now() - t0) / 1000,
        );
      if (read.outcome === 'failed' && (this.stopping || ctx.signal.aborted)) return;
      if (read.outcome === 'failed') {
        this.fetchFailures++;
        if (this.fetchFailures === 1)
          this.notify('fetch-failed', 'error', `avnet: cannot fetch the topology: ${read.error}`);
        // Retried with backoff, whatever the fetch interval says, until a fetch succeeds.
        this.scheduleFetch(fetchBackoff(this.fetchFailures, this.opts.fetchIntervalMs));
        this.finish(
          req,
          startedAt,
          'fetch-failed',
          `cannot fetch the topology: ${read.error}`,
          null,
        );
        return;
      }
      if (this.fetchFailures > 0)
        this.log.info({ after: this.fetchFailures }, 'serve: fetch works again');
      this.fetchFailures = 0;
      this.scheduleFetch(this.opts.fetchIntervalMs);
      const isNew = read.outcome === 'new' || this.head === null;
      this.head = read.snapshot;
      snapshot = read.snapshot;
      if (req.onlyIfNew && !isNew) {
        this.publishStatus();
        return;
      }
    }
    if (!snapshot) return;
    this.scheduleInterval();
    let target: { revision: string; file: string } = snapshot;
    if (this.invalid?.revision === snapshot.revision && !req.fetch) {
      // The head is still invalid: a drift check keeps the last good revision applied.
      const good = this.persisted.lastGood
        ? await this.opts.source.snapshotOf(this.persisted.lastGood, ctx)
        : null;
      if (!good) {
        this.finish(
          req,
          startedAt,
          'invalid',
          `${short(snapshot.revision)} is still not valid; nothing was checked`,
          null,
        );
        return;
      }
      target = good;
    }
    let result: ReconcileResult;
    try {
      result = await reconcileOnce(
        {
          ...this.opts.reconcile,
          file: target.file,
          mode: this.opts.apply ? 'apply' : 'plan',
          backend: this.backends,
          operation: 'serve',
        },
        ctx,
      );
    } catch (err) {
      const message = (err as Error).message;
      this.notify(
        'sync-failed',
        'error',
        `avnet: the cycle for ${short(target.revision)} failed: ${message}`,
      );
      this.finish(req, startedAt, 'failed', message, target.revision);
      return;
    }
    this.opts.onSecrets?.(knownSecretValues(result.checked.loaded));
    if (result.checked.loaded.parsedOk && this.opts.source.follow) {
      await this.opts.source
        .follow(watchedFilesOf(result.checked.loaded))
        .catch((err: Error) =>
          this.log.warn({ err: err.message }, 'serve: cannot watch the referenced files'),
        );
    }
    const { outcome, message } = this.absorb(
      result,
      req.trigger,
      target.revision,
      target === snapshot,
      snapshot.root,
    );
    this.finish(req, startedAt, outcome, message, target.revision, result);
    // A cycle that did not get through (a lock, an unreadable server) is tried again soon.
    if (outcome === 'failed') this.scheduleInterval(true);
    // The cycle has just read every server: links are derived from that (dir), not read again.
    const fresh = ranApply(result) ? result.after : readingOf(result);
    if (this.topology) await this.pollLinks(fresh ?? undefined);
  }

  /** Takes a cycle's result into the agent's state; returns the history outcome and message. */
  private absorb(
    result: ReconcileResult,
    trigger: CycleTrigger,
    revision: string,
    isHead: boolean,
    root: string,
  ): { outcome: CycleOutcome; message: string } {
    const now = this.ctx.clock.now().toISOString();
    if (result.outcome === 'invalid') {
      const first = this.invalid?.revision !== revision;
      const report = JSON.parse(
        formatDiagnosticsJson({
          file: result.checked.loaded.source.displayPath,
          diagnostics: result.diagnostics,
          strict: this.opts.reconcile.strict ?? false,
        }),
      ) as { diagnostics: Record<string, unknown>[] };
      this.invalid = {
        revision,
        diagnostics: report.diagnostics.map((d) => relativeFiles(d, root)),
      };
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      const message = `${short(revision)} is not valid (${errors} error${errors === 1 ? '' : 's'}); the servers keep ${this.persisted.lastGood ? short(this.persisted.lastGood) : 'their state'}`;
      if (first) this.notify('invalid-commit', 'error', `avnet: ${message}`, { revision });
      return { outcome: 'invalid', message };
    }
    if (isHead) {
      this.invalid = null;
      if (this.persisted.lastGood !== revision) {
        this.persisted = { ...this.persisted, lastGood: revision };
        void this.opts.source
          .markGood?.(revision, this.ctx)
          .catch((err: Error) =>
            this.log.warn({ err: err.message }, 'serve: cannot keep the last good commit'),
          );
      }
    }
    this.topology = result.checked.loaded.topology;
    // After an apply, the servers as it left them (read back), not as they were before it.
    const reading = readingOf(result);
    if (ranApply(result)) this.reading = result.after;
    else if (reading) this.reading = reading;
    this.serverErrors = new Map(
      ranApply(result)
        ? result.apply.servers.filter((s) => s.error).map((s) => [s.server, s.error!])
        : [],
    );
    const summary = reading?.plan.summary;
    const changes = summary ? summary.add + summary.change + summary.destroy : 0;
    const servers = reading ? [...new Set(reading.plan.changes.map((c) => c.server))] : [];
    switch (result.outcome) {
      case 'refused': {
        const message = describeRefusal(result.refusal);
        this.notify('sync-failed', 'error', `avnet: cannot apply ${short(revision)}: ${message}`, {
          revision,
        });
        return { outcome: 'failed', message };
      }
      case 'incomplete': {
        const n = result.reading.unread.length;
        const message = `${n} server${n === 1 ? '' : 's'} could not be read: ${result.reading.unread.map((e) => e.server).join(', ')}`;
        this.notify('sync-failed', 'error', `avnet: ${message}`, {
          revision,
          servers: result.reading.unread.map((e) => e.server),
        });
        return { outcome: 'failed', message };
      }
      case 'in-sync':
        this.lastDriftKey = null;
        if (this.persisted.applied?.revision !== revision)
          this.persisted = { ...this.persisted, applied: { revision, at: now } };
        return { outcome: 'no-changes', message: `the servers match ${short(revision)}` };
      case 'planned': {
        const message = `${changes} change${changes === 1 ? '' : 's'} pending on ${servers.length} server${servers.length === 1 ? '' : 's'} (serve runs without --apply)`;
        const key = `${revision}:${JSON.stringify(result.reading.plan.summary)}`;
        if (trigger === 'interval' && key !== this.lastDriftKey)
          this.notify('drift-detected', 'warning', `avnet: drift: ${message}`, {
            revision,
            servers,
          });
        this.lastDriftKey = key;
        return { outcome: 'planned', message };
      }
      case 'cancelled':
        return { outcome: 'failed', message: 'cancelled' };
      case 'applied': {
        this.lastApplyAt = this.ctx.clock.now().getTime();
        const writes = result.apply.writes;
        // Drift means the servers had been at this revision and moved away; an interval cycle
        // that finishes an apply which failed before (a lock, a server down) is just an apply.
        const wasAt = this.persisted.applied?.revision === revision;
        this.persisted = { ...this.persisted, applied: { revision, at: now } };
        if (trigger === 'interval' && wasAt) {
          const message = `healed drift: ${changes} change${changes === 1 ? '' : 's'} on ${servers.join(', ')} (${writes} writes)`;
          this.notify('drift-detected', 'warning', `avnet: drift on ${servers.join(', ')}`, {
            revision,
            servers,
          });
          this.notify('drift-healed', 'info', `avnet: ${message}`, { revision, servers });
          return { outcome: 'drift-healed', message };
        }
        const message = `applied ${short(revision)}: ${changes} change${changes === 1 ? '' : 's'} on ${servers.length} server${servers.length === 1 ? '' : 's'} (${writes} writes)`;
        this.notify('applied', 'info', `avnet: ${message}`, { revision, servers });
        return { outcome: 'applied', message };
      }
      case 'failed': {
        this.lastApplyAt = this.ctx.clock.now().getTime();
        const failed = [
          ...result.apply.servers.filter((s) => s.status === 'failed').map((s) => s.server),
          ...result.reading.unread.map((e) => e.server),
        ];
        const message = `applying ${short(revision)} failed on ${failed.join(', ') || 'verification'} (${result.verify.status})`;
        this.notify('sync-failed', 'error', `avnet: ${message}`, { revision, servers: failed });
        return { outcome: 'failed', message };
      }
    }
  }

  /** Records a finished cycle: history, persistence, metrics, listeners. */
  private finish(
    req: CycleRequest,
    startedAt: Date,
    outcome: CycleOutcome,
    message: string,
    revision: string | null,
    result?: ReconcileResult,
  ): void {
    const reading = result ? readingOf(result) : null;
    const summary = reading?.plan.summary;
    const entry: HistoryEntry = {
      id: this.persisted.nextId,
      revision,
      trigger: req.trigger,
      startedAt: startedAt.toISOString(),
      finishedAt: this.ctx.clock.now().toISOString(),
      outcome,
      changes: summary
        ? { add: summary.add, change: summary.change, destroy: summary.destroy }
        : { add: 0, change: 0, destroy: 0 },
      writes: result && ranApply(result) ? result.apply.writes : 0,
      failed:
        result && ranApply(result)
          ? result.apply.failed + result.reading.unread.length
          : (reading?.unread.length ?? 0),
      message,
    };
    this.persisted = withHistoryEntry(this.persisted, entry);
    this.cyclesDone++;
    this.log.info(
      {
        cycle: entry.id,
        trigger: entry.trigger,
        revision: entry.revision,
        outcome: entry.outcome,
        changes: entry.changes,
        writes: entry.writes,
        failed: entry.failed,
        durationMs: Date.parse(entry.finishedAt) - Date.parse(entry.startedAt),
      },
      'serve cycle',
    );
    this.opts.metrics?.observeCycle(entry);
    // One write after another, so an older state can never land after a newer one.
    const state = this.persisted;
    this.saving = this.saving
      .then(() => saveServeState(this.opts.dataDir, state))
      .catch((err: Error) =>
        this.log.error({ err: err.message }, 'serve: cannot save the history'),
      );
    this.emit({ type: 'cycle', entry });
    this.publishStatus();
  }
}

/** A diagnostic with its file paths relative to the revision's root (as people know them). */
function relativeFiles(d: Record<string, unknown>, root: string): Record<string, unknown> {
  const rel = (f: unknown) =>
    typeof f === 'string' && path.isAbsolute(f)
      ? path.relative(root, f).split(path.sep).join('/')
      : f;
  return {
    ...d,
    ...(d.file !== undefined ? { file: rel(d.file) } : {}),
    ...(Array.isArray(d.related)
      ? {
          related: (d.related as Record<string, unknown>[]).map((r) =>
            r.file !== undefined ? { ...r, file: rel(r.file) } : r,
          ),
        }
      : {}),
  };
}

function short(revision: string): string {
  return revision.slice(0, 7);
}
