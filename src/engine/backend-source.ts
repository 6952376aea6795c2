/**
 * Who owns a backend. A command that runs one reconcile hands the engine a way to open one: the
 * engine opens it and closes it when the reconcile ends. A long-running caller (watch, serve,
 * `apply --wait`) keeps one open across reconciles in a `BackendKeeper` and closes it itself.
 */
import type { Backend, ServerEndpoint } from '../backends/index.js';

/** Opens a backend for the topology's servers (endpoints carry the http API URLs). */
export type OpenBackend = (endpoints: readonly ServerEndpoint[]) => Promise<Backend>;

/** A backend kept open by its caller across reconciles, reopened only when the servers change. */
export interface BackendKeeper {
  /** The open backend for these endpoints: the same one as long as the endpoints are the same. */
  backendFor(endpoints: readonly ServerEndpoint[]): Promise<Backend>;
  /** The backend opened last, if any. */
  current(): Backend | undefined;
  /** Closes the open backend; the keeper can open another one afterwards. */
  close(): Promise<void>;
}

/** Where the engine gets its backend: opened (and closed) by the engine, or kept by the caller. */
export type BackendSource = OpenBackend | BackendKeeper;

function endpointsKey(endpoints: readonly ServerEndpoint[]): string {
  return JSON.stringify(
    [...endpoints]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((e) => [e.name, e.version, e.api ?? null]),
  );
}

/** A keeper that opens backends with `open` and reuses the open one while the endpoints stay the same. */
export function keepBackend(open: OpenBackend): BackendKeeper {
  let held: { key: string; backend: Backend } | undefined;
  let opening: Promise<Backend> | undefined;
  return {
    async backendFor(endpoints) {
      const key = endpointsKey(endpoints);
      if (held?.key === key) return held.backend;
      // One open at a time: a second caller waits for the first rather than opening twice.
      while (opening) await opening.catch(() => undefined);
      if (held?.key === key) return held.backend;
      opening = (async () => {
        if (held) {
          const old = held.backend;
          held = undefined;
          await old.close();
        }
        const backend = await open(endpoints);
        held = { key, backend };
        return backend;
      })();
      try {
        return await opening;
      } finally {
        opening = undefined;
      }
    },
    current: () => held?.backend,
    async close() {
      const old = held?.backend;
      held = undefined;
      await old?.close();
    },
  };
}

/** Runs `fn` with a backend from `source`; a backend the engine opened is closed when `fn` ends. */
export async function withBackend<T>(
  source: BackendSource,
  endpoints: readonly ServerEndpoint[],
  fn: (backend: Backend) => Promise<T>,
): Promise<T> {
  if (typeof source !== 'function') {
    const kept = await source.backendFor(endpoints);
    // A kept backend served earlier runs: what it remembers of them must not judge this one.
    kept.beginRun?.();
    return fn(kept);
  }
  const backend = await source(endpoints);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}
