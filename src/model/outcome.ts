/**
 * The vocabulary of how a reconcile ends, shared by the engine that decides it and every output
 * that tells it: why a reconcile was refused, and what the re-read after an apply found. These are
 * closed unions so that the words printed are chosen from what happened, never guessed.
 */
import type { Plan, ServerError } from './plan.js';

/** Who holds a backend lock and why. */
export interface LockInfo {
  readonly id: string;
  readonly owner: string;
  readonly operation: string;
  readonly startedAt: string;
  readonly pid?: number;
  readonly hostname?: string;
}

/** Why a saved plan can no longer be applied exactly. */
export type StalePlanCause =
  | 'topology-missing' // the topology file it was made from is gone
  | 'topology-changed' // the topology file's content changed
  | 'servers-unreadable' // a server it covers cannot be read now
  | 'servers-moved' // a server's revision moved since the plan was made
  | 'changes-differ'; // planning again gives other changes (a secret or referenced file changed)

/** Why a reconcile did nothing at all. */
export type Refusal =
  | { readonly reason: 'unknown-target'; readonly targets: readonly string[] }
  | {
      readonly reason: 'deletes-everything';
      /** Managed entries the plan would delete: all of them. */
      readonly destroy: number;
    }
  | {
      readonly reason: 'stale-plan';
      readonly cause: StalePlanCause;
      /** The servers concerned (moved or unreadable), or the file. */
      readonly subjects: readonly string[];
    }
  | {
      readonly reason: 'locked';
      readonly holder: LockInfo;
      /** How to clear the lock if its holder is gone (a command to run). */
      readonly hint: string;
    };

/** The reasons a reconcile can be refused. */
export type RefusalReason = Refusal['reason'];

/** What re-reading the servers after an apply found. */
export type Verification =
  | { readonly status: 'converged' }
  /** Servers were read, but changes remain (someone else changed a server meanwhile). */
  | { readonly status: 'pending'; readonly plan: Plan }
  /** Some servers could not be read again, so convergence is unknown for them. */
  | { readonly status: 'unverified'; readonly unread: readonly ServerError[]; readonly plan: Plan }
  /** The apply was interrupted (Ctrl-C): nothing was read back. */
  | { readonly status: 'skipped' };
