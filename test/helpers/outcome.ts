/** Narrowing a reconcile result in tests: fail with the outcome and its cause instead of `!`. */
import type { Plan } from '../../src/model/index.js';
import {
  readingOf,
  type ApplyResult,
  type ReconcileOutcome,
  type ReconcileResult,
} from '../../src/engine/index.js';
import { describeRefusal } from '../../src/output/index.js';

/** What a result says about itself, for assertion messages. */
export function explainResult(result: ReconcileResult): string {
  if (result.outcome === 'refused') return `refused: ${describeRefusal(result.refusal)}`;
  if (result.outcome === 'invalid')
    return `invalid: ${result.diagnostics.map((d) => `${d.rule}: ${d.message}`).join('; ')}`;
  const unread = readingOf(result)?.unread ?? [];
  return `${result.outcome}${unread.length > 0 ? ` (unread: ${unread.map((e) => `${e.server}: ${e.message}`).join('; ')})` : ''}`;
}

/** The result narrowed to `outcome`, or a thrown error naming what it was instead. */
export function expectOutcome<O extends ReconcileOutcome>(
  result: ReconcileResult,
  outcome: O,
): Extract<ReconcileResult, { outcome: O }> {
  if (result.outcome !== outcome)
    throw new Error(`expected outcome "${outcome}", got ${explainResult(result)}`);
  return result as Extract<ReconcileResult, { outcome: O }>;
}

/** The plan of a result that read the servers. */
export function planOf(result: ReconcileResult): Plan {
  const reading = readingOf(result);
  if (!reading) throw new Error(`no plan: ${explainResult(result)}`);
  return reading.plan;
}

/** A result that ran an apply (applied or failed). */
export function applyOf(result: ReconcileResult): ApplyResult {
  if (result.outcome !== 'applied' && result.outcome !== 'failed')
    throw new Error(`no apply ran: ${explainResult(result)}`);
  return result;
}
