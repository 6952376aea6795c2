/**
 * How a reconcile ended, as one closed union on `outcome`. Each variant carries exactly what that
 * ending produced, so a command chooses its words from the outcome and cannot claim "no changes"
 * about servers it did not read.
 */
import type {
  DesiredServerState,
  Diagnostic,
  LockInfo,
  Plan,
  Refusal,
  ServerError,
  ServerState,
  Verification,
} from '../model/index.js';
import type { Backend } from '../backends/index.js';
import type { ApplyReport } from '../apply/index.js';
import type { CheckedTopology } from './check-topology.js';

/** What a reconcile can report about its backend once it is done: names only, no I/O. */
export type BackendDescription = Pick<Backend, 'type' | 'describeServer' | 'stateFolder'>;

/** What reading the servers and planning produced. */
export interface Reading {
  readonly desired: ReadonlyMap<string, DesiredServerState>;
  /** Servers that were read (fresh servers included). */
  readonly actual: ReadonlyMap<string, ServerState>;
  /** In-scope servers that could not be read; nothing is planned for them (also `plan.errors`). */
  readonly unread: readonly ServerError[];
  readonly plan: Plan;
  readonly backend: BackendDescription;
}

/** What an apply did, after its lock was taken. */
export interface ApplyRun {
  readonly apply: ApplyReport;
  /**
   * The servers as the apply left them: the states read back after it (the others as read
   * before), and what still differs (empty once converged). Without a read-back (interrupted),
   * the reading from before the apply.
   */
  readonly after: Reading;
  /** A stale lock (its owner was gone) that was removed to take this run's lock. */
  readonly staleLockRemoved: LockInfo | null;
}

interface Base {
  readonly checked: CheckedTopology;
  readonly diagnostics: readonly Diagnostic[];
}

/** The topology does not validate: nothing was read, nothing changed. */
export interface InvalidResult extends Base {
  readonly outcome: 'invalid';
}

/** The reconcile was refused before anything was written (see `refusal.reason`). */
export interface RefusedResult extends Base {
  readonly outcome: 'refused';
  readonly refusal: Refusal;
  /** The reading, when the refusal came after reading (deletes-everything, locked, stale-plan). */
  readonly reading: Reading | null;
}

/** Every in-scope server was read and already matches the topology. */
export interface InSyncResult extends Base {
  readonly outcome: 'in-sync';
  readonly reading: Reading;
}

/** Every in-scope server was read; changes are pending (plan mode). */
export interface PlannedResult extends Base {
  readonly outcome: 'planned';
  readonly reading: Reading;
}

/** Some in-scope servers could not be read, and nothing was applied: the plan covers the others. */
export interface IncompleteResult extends Base {
  readonly outcome: 'incomplete';
  readonly reading: Reading;
}

/** The user declined the apply: nothing changed. */
export interface CancelledResult extends Base {
  readonly outcome: 'cancelled';
  readonly reading: Reading;
}

/** Every server was read and written, and reading them back shows they match. */
export interface AppliedResult extends Base, ApplyRun {
  readonly outcome: 'applied';
  readonly reading: Reading;
  readonly verify: Extract<Verification, { status: 'converged' }>;
}

/** An apply ran, but a server failed, could not be read, or does not match afterwards. */
export interface FailedResult extends Base, ApplyRun {
  readonly outcome: 'failed';
  readonly reading: Reading;
  readonly verify: Verification;
}

/** How a reconcile (or the apply of a saved plan) ended. */
export type ReconcileResult =
  | InvalidResult
  | RefusedResult
  | InSyncResult
  | PlannedResult
  | IncompleteResult
  | CancelledResult
  | AppliedResult
  | FailedResult;

/** The outcomes a reconcile can end with. */
export type ReconcileOutcome = ReconcileResult['outcome'];

/** Results that hold a reading of the servers. */
export type ReadResult = Extract<ReconcileResult, { reading: Reading }>;

/** Results of a run that applied (some) changes. */
export type ApplyResult = AppliedResult | FailedResult;

/** The reading of a result, when it read the servers. */
export function readingOf(result: ReconcileResult): Reading | null {
  return 'reading' in result ? result.reading : null;
}

/** True when the result ran an apply (its outcome is `applied` or `failed`). */
export function ranApply(result: ReconcileResult): result is ApplyResult {
  return result.outcome === 'applied' || result.outcome === 'failed';
}

/** Servers that failed in a result, for counts: failed writes plus servers that were not read. */
export function failedServers(result: ApplyResult): number {
  return result.apply.failed + result.reading.unread.length;
}
