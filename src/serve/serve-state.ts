/**
 * What serve remembers across restarts, in `--data/serve-state.json`: the history of cycles (at
 * most 1,000, newest first), the last revision the servers were brought to and the last revision
 * that validated. Written atomically after every cycle; a file that cannot be read is set aside
 * (renamed, never deleted) and serve starts with an empty history, saying why.
 */
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../backends/index.js';
import { readRegularFile } from '../util/read-regular-file.js';
import { parseJson } from '../util/json-parse.js';
import type { HistoryEntry } from './serve-model.js';

/** Entries kept in the history. */
export const HISTORY_LIMIT = 1000;

/** The persisted state. */
export interface PersistedServeState {
  readonly version: 1;
  /** The revision the servers were last brought to (applied, or found matching) and when. */
  readonly applied: { readonly revision: string; readonly at: string } | null;
  /** The last revision that validated: what drift checks compare with while the head is invalid. */
  readonly lastGood: string | null;
  readonly nextId: number;
  /** Newest first. */
  readonly history: readonly HistoryEntry[];
}

/** A fresh state. */
export function emptyServeState(): PersistedServeState {
  return { version: 1, applied: null, lastGood: null, nextId: 1, history: [] };
}

/** The state file in a data folder. */
export function serveStateFile(dataDir: string): string {
  return path.join(dataDir, 'serve-state.json');
}

function isState(v: unknown): v is PersistedServeState {
  const s = v as PersistedServeState;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.version === 1 &&
    Array.isArray(s.history) &&
    typeof s.nextId === 'number' &&
    (s.lastGood === null || typeof s.lastGood === 'string')
  );
}

/** Reads the state; a missing file is a fresh start, an unreadable one is set aside with a note. */
export async function loadServeState(
  dataDir: string,
): Promise<{ state: PersistedServeState; note: string | null }> {
  const file = serveStateFile(dataDir);
  const read = await readRegularFile(file, { limit: 64 * 1024 * 1024 });
  if (!read.ok) {
    if (read.kind === 'missing') return { state: emptyServeState(), note: null };
    return { state: emptyServeState(), note: `cannot read ${file}: ${read.reason}` };
  }
  const parsed = parseJson(read.bytes.toString('utf8'));
  if (parsed.ok && isState(parsed.value)) {
    return {
      state: { ...parsed.value, history: parsed.value.history.slice(0, HISTORY_LIMIT) },
      note: null,
    };
  }
  const aside = `${file}.unreadable-${Date.now()}`;
  await rename(file, aside).catch(() => undefined);
  return {
    state: emptyServeState(),
    note: `${file} is ${parsed.ok ? 'not a serve state' : parsed.reason}; kept it as ${path.basename(aside)} and started a new history`,
  };
}

/** Writes the state atomically (temp file, fsync, rename). */
export async function saveServeState(dataDir: string, state: PersistedServeState): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(serveStateFile(dataDir), JSON.stringify(state, null, 1) + '\n', 0o600);
}

/** The state with one more history entry (newest first, at most HISTORY_LIMIT). */
export function withHistoryEntry(
  state: PersistedServeState,
  entry: HistoryEntry,
): PersistedServeState {
  return {
    ...state,
    nextId: Math.max(state.nextId, entry.id + 1),
    history: [entry, ...state.history].slice(0, HISTORY_LIMIT),
  };
}
