/**
 * Words and marks for states. Every state is shown by a word and a mark besides its colour, so
 * that nobody has to tell red from green.
 */
import { LINK_REASONS, type LinkReason } from '../../src/model/link-health.js';
import type { CycleOutcome, HealthStatus, LinkStatusEntry, SyncStatus } from './api-types.js';

/** Marks (decorative: the word is always next to them). */
export const SYNC_MARK: Record<SyncStatus, string> = { Synced: '✓', OutOfSync: '≠', Unknown: '?' };
export const HEALTH_MARK: Record<HealthStatus, string> = {
  Healthy: '✓',
  Progressing: '…',
  Degraded: '✕',
  Unknown: '?',
};
export const LINK_MARK: Record<LinkStatusEntry['state'], string> = {
  online: '✓',
  offline: '✕',
  unknown: '?',
};
export const OUTCOME_MARK: Record<CycleOutcome, string> = {
  applied: '✓',
  planned: '≠',
  'no-changes': '=',
  invalid: '✕',
  failed: '✕',
  'fetch-failed': '✕',
  'drift-healed': '✓',
};

/** The link's kind in words. */
export function linkKindWord(type: LinkStatusEntry['type']): string {
  return type === 'peer' ? 'peer ↔ peer' : 'parent → child';
}

/** `A → B` or `A ↔ B`. */
export function linkTitle(l: Pick<LinkStatusEntry, 'a' | 'b' | 'type'>): string {
  return l.type === 'peer' ? `${l.a} ↔ ${l.b}` : `${l.a} → ${l.b}`;
}

/** The explanation of a link reason, or null for a code this page does not know. */
export function explainReason(reason: string | null): string | null {
  if (reason === null) return null;
  return Object.hasOwn(LINK_REASONS, reason) ? LINK_REASONS[reason as LinkReason].explain : null;
}

/** Reason codes in words: `wrong-password` → `wrong password`. */
export function reasonWords(reason: string | null): string {
  return reason === null ? '' : reason.replace(/-/g, ' ');
}

/** The first 7 characters of a commit. */
export function shortSha(sha: string | null): string {
  return sha === null ? '–' : /^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : sha.slice(0, 12);
}

/** A duration: `812 ms`, `4.2 s`, `3 min 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** How long ago: `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 days ago`. */
export function ago(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86_400);
  return `${d} day${d === 1 ? '' : 's'} ago`;
}

/** A timestamp in the reader's own locale and zone. */
export function localTime(iso: string | null): string {
  if (iso === null) return '–';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString();
}

/** A count with its noun: `1 server`, `3 servers`. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`;
}

/** A field value of a neighbor entry as one readable line. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.map(formatValue).join(', ');
  if (typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => `${k}: ${formatValue(x)}`,
    );
    return parts.length === 0 ? '(none)' : parts.join('; ');
  }
  return String(v);
}

/**
 * A document id for a name that may hold any character: letters, digits and `-` stay, anything
 * else (`_` included) becomes `_HEX_`, so two names never share an id.
 */
export function domId(prefix: string, name: string): string {
  let out = `${prefix}-`;
  for (const ch of name)
    out += /[A-Za-z0-9-]/.test(ch) ? ch : `_${ch.codePointAt(0)!.toString(16)}_`;
  return out;
}
