/** The backend interface: how avnet reads and writes each server's actual state. */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type {
  Context,
  LinkStatus,
  LockInfo,
  NeighborEntry,
  ProtocolState,
  ServerState,
} from '../model/index.js';

/** What a backend knows about a server from the topology (http needs the api URL). */
export interface ServerEndpoint {
  readonly name: string;
  readonly version: number;
  readonly api?: string;
}

/** Settings every backend factory may use. */
export interface BackendSettings {
  /** Folder of the topology file (the dir backend's default `state/` lives there). */
  readonly topologyDir: string;
  /** `--state DIR`. */
  readonly stateDir?: string;
  /** Servers from the topology. */
  readonly endpoints: readonly ServerEndpoint[];
  /** Environment (credentials for http). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--ca FILE` for http. */
  readonly caFile?: string;
  readonly insecure?: boolean;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

/** One atomic change to one server, guarded by the revision it was planned against. */
export interface ServerChange {
  /** The revision the change was planned against (0: the server has no record yet). */
  readonly expectedRevision: number;
  /** Switch the Dr.Web Server protocol module; enabling it leaves a restart pending. */
  readonly protocol?: ProtocolState;
  /** Restart the server (clears a pending restart). */
  readonly restart?: boolean;
  /** Entries to create or replace, by name. */
  readonly upsert?: readonly NeighborEntry[];
  /** Names of entries to delete. */
  readonly remove?: readonly string[];
}

export type { LockInfo } from '../model/index.js';

/** Describes a new lock held by this process for `operation` (owner defaults to user@host). */
export function newLockInfo(operation: string, ctx: Context, owner?: string): LockInfo {
  return {
    id: randomUUID(),
    owner: owner ?? `${os.userInfo().username}@${os.hostname()}`,
    operation,
    startedAt: ctx.clock.now().toISOString(),
    pid: process.pid,
    hostname: os.hostname(),
  };
}

/** A held lock; release it when the operation ends. */
export interface BackendLock {
  readonly info: LockInfo;
  /** A stale lock (its owner process is gone) that was removed to take this one, if any. */
  readonly replaced: LockInfo | null;
  release(): Promise<void>;
}

/** Reads and writes servers' actual state. Every backend passes the contract suite in test/backends. */
export interface Backend {
  readonly type: string;
  /** Servers the backend holds state for (beyond the topology's own). */
  listServers(ctx: Context): Promise<string[]>;
  /** A server's state, or null when the backend has no record of it (a fresh server). */
  readServer(name: string, ctx: Context): Promise<ServerState | null>;
  /** Applies one change atomically; throws ConflictError if the revision moved. */
  applyChange(name: string, change: ServerChange, ctx: Context): Promise<ServerState>;
  /** Where a server's state lives, for messages (a file path, a URL). */
  describeServer(name: string): string;
  /** Releases connections and timers; whoever opened the backend calls it once. */
  close(): Promise<void>;

  // Capabilities: optional methods a backend has only when it can do the thing.

  /**
   * A new reconcile starts on this (possibly long-open) backend: forget what one run remembers,
   * such as each server's identity, so a server replaced since the last run is read as itself.
   */
  beginRun?(): void;

  /** Takes the backend-wide lock for a writing operation; throws LockedError if held. */
  acquireLock?(operation: string, ctx: Context): Promise<BackendLock>;
  /** Removes a lock by id (`avnet unlock`); the removed lock, or undefined when there was none. */
  forceUnlock?(id: string): Promise<LockInfo | undefined>;
  /** The folder holding one state file per server (saved plans record it). */
  stateFolder?(): string;
  /** Live link states, when the backend can observe them. */
  linkStatus?(ctx: Context): Promise<LinkStatus[]>;
}

/** The revision moved since the change was planned: someone else changed the server. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    readonly server: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`${server} changed since it was read (revision ${actual}, expected ${expected})`);
  }
}

/** Another operation holds the lock. */
export class LockedError extends Error {
  override readonly name = 'LockedError';
  constructor(
    readonly holder: LockInfo,
    readonly hint: string,
  ) {
    super(
      `state is locked by ${holder.owner} for "${holder.operation}" since ${holder.startedAt} (lock ${holder.id}). ${hint}`,
    );
  }
}

/** A backend operation failed; `transient` failures may be retried. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    message: string,
    readonly server: string | undefined,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
