/**
 * The embedded `dir` backend: one JSON file per server in a folder. Writes are atomic (temp file,
 * fsync, rename, fsync of the folder), files are 0600 because they hold passwords, each write bumps
 * the server's revision, and a lock file guards against concurrent writers. A write that fails
 * (a full disk) removes what it created, so no empty lock or temp file outlives it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Context, NeighborEntry, ServerState } from '../../model/index.js';
import { freshServerState } from '../../model/index.js';
import {
  BackendError,
  ConflictError,
  LockedError,
  newLockInfo,
  type Backend,
  type BackendLock,
  type LockInfo,
  type ServerChange,
  type ServerEndpoint,
} from '../backend.js';
import { readRegularFile } from '../../util/read-regular-file.js';
import {
  MAX_STATE_FILE_BYTES,
  decodeServerFileName,
  encodeServerFileName,
  parseServerState,
  serializeServerState,
} from './state-file.js';

/** Name of the lock file inside the state folder. */
export const LOCK_FILE = '.avnet.lock';

/** How long a write waits for another writer of the same server. */
const SERVER_LOCK_WAIT_MS = 5_000;

/** A per-server write lock older than this was left by a crashed writer. */
const SERVER_LOCK_STALE_MS = 30_000;

/** Largest lock file read (a lock is a few hundred bytes of JSON; more is not a lock of ours). */
export const MAX_LOCK_FILE_BYTES = 64 * 1024;

/**
 * An empty or torn lock file older than this is stale: its writer failed (a full disk) or died
 * between creating it and writing it, which takes microseconds when it goes well.
 */
export const TORN_LOCK_STALE_MS = 5_000;

/** Temp files of writeFileAtomic: `.NAME.PID.RANDOM.tmp`, PID being the writer's. */
const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** The lock holder shown for a lock file that holds no readable lock. */
const UNREADABLE_LOCK: LockInfo = {
  id: 'unreadable',
  owner: 'unknown',
  operation: 'unknown',
  startedAt: 'unknown',
};

/** A file system error in words, cause first: "no space left on device (ENOSPC)". */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EIO: 'input/output error',
  };
  if (e?.code && words[e.code]) return `${words[e.code]} (${e.code})`;
  return e?.message ?? String(err);
}

/** Writes all of `text`, optionally fsyncs, and closes; the first failure is the one thrown. */
async function writeAndClose(handle: FileHandle, text: string, sync: boolean): Promise<void> {
  let failure: unknown;
  try {
    await handle.writeFile(text, 'utf8');
    if (sync) await handle.sync();
  } catch (err) {
    failure = err;
  }
  try {
    await handle.close();
  } catch (err) {
    failure ??= err; // close reports delayed write errors (NFS) too
  }
  if (failure !== undefined) throw failure;
}

/** Options of the dir backend. */
export interface DirBackendOptions {
  /** The state folder. */
  readonly dir: string;
  /** Servers of the topology, to know the version of servers that have no file yet. */
  readonly endpoints?: readonly ServerEndpoint[];
  /** How other processes see the lock owner; defaults to user@host. */
  readonly owner?: string;
}

/** Writes a file atomically: temp file in the same folder, fsync, rename, fsync of the folder. */
export async function writeFileAtomic(file: string, text: string, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const handle = await open(tmp, 'wx', mode);
  try {
    await writeAndClose(handle, text, true);
    await rename(tmp, file);
  } catch (err) {
    // The temp file is ours whatever failed (ENOSPC mid-write, fsync, rename): never leave it.
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  // Make the rename itself durable; some platforms cannot open folders, which is fine.
  const d = await open(dir, 'r').catch(() => undefined);
  if (d) {
    await d.sync().catch(() => undefined);
    await d.close();
  }
}

function applyToEntries(
  neighbors: readonly NeighborEntry[],
  change: ServerChange,
): NeighborEntry[] {
  const remove = new Set(change.remove ?? []);
  const upsert = new Map((change.upsert ?? []).map((e) => [e.name, e]));
  const out: NeighborEntry[] = [];
  for (const e of neighbors) {
    if (remove.has(e.name)) continue;
    const replacement = upsert.get(e.name);
    if (replacement) {
      out.push(replacement);
      upsert.delete(e.name);
    } else {
      out.push(e); // untouched entries, managed or not, are kept exactly as they were
    }
  }
  out.push(...upsert.values());
  return out;
}

/** Applies a change to a state in memory (shared by the dir backend and the emulator). */
export function applyServerChange(state: ServerState, change: ServerChange): ServerState {
  let { protocol, pendingRestart } = state;
  if (change.protocol !== undefined && change.protocol !== protocol) {
    protocol = change.protocol;
    pendingRestart = true; // the module switch takes effect after a restart
  }
  if (change.restart) pendingRestart = false;
  return {
    ...state,
    protocol,
    pendingRestart,
    revision: state.revision + 1,
    neighbors:
      change.upsert || change.remove ? applyToEntries(state.neighbors, change) : state.neighbors,
  };
}

/**
 * Removes temp files of atomic writes whose writer (the PID in the name) is not running on this
 * host: left by kill -9 or a power loss. Called with the backend lock held, so no writer of ours
 * is between creating and renaming one; returns the names removed.
 */
export async function sweepStaleTempFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_FILE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    await unlink(path.join(dir, name)).then(
      () => removed.push(name),
      () => undefined, // already gone, or not ours to remove: left alone
    );
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The dir backend. */
export class DirBackend implements Backend {
  readonly type = 'dir';
  private readonly versions: Map<string, number>;

  constructor(private readonly opts: DirBackendOptions) {
    this.versions = new Map((opts.endpoints ?? []).map((e) => [e.name, e.version]));
  }

  /** The state folder. */
  get dir(): string {
    return this.opts.dir;
  }

  stateFolder(): string {
    return this.opts.dir;
  }

  /** Nothing stays open between calls: every file is opened and closed by the call that needs it. */
  async close(): Promise<void> {}

  /** The file holding a server's state. */
  fileOf(name: string): string {
    return path.join(this.opts.dir, encodeServerFileName(name));
  }

  describeServer(name: string): string {
    return this.fileOf(name);
  }

  async listServers(_ctx: Context): Promise<string[]> {
    let files: string[];
    try {
      files = await readdir(this.opts.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new BackendError(
        `cannot list state folder ${this.opts.dir}: ${(err as Error).message}`,
        undefined,
        false,
        { cause: err },
      );
    }
    return files
      .map(decodeServerFileName)
      .filter((n): n is string => n !== undefined)
      .sort();
  }

  async readServer(name: string, _ctx: Context): Promise<ServerState | null> {
    const file = this.fileOf(name);
    // A FIFO or a device in place of a state file must not hang or fill memory: readRegularFile.
    const read = await readRegularFile(file, { limit: MAX_STATE_FILE_BYTES });
    if (!read.ok) {
      if (read.kind === 'missing') return null;
      throw new BackendError(`state file ${read.message}`, name, false);
    }
    const parsed = parseServerState(read.bytes.toString('utf8'));
    if (!parsed.ok) throw new BackendError(`state file ${file} is ${parsed.reason}`, name, false);
    if (parsed.state.name !== name) {
      throw new BackendError(
        `state file ${file} holds server "${parsed.state.name}", not "${name}"`,
        name,
        false,
      );
    }
    return parsed.state;
  }

  async applyChange(name: string, change: ServerChange, ctx: Context): Promise<ServerState> {
    await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
    // Read, compare and write under a per-server lock, so two writers planned against the same
    // revision cannot both succeed (compare-and-swap), whichever process they run in.
    return this.withServerLock(name, async () => {
      const current =
        (await this.readServer(name, ctx)) ?? freshServerState(name, this.versions.get(name) ?? 13);
      if (current.revision !== change.expectedRevision) {
        throw new ConflictError(name, change.expectedRevision, current.revision);
      }
      const next = applyServerChange(current, change);
      try {
        await writeFileAtomic(this.fileOf(name), serializeServerState(next));
      } catch (err) {
        throw new BackendError(
          `cannot write ${this.fileOf(name)}: ${describeFsError(err)}`,
          name,
          false,
          { cause: err },
        );
      }
      ctx.logger.debug({ server: name, revision: next.revision }, 'wrote server state');
      return next;
    });
  }

  private async withServerLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const lockFile = path.join(this.opts.dir, `.${encodeServerFileName(name)}.lock`);
    const deadline = Date.now() + SERVER_LOCK_WAIT_MS;
    const me = JSON.stringify({ pid: process.pid, hostname: os.hostname() });
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      let handle: FileHandle;
      try {
        handle = await open(lockFile, 'wx', 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new BackendError(
            `cannot create lock ${lockFile}: ${describeFsError(err)}`,
            name,
            false,
            { cause: err },
          );
        }
        // A writer killed inside its few-millisecond critical section leaves this behind.
        if (await isStaleWriteLock(lockFile)) await unlink(lockFile).catch(() => undefined);
        else if (Date.now() > deadline) {
          throw new BackendError(`${name} is being written by another process`, name, true);
        }
        await new Promise((r) => setTimeout(r, delay));
        continue;
      }
      try {
        await writeAndClose(handle, me, false);
        break;
      } catch (err) {
        // An empty lock of ours would stall the next writer: remove it before reporting.
        await unlink(lockFile).catch(() => undefined);
        throw new BackendError(
          `cannot write lock ${lockFile}: ${describeFsError(err)}`,
          name,
          false,
          { cause: err },
        );
      }
    }
    try {
      return await fn();
    } finally {
      await unlink(lockFile).catch(() => undefined);
    }
  }

  async acquireLock(operation: string, ctx: Context): Promise<BackendLock> {
    await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.opts.dir, LOCK_FILE);
    const info = newLockInfo(operation, ctx, this.opts.owner);
    let replaced: LockInfo | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      let handle: FileHandle | undefined;
      try {
        handle = await open(file, 'wx', 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new BackendError(
            `cannot create lock ${file}: ${describeFsError(err)}`,
            undefined,
            false,
            { cause: err },
          );
        }
      }
      if (handle) {
        try {
          await writeAndClose(handle, JSON.stringify(info, null, 2) + '\n', true);
        } catch (err) {
          // An empty or partial lock would read as "locked by unknown" to every later run, for
          // ever: the process that failed to write it removes it.
          await unlink(file).catch(() => undefined);
          throw new BackendError(
            `cannot write lock ${file}: ${describeFsError(err)}; the incomplete lock was removed`,
            undefined,
            false,
            { cause: err },
          );
        }
        await this.sweepTempFiles(ctx);
        let released = false;
        return {
          info,
          replaced,
          release: async () => {
            if (released) return;
            released = true;
            const held = await readLock(file);
            if (held.state === 'held' && held.info.id === info.id)
              await unlink(file).catch(() => undefined);
          },
        };
      }
      const held = await readLock(file);
      if (held.state === 'none') continue; // released meanwhile: try again
      if (held.state === 'bad') {
        throw new BackendError(
          `lock file ${held.message}; avnet cannot tell who holds the state: remove it if no avnet process is running`,
          undefined,
          false,
        );
      }
      if (held.state === 'torn') {
        if (held.ageMs <= TORN_LOCK_STALE_MS) {
          // Its writer may be between creating and writing it right now.
          throw new LockedError(
            UNREADABLE_LOCK,
            `Another process is taking the lock right now, or its writer failed; an empty lock is removed automatically after ${TORN_LOCK_STALE_MS / 1000} s, or now with: avnet unlock ${UNREADABLE_LOCK.id} --state ${this.opts.dir}`,
          );
        }
        ctx.logger.warn(
          { lock: file, bytes: held.bytes, ageMs: Math.round(held.ageMs) },
          'removing a stale lock file that holds no lock (empty or torn: its writer failed or died while writing it)',
        );
        await removeIfSame(file, held.ino);
        // Not reported as `replaced`: that names a dead owner, and a torn lock names nobody.
        continue;
      }
      const holder = held.info;
      if (holder.hostname === os.hostname() && holder.pid !== undefined && !isAlive(holder.pid)) {
        // The owner crashed (kill -9, power loss): its lock is stale and safe to break.
        ctx.logger.warn(
          { lock: holder },
          'removing stale lock of a process that is no longer running',
        );
        await removeIfSame(file, held.ino);
        replaced = holder;
        continue;
      }
      throw new LockedError(
        holder,
        `If no avnet process is running, remove the lock with: avnet unlock ${holder.id} --state ${this.opts.dir}`,
      );
    }
    throw new BackendError(`cannot acquire lock ${file}`, undefined, true);
  }

  /** Removes temp files of writers that died (see sweepStaleTempFiles), logging what it removed. */
  private async sweepTempFiles(ctx: Context): Promise<void> {
    const removed = await sweepStaleTempFiles(this.opts.dir);
    if (removed.length > 0) {
      ctx.logger.warn(
        { dir: this.opts.dir, files: removed },
        'removed temporary files left by writers that are no longer running',
      );
    }
  }

  /** Removes a lock by id (`avnet unlock`); returns the removed lock, or throws if ids differ. */
  async forceUnlock(id: string): Promise<LockInfo | undefined> {
    const file = path.join(this.opts.dir, LOCK_FILE);
    const holder = lockHolder(await readLock(file));
    if (!holder) return undefined;
    if (holder.id !== id)
      throw new BackendError(
        `the state is locked by lock ${holder.id}, not ${id}`,
        undefined,
        false,
      );
    await unlink(file);
    return holder;
  }

  /** The current lock holder, if any (an unreadable lock file shows as lock "unreadable"). */
  async currentLock(): Promise<LockInfo | undefined> {
    return lockHolder(await readLock(path.join(this.opts.dir, LOCK_FILE)));
  }
}

/** A per-server write lock whose writer is gone: a dead process on this host, or simply too old. */
async function isStaleWriteLock(file: string): Promise<boolean> {
  const [read, st] = await Promise.all([
    readRegularFile(file, { limit: MAX_LOCK_FILE_BYTES }),
    stat(file).catch(() => undefined),
  ]);
  const age = st ? Date.now() - st.mtimeMs : 0;
  if (age > SERVER_LOCK_STALE_MS) return true;
  try {
    if (!read.ok) throw new Error(read.message);
    const owner = JSON.parse(read.bytes.toString('utf8')) as { pid?: number; hostname?: string };
    return owner.hostname === os.hostname() && typeof owner.pid === 'number' && !isAlive(owner.pid);
  } catch {
    // Unreadable or torn (the writer died between create and write): stale once it is not brand new.
    return age > 1_000;
  }
}

/** What the lock file holds. */
type LockRead =
  | { readonly state: 'none' }
  | { readonly state: 'held'; readonly info: LockInfo; readonly ino: number }
  /** Empty or not a lock document: a writer failed or died while writing it. */
  | { readonly state: 'torn'; readonly ageMs: number; readonly bytes: number; readonly ino: number }
  /** Not a regular file, too large or unreadable: not something avnet wrote. */
  | { readonly state: 'bad'; readonly message: string };

async function readLock(file: string): Promise<LockRead> {
  // A FIFO in place of the lock must not hang apply and watch: readRegularFile never blocks.
  const read = await readRegularFile(file, { limit: MAX_LOCK_FILE_BYTES });
  if (!read.ok)
    return read.kind === 'missing' ? { state: 'none' } : { state: 'bad', message: read.message };
  const st = await stat(file).catch(() => undefined);
  if (!st) return { state: 'none' }; // removed between the read and now
  try {
    const info = JSON.parse(read.bytes.toString('utf8')) as LockInfo;
    if (typeof info?.id === 'string') return { state: 'held', info, ino: st.ino };
  } catch {
    // fall through: a torn lock file
  }
  return { state: 'torn', ageMs: Date.now() - st.mtimeMs, bytes: read.bytes.length, ino: st.ino };
}

function lockHolder(read: LockRead): LockInfo | undefined {
  if (read.state === 'none') return undefined;
  return read.state === 'held' ? read.info : UNREADABLE_LOCK;
}

/**
 * Removes a stale lock unless it was replaced since it was judged (another process broke it and
 * took a new one in between, which would have a new inode).
 */
async function removeIfSame(file: string, ino: number): Promise<void> {
  const st = await stat(file).catch(() => undefined);
  if (st?.ino === ino) await unlink(file).catch(() => undefined);
}
