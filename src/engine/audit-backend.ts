/** Audit and import: read every server a backend knows, check it, or turn it into a topology. */
import type { Context, Diagnostic, ServerError, ServerState } from '../model/index.js';
import type { Backend } from '../backends/index.js';
import { readActualState } from '../actual/index.js';
import { auditState } from '../audit/index.js';
import { deriveTopology, type ImportOptions, type ImportedTopology } from '../import/index.js';

/** The actual state of a backend and what the actual-state rules say about it. */
export interface BackendAudit {
  readonly actual: ReadonlyMap<string, ServerState>;
  readonly diagnostics: readonly Diagnostic[];
  readonly errors: readonly ServerError[];
}

/** Reads every server (the given ones and those the backend lists) and runs the actual-state rules. */
export async function auditBackend(
  backend: Backend,
  opts: {
    servers?: readonly string[];
    concurrency?: number;
    fileOf?: (server: string) => string | undefined;
  },
  ctx: Context,
): Promise<BackendAudit> {
  const read = await readActualState(
    backend,
    { servers: opts.servers ?? [], concurrency: opts.concurrency },
    ctx,
  );
  // Servers the backend merely reports as fresh hold nothing worth auditing.
  const actual = new Map(
    [...read.servers].filter(([, s]) => s.revision > 0 || s.neighbors.length > 0),
  );
  const diagnostics = auditState(actual, {
    now: ctx.clock.now(),
    fileOf: opts.fileOf ?? ((s) => backend.describeServer(s)),
    unreadable: new Set(read.errors.map((e) => e.server)),
  });
  return { actual, diagnostics, errors: read.errors };
}

/** Audits a backend and derives a topology from what it holds. */
export async function importFromBackend(
  backend: Backend,
  opts: { servers?: readonly string[]; concurrency?: number } & ImportOptions,
  ctx: Context,
): Promise<BackendAudit & { imported: ImportedTopology }> {
  const audit = await auditBackend(backend, opts, ctx);
  return { ...audit, imported: deriveTopology(audit.actual, opts) };
}
