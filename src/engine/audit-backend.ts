/**
 * Audit and import: read every server a backend knows (and those a topology names), check it with
 * the actual-state rules, or turn it into a topology. The result says when there was nothing to
 * read, or a topology that could not be used, instead of auditing an empty network as "valid".
 */
import type { Context, Diagnostic, ServerError, ServerState } from '../model/index.js';
import { topologyUnusable } from '../model/index.js';
import type { Backend } from '../backends/index.js';
import { readActualState } from '../actual/index.js';
import { auditState } from '../audit/index.js';
import { deriveTopology, type ImportOptions, type ImportedTopology } from '../import/index.js';
import { checkTopology, type CheckOptions, type CheckedTopology } from './check-topology.js';
import { withBackend, type BackendSource } from './backend-source.js';
import { describeBackend, endpointsOf } from './reconcile-once.js';
import type { BackendDescription } from './outcome.js';

/** What to audit: a backend, and optionally a topology naming its servers. */
export interface AuditOptions extends CheckOptions {
  /** A topology naming the servers (needed by backends that cannot list servers, such as http). */
  readonly file?: string;
  readonly backend: BackendSource;
  readonly concurrency?: number;
  /** Where a server's state lives in diagnostics (default: the backend's description). */
  readonly fileOf?: (server: string) => string | undefined;
}

/** The actual state of a backend and what the actual-state rules say about it. */
export interface BackendAudit {
  readonly actual: ReadonlyMap<string, ServerState>;
  readonly diagnostics: readonly Diagnostic[];
  /** Servers that could not be read: the audit is incomplete for them. */
  readonly unread: readonly ServerError[];
  readonly backend: BackendDescription;
}

/** How an audit ended. */
export type AuditResult =
  /** The topology given could not be parsed: nothing was read. */
  | { readonly outcome: 'invalid'; readonly checked: CheckedTopology }
  /** The backend holds no server state at all (a missing or empty state folder, say). */
  | {
      readonly outcome: 'no-state';
      readonly backend: BackendDescription;
      /** Why: the backend's server list could not be read, or nothing was found. */
      readonly cause: string | null;
    }
  | ({ readonly outcome: 'audited' } & BackendAudit);

/** An audit, and the topology derived from what the servers hold. */
export type ImportResult =
  | Exclude<AuditResult, { outcome: 'audited' }>
  | ({ readonly outcome: 'audited'; readonly imported: ImportedTopology } & BackendAudit);

/** Reads every server (the topology's and those the backend lists) and runs the actual-state rules. */
export async function auditNetwork(opts: AuditOptions, ctx: Context): Promise<AuditResult> {
  let servers: string[] = [];
  let endpoints: ReturnType<typeof endpointsOf> = [];
  if (opts.file !== undefined) {
    const checked = await checkTopology(opts.file, opts, ctx);
    if (checked.loaded.missing || topologyUnusable(checked.validation.diagnostics)) {
      return { outcome: 'invalid', checked };
    }
    endpoints = endpointsOf(checked);
    servers = endpoints.map((e) => e.name);
  }
  return withBackend(opts.backend, endpoints, (backend) =>
    auditBackend(backend, { servers, concurrency: opts.concurrency, fileOf: opts.fileOf }, ctx),
  );
}

/** Audits an open backend: the given servers and those it lists. */
export async function auditBackend(
  backend: Backend,
  opts: {
    servers?: readonly string[];
    concurrency?: number;
    fileOf?: (server: string) => string | undefined;
  },
  ctx: Context,
): Promise<AuditResult> {
  const read = await readActualState(
    backend,
    { servers: opts.servers ?? [], concurrency: opts.concurrency },
    ctx,
  );
  // Servers the backend merely reports as fresh hold nothing worth auditing.
  const actual = new Map(
    [...read.servers].filter(([, s]) => s.revision > 0 || s.neighbors.length > 0),
  );
  const description = describeBackend(backend);
  if (actual.size === 0 && read.errors.length === 0) {
    return { outcome: 'no-state', backend: description, cause: read.listError };
  }
  const diagnostics = auditState(actual, {
    now: ctx.clock.now(),
    fileOf: opts.fileOf ?? ((s) => backend.describeServer(s)),
    unreadable: new Set(read.errors.map((e) => e.server)),
  });
  return { outcome: 'audited', actual, diagnostics, unread: read.errors, backend: description };
}

/** Audits a backend and derives a topology from what it holds. */
export async function importNetwork(
  opts: AuditOptions & ImportOptions,
  ctx: Context,
): Promise<ImportResult> {
  const audit = await auditNetwork(opts, ctx);
  if (audit.outcome !== 'audited') return audit;
  return { ...audit, imported: deriveTopology(audit.actual, opts) };
}
