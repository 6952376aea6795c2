/** The read stage: every in-scope server's actual state from the backend, errors kept per server. */
import type { Context, ServerError, ServerState } from '../model/index.js';
import { DEFAULT_CONCURRENCY, freshServerState } from '../model/index.js';
import type { Backend } from '../backends/index.js';
import { mapLimit } from '../util/concurrency.js';

/** Actual states that could be read, and the servers that could not. */
export interface ActualState {
  readonly servers: ReadonlyMap<string, ServerState>;
  readonly errors: readonly ServerError[];
  /** Why the backend's own server list could not be read (only the named servers were), or null. */
  readonly listError: string | null;
}

/** Options for reading actual state. */
export interface ReadOptions {
  /** Servers to read (the topology's); the backend's own list is added unless `onlyThese`. */
  readonly servers: readonly string[];
  /** Versions of topology servers, for fresh servers. */
  readonly versions?: ReadonlyMap<string, number>;
  readonly onlyThese?: boolean;
  readonly concurrency?: number;
}

/** Reads the actual state of the topology's servers and of every server the backend knows. */
export async function readActualState(
  backend: Backend,
  opts: ReadOptions,
  ctx: Context,
): Promise<ActualState> {
  const names = new Set(opts.servers);
  let listError: string | null = null;
  if (!opts.onlyThese) {
    try {
      for (const n of await backend.listServers(ctx)) names.add(n);
    } catch (err) {
      listError = (err as Error).message;
      ctx.logger.warn({ err: listError }, 'cannot list the servers the backend knows');
    }
  }
  const sorted = [...names].sort();
  const servers = new Map<string, ServerState>();
  const errors: ServerError[] = [];
  await mapLimit(sorted, opts.concurrency ?? DEFAULT_CONCURRENCY, async (name) => {
    if (ctx.signal.aborted) {
      errors.push({ server: name, message: 'aborted' });
      return;
    }
    try {
      const state = await backend.readServer(name, ctx);
      servers.set(name, state ?? freshServerState(name, opts.versions?.get(name) ?? 13));
    } catch (err) {
      errors.push({ server: name, message: (err as Error).message });
    }
  });
  errors.sort((a, b) => a.server.localeCompare(b.server));
  return {
    servers: new Map([...servers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    errors,
    listError,
  };
}
