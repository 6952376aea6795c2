/**
 * The apply stage: executes a plan against a backend. Protocol enable and restart come first on
 * every server, then new and changed entries, then deletions, so a link being moved is never
 * missing in between. Servers run concurrently up to a bound; one failing server does not stop
 * the others. A write that finds the server changed since the plan is re-planned, never forced.
 */
import {
  applyPhaseOf,
  DEFAULT_CONCURRENCY,
  type ApplyPhase,
  type Context,
  type PlanChange,
  type ServerState,
} from '../model/index.js';
import { ConflictError, type Backend, type ServerChange } from '../backends/index.js';
import { mapLimit } from '../util/concurrency.js';

/** What happened on one server. */
export interface ServerReport {
  readonly server: string;
  readonly status: 'applied' | 'unchanged' | 'failed' | 'skipped';
  /** Backend writes made. */
  readonly writes: number;
  /** Plan changes carried out. */
  readonly changes: number;
  readonly revision?: number;
  readonly error?: string;
  /** True when the server was re-planned after someone else changed it. */
  readonly replanned?: boolean;
}

/** The outcome of an apply. */
export interface ApplyReport {
  readonly servers: readonly ServerReport[];
  readonly writes: number;
  readonly failed: number;
}

/** Progress events for displays. */
export interface ApplyProgress {
  readonly phase: ApplyPhase;
  readonly server: string;
  readonly done: number;
  readonly total: number;
}

/** Options of apply. */
export interface ApplyOptions {
  readonly concurrency?: number;
  readonly onProgress?: (p: ApplyProgress) => void;
  /**
   * Re-plans one server after a revision conflict (fresh read + plan). Absent for saved plans,
   * which must be applied exactly as made: a conflict then fails that server as stale.
   */
  readonly replan?: (server: string) => Promise<{ revision: number; changes: PlanChange[] }>;
  readonly maxReplans?: number;
}

function changeFor(
  phase: ApplyPhase,
  changes: readonly PlanChange[],
  expectedRevision: number,
): ServerChange[] {
  const mine = changes.filter((c) => applyPhaseOf(c) === phase);
  if (mine.length === 0) return [];
  if (phase === 'protocol') {
    // Enabling and restarting are separate operations on a real server, in this order.
    const out: ServerChange[] = [];
    if (mine.some((c) => c.action === 'enable-protocol'))
      out.push({ expectedRevision, protocol: 'enabled' });
    if (mine.some((c) => c.action === 'restart')) out.push({ expectedRevision: -1, restart: true });
    return out;
  }
  if (phase === 'entries') {
    const upsert = mine.flatMap((c) =>
      c.action === 'create' || c.action === 'update' ? [c.entry] : [],
    );
    return [{ expectedRevision, upsert }];
  }
  return [
    { expectedRevision, remove: mine.flatMap((c) => (c.action === 'delete' ? [c.neighbor] : [])) },
  ];
}

interface ServerRun {
  server: string;
  revision: number;
  pending: PlanChange[];
  writes: number;
  done: number;
  failed?: string;
  replanned: boolean;
}

/** Applies a plan; never throws for a server's failure, which lands in its report instead. */
export async function applyPlan(
  plan: { changes: readonly PlanChange[]; revisions: Readonly<Record<string, number>> },
  backend: Backend,
  ctx: Context,
  opts: ApplyOptions = {},
): Promise<ApplyReport> {
  const runs = new Map<string, ServerRun>();
  for (const c of plan.changes) {
    let run = runs.get(c.server);
    if (!run) {
      run = {
        server: c.server,
        revision: plan.revisions[c.server] ?? 0,
        pending: [],
        writes: 0,
        done: 0,
        replanned: false,
      };
      runs.set(c.server, run);
    }
    run.pending.push(c);
  }
  const servers = [...runs.values()];
  const limit = opts.concurrency ?? DEFAULT_CONCURRENCY;
  for (const phase of ['protocol', 'entries', 'deletions'] as const) {
    const todo = servers.filter(
      (r) => !r.failed && r.pending.some((c) => applyPhaseOf(c) === phase),
    );
    let done = 0;
    await mapLimit(todo, limit, async (run) => {
      await runPhase(run, phase, backend, ctx, opts);
      opts.onProgress?.({ phase, server: run.server, done: ++done, total: todo.length });
    });
  }
  const reports: ServerReport[] = servers.map((r) => ({
    server: r.server,
    status: r.failed ? 'failed' : r.writes > 0 ? 'applied' : 'unchanged',
    writes: r.writes,
    changes: r.done,
    revision: r.revision,
    ...(r.failed ? { error: r.failed } : {}),
    ...(r.replanned ? { replanned: true } : {}),
  }));
  return {
    servers: reports,
    writes: reports.reduce((n, r) => n + r.writes, 0),
    failed: reports.filter((r) => r.status === 'failed').length,
  };
}

async function runPhase(
  run: ServerRun,
  phase: ApplyPhase,
  backend: Backend,
  ctx: Context,
  opts: ApplyOptions,
): Promise<void> {
  let replans = 0;
  for (;;) {
    if (ctx.signal.aborted) {
      run.failed = 'aborted before this server was finished';
      return;
    }
    const writes = changeFor(phase, run.pending, run.revision);
    try {
      for (const w of writes) {
        const state: ServerState = await backend.applyChange(
          run.server,
          { ...w, expectedRevision: run.revision },
          ctx,
        );
        run.revision = state.revision;
        run.writes++;
      }
      const carried = run.pending.filter((c) => applyPhaseOf(c) === phase);
      run.done += carried.length;
      run.pending = run.pending.filter((c) => applyPhaseOf(c) !== phase);
      ctx.logger.info(
        { server: run.server, phase, changes: carried.length, revision: run.revision },
        'applied',
      );
      return;
    } catch (err) {
      if (err instanceof ConflictError && opts.replan && replans < (opts.maxReplans ?? 3)) {
        replans++;
        ctx.logger.warn(
          { server: run.server, expected: err.expected, actual: err.actual },
          'server changed since it was planned; re-planning it',
        );
        try {
          const fresh = await opts.replan(run.server);
          run.revision = fresh.revision;
          // Phases already done stay done; the fresh plan decides what is left.
          run.pending = fresh.changes.filter((c) => phaseRank(applyPhaseOf(c)) >= phaseRank(phase));
          run.replanned = true;
          continue;
        } catch (replanErr) {
          run.failed = `re-planning after a conflict failed: ${(replanErr as Error).message}`;
          return;
        }
      }
      run.failed =
        err instanceof ConflictError
          ? `${err.message}; the saved plan is stale for this server, run plan again`
          : (err as Error).message;
      ctx.logger.error({ server: run.server, phase, err: run.failed }, 'apply failed on server');
      return;
    }
  }
}

function phaseRank(p: ApplyPhase): number {
  return p === 'protocol' ? 0 : p === 'entries' ? 1 : 2;
}
