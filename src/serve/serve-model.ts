/**
 * The shapes `avnet serve` shows to people and machines (../shared/spec/serve.md): the status
 * object, history entries and the events that drive the event stream, metrics and notifications.
 * Plain data, JSON as it is; no secret value ever goes into any of them.
 */
import type { Diagnostic, LinkKind, LinkReason } from '../model/index.js';

/** Why a cycle ran. */
export type CycleTrigger = 'start' | 'commit' | 'webhook' | 'manual' | 'interval' | 'change';

/** Every trigger, for metrics labels. */
export const CYCLE_TRIGGERS: readonly CycleTrigger[] = [
  'start',
  'commit',
  'webhook',
  'manual',
  'interval',
  'change',
];

/** How a cycle ended, as the history and the metrics name it. */
export type CycleOutcome =
  'applied' | 'planned' | 'no-changes' | 'invalid' | 'failed' | 'fetch-failed' | 'drift-healed';

/** Every cycle outcome, for metrics labels. */
export const CYCLE_OUTCOMES: readonly CycleOutcome[] = [
  'applied',
  'planned',
  'no-changes',
  'invalid',
  'failed',
  'fetch-failed',
  'drift-healed',
];

/** `sync.status` and a server's `sync`. */
export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';

/** Every sync status, for metrics labels. */
export const SYNC_STATUSES: readonly SyncStatus[] = ['Synced', 'OutOfSync', 'Unknown'];

/** `health.status`. */
export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Unknown';

/** Every health status, for metrics labels. */
export const HEALTH_STATUSES: readonly HealthStatus[] = [
  'Healthy',
  'Progressing',
  'Degraded',
  'Unknown',
];

/** Where the topology comes from. */
export interface SourceStatus {
  readonly type: 'git' | 'file';
  /** The repository URL with any credentials removed, or the file's path. */
  readonly url: string;
  readonly ref: string | null;
  /** The topology's path inside the repository (git), or the file name (file). */
  readonly path: string;
  /** The commit (40 hex) of the last successful fetch, or the content digest of a local file. */
  readonly head: string | null;
  /** The head commit's subject, author and time, where git has them. */
  readonly commit: {
    readonly message: string;
    readonly author: string;
    readonly date: string;
  } | null;
  readonly fetchedAt: string | null;
  /** Why the last fetch failed (credentials removed), or null. */
  readonly error: string | null;
}

/** A head commit that does not validate. */
export interface InvalidRevision {
  readonly revision: string;
  /** As `avnet validate --format json` prints them. */
  readonly diagnostics: readonly Record<string, unknown>[];
}

/** One server as the status lists it. */
export interface ServerStatus {
  readonly name: string;
  readonly sync: SyncStatus;
  /** Changes pending on this server. */
  readonly pending: number;
  /** Why it could not be read or written, or null. */
  readonly error: string | null;
}

/** One link as the status lists it. */
export interface LinkStatusEntry {
  readonly a: string;
  readonly b: string;
  readonly type: LinkKind;
  readonly state: 'online' | 'offline' | 'unknown';
  readonly reason: LinkReason | null;
  /** The reason's specifics (never a secret), or null. */
  readonly detail: string | null;
  /** When the link entered this state, as far as serve has seen it. */
  readonly since: string | null;
}

/** The last cycle, in the status. */
export interface LastCycle {
  readonly id: number;
  readonly trigger: CycleTrigger;
  readonly outcome: CycleOutcome;
  readonly startedAt: string;
  readonly durationMs: number;
}

/** `GET /api/v1/status`. */
export interface ServeStatus {
  readonly source: SourceStatus;
  readonly sync: {
    readonly status: SyncStatus;
    /** The revision the servers were last brought to (or found at). */
    readonly revision: string | null;
    readonly appliedAt: string | null;
    readonly invalid: InvalidRevision | null;
  };
  readonly health: {
    readonly status: HealthStatus;
    readonly online: number;
    readonly offline: number;
    readonly unknown: number;
  };
  readonly servers: readonly ServerStatus[];
  readonly links: readonly LinkStatusEntry[];
  readonly lastCycle: LastCycle | null;
}

/** One entry of `GET /api/v1/history`. */
export interface HistoryEntry {
  readonly id: number;
  readonly revision: string | null;
  readonly trigger: CycleTrigger;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly outcome: CycleOutcome;
  readonly changes: { readonly add: number; readonly change: number; readonly destroy: number };
  readonly writes: number;
  readonly failed: number;
  /** One human line about the cycle. */
  readonly message: string;
}

/** Notification events (and the event stream's reasons to speak). */
export type NotificationEvent =
  | 'sync-failed'
  | 'invalid-commit'
  | 'applied'
  | 'drift-detected'
  | 'drift-healed'
  | 'link-offline'
  | 'link-online'
  | 'fetch-failed';

/** Every notification event. */
export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = [
  'sync-failed',
  'invalid-commit',
  'applied',
  'drift-detected',
  'drift-healed',
  'link-offline',
  'link-online',
  'fetch-failed',
];

/** The body POSTed to every `--notify` URL. */
export interface Notification {
  readonly event: NotificationEvent;
  readonly severity: 'info' | 'warning' | 'error';
  /** One human line (a chat tool shows it as it is). */
  readonly text: string;
  readonly revision: string | null;
  readonly servers: readonly string[];
  readonly links: readonly {
    readonly a: string;
    readonly b: string;
    readonly reason?: string | null;
  }[];
  readonly at: string;
}

/** Diagnostics of an invalid revision in the JSON form of `avnet validate --format json`. */
export type DiagnosticJson = Pick<Diagnostic, 'rule' | 'severity' | 'message'> &
  Record<string, unknown>;

/** One neighbor entry of a server, desired next to actual (`GET /api/v1/servers/NAME`). */
export interface EntryComparison {
  readonly neighbor: string;
  readonly type: string;
  /** The entry the topology derives, with the password masked; null when it should not exist. */
  readonly desired: Record<string, unknown> | null;
  /** The entry the server holds, with the password masked; null when it has none. */
  readonly actual: Record<string, unknown> | null;
  /** Fields that differ (`password` when only the secret differs). */
  readonly differs: readonly string[];
  /** False for an entry avnet does not manage (left alone). */
  readonly managed: boolean;
}

/** `GET /api/v1/servers/NAME`: a server's entries, desired next to actual, secrets masked. */
export interface ServerDetail extends ServerStatus {
  /** The server's state as read: protocol, pending restart, revision; null if unread. */
  readonly actual: {
    readonly protocol: string;
    readonly pendingRestart: boolean;
    readonly revision: number;
  } | null;
  readonly entries: readonly EntryComparison[];
}

/** What a password looks like in every serve answer. */
export const MASKED_SECRET = '(sensitive)';
