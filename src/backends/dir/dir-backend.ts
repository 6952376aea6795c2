/**
 * The embedded `dir` backend: one JSON file per server in a folder. Writes are atomic (temp file,
 * fsync, rename, fsync of the folder), files are 0600 because they hold passwords, each write bumps
 * the server's revision, and a lock file guards against concurrent writers.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
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
import {
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
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
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
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      throw new BackendError(
        `cannot read ${file}: ${code ?? (err as Error).message}`,
        name,
        false,
        { cause: err },
      );
    }
    const parsed = parseServerState(text);
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
          `cannot write ${this.fileOf(name)}: ${(err as Error).message}`,
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
      try {
        const handle = await open(lockFile, 'wx', 0o600);
        await handle.writeFile(me);
        await handle.close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // A writer killed inside its few-millisecond critical section leaves this behind.
        if (await isStaleWriteLock(lockFile)) await unlink(lockFile).catch(() => undefined);
        else if (Date.now() > deadline) {
          throw new BackendError(`${name} is being written by another process`, name, true);
        }
        await new Promise((r) => setTimeout(r, delay));
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
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await open(file, 'wx', 0o600);
        await handle.writeFile(JSON.stringify(info, null, 2) + '\n');
        await handle.sync();
        await handle.close();
        let released = false;
        return {
          info,
          release: async () => {
            if (released) return;
            released = true;
            const held = await readLock(file);
            if (held?.id === info.id) await unlink(file).catch(() => undefined);
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new BackendError(
            `cannot create lock ${file}: ${(err as Error).message}`,
            undefined,
            false,
            { cause: err },
          );
        }
      }
      const holder = await readLock(file);
      if (!holder) continue; // released (or unreadable and removed) meanwhile: try again
      if (holder.hostname === os.hostname() && holder.pid !== undefined && !isAlive(holder.pid)) {
        // The owner crashed (kill -9, power loss): its lock is stale and safe to break.
        ctx.logger.warn(
          { lock: holder },
          'removing stale lock of a process that is no longer running',
        );
        await unlink(file).catch(() => undefined);
        continue;
      }
      throw new LockedError(
        holder,
        `If no avnet process is running, remove the lock with: avnet unlock ${holder.id} --state ${this.opts.dir}`,
      );
    }
    throw new BackendError(`cannot acquire lock ${file}`, undefined, true);
  }

  /** Removes a lock by id (`avnet unlock`); returns the removed lock, or throws if ids differ. */
  async forceUnlock(id: string): Promise<LockInfo | undefined> {
    const file = path.join(this.opts.dir, LOCK_FILE);
    const holder = await readLock(file);
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

  /** The current lock holder, if any. */
  async currentLock(): Promise<LockInfo | undefined> {
    return readLock(path.join(this.opts.dir, LOCK_FILE));
  }
}

/** A per-server write lock whose writer is gone: a dead process on this host, or simply too old. */
async function isStaleWriteLock(file: string): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    if (Date.now() - st.mtimeMs > SERVER_LOCK_STALE_MS) return true;
    const owner = JSON.parse(text) as { pid?: number; hostname?: string };
    return owner.hostname === os.hostname() && typeof owner.pid === 'number' && !isAlive(owner.pid);
  } catch {
    // Unreadable or torn (the writer died between create and write): stale once it is not brand new.
    const age = await stat(file).then(
      (st) => Date.now() - st.mtimeMs,
      () => 0,
    );
    return age > 1_000;
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    if (typeof info.id === 'string') return info;
  } catch {
    // fall through: a torn lock file from a crash mid-write
  }
  return { id: 'unreadable', owner: 'unknown', operation: 'unknown', startedAt: 'unknown' };
}
