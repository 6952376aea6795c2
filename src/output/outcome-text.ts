/** Words for how a reconcile ended: refusals, verification, stale locks. Each is chosen from data. */
import type { LockInfo, Refusal, ServerError, Verification } from '../model/index.js';

function list(names: readonly string[]): string {
  return names.join(', ');
}

function servers(n: number): string {
  return `${n} server${n === 1 ? '' : 's'}`;
}

/** One line saying why a reconcile was refused. */
export function describeRefusal(refusal: Refusal): string {
  switch (refusal.reason) {
    case 'unknown-target':
      return `unknown --target server${refusal.targets.length === 1 ? '' : 's'}: ${list(refusal.targets)}`;
    case 'deletes-everything':
      return `the plan would delete every entry avnet manages (${refusal.destroy}); the topology looks empty or truncated. Pass --allow-empty if this is intended.`;
    case 'locked':
      return `state is locked by ${refusal.holder.owner} for "${refusal.holder.operation}" since ${refusal.holder.startedAt} (lock ${refusal.holder.id}). ${refusal.hint}`;
    case 'stale-plan':
      switch (refusal.cause) {
        case 'topology-missing':
          return `stale plan: the topology ${list(refusal.subjects)} no longer exists; run plan again`;
        case 'topology-changed':
          return `stale plan: ${list(refusal.subjects)} changed since the plan was made; run plan again`;
        case 'servers-unreadable':
          return `stale plan: ${list(refusal.subjects)} cannot be read now, so the plan cannot be checked against ${refusal.subjects.length === 1 ? 'it' : 'them'}; run plan again`;
        case 'servers-moved':
          return `stale plan: changed since the plan was made: ${list(refusal.subjects)}; run plan again`;
        case 'changes-differ':
          return 'stale plan: planning again gives different changes (a secret or a referenced file changed); run plan again';
      }
  }
}

/** Servers that could not be read, one per line, each with its cause. */
export function describeUnread(unread: readonly ServerError[], indent = '  '): string[] {
  return unread.map((e) => `${indent}${e.server}: ${e.message}`);
}

/** What reading the servers back after an apply found, in one or more lines. */
export function describeVerification(v: Verification): string[] {
  switch (v.status) {
    case 'converged':
      return ['Verified: the servers read back match the topology.'];
    case 'pending':
      return [
        `Not converged: reading the servers back shows ${v.plan.changes.length} change${v.plan.changes.length === 1 ? '' : 's'} still pending on ${list([...new Set(v.plan.changes.map((c) => c.server))])} (changed by someone else meanwhile?); run apply again.`,
      ];
    case 'unverified':
      return [
        `Not verified: ${servers(v.unread.length)} could not be read back after the apply:`,
        ...describeUnread(v.unread),
      ];
    case 'skipped':
      return ['Not verified: the apply was interrupted before the servers could be read back.'];
  }
}

/** The notice for a stale lock that was removed to take a new one. */
export function describeStaleLock(lock: LockInfo): string {
  const pid =
    lock.pid !== undefined
      ? ` (pid ${lock.pid}${lock.hostname ? ` on ${lock.hostname}` : ''})`
      : '';
  return `removed a stale lock: ${lock.owner}${pid} held it for "${lock.operation}" since ${lock.startedAt}, and that process is no longer running`;
}
