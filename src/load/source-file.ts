/** Reading the topology file itself: size, encoding and kind checks before any parsing. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Finding } from '../model/index.js';
import { readRegularFile } from '../util/read-regular-file.js';

/** Largest topology file accepted (a 10,000-server network is about 2 MiB). */
export const MAX_TOPOLOGY_BYTES = 32 * 1024 * 1024;

/** The topology text and where it came from. */
export interface SourceFile {
  /** Path as given by the user, used in diagnostics. */
  readonly displayPath: string;
  readonly absolutePath: string;
  readonly text: string;
  readonly sha256: string;
}

/** A source file, or the finding that explains why it cannot be one. */
export type SourceResult =
  | { readonly ok: true; readonly source: SourceFile }
  | { readonly ok: false; readonly finding: Finding; readonly missing: boolean };

function fail(message: string, missing = false): SourceResult {
  return {
    ok: false,
    missing,
    finding: { rule: 'yaml-syntax', severity: 'error', message, pointer: '' },
  };
}

/** Decodes topology bytes, rejecting binary and non-UTF-8 content with a precise reason. */
export function decodeTopologyBytes(bytes: Uint8Array): { text: string } | { error: string } {
  if (bytes.length > MAX_TOPOLOGY_BYTES) {
    return {
      error: `file is too large (${bytes.length} bytes; the limit is ${MAX_TOPOLOGY_BYTES})`,
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { error: `file is binary, not YAML text (NUL byte at offset ${nul})` };
  try {
    let text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch {
    return {
      error: `file is not valid UTF-8 (first bad byte near offset ${firstInvalidUtf8(bytes)})`,
    };
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the shortest failing prefix; truncation inside a sequence may also fail,
  // so the answer is within three bytes of the real position, which is precise enough to find it.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid + 1));
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return Math.max(0, lo - 3);
}

/** Reads a topology file; every failure becomes a `yaml-syntax` finding (or a missing-file mark). */
export async function readTopologySource(displayPath: string): Promise<SourceResult> {
  const absolutePath = path.resolve(displayPath);
  // Never blocks on a FIFO nor reads a device without end: see readRegularFile.
  const read = await readRegularFile(absolutePath, { limit: MAX_TOPOLOGY_BYTES });
  if (!read.ok) {
    if (read.kind === 'missing') return fail(`${displayPath} does not exist`, true);
    if (read.kind === 'too-large') return fail(`file ${read.reason}`);
    if (read.reason.startsWith('is a directory'))
      return fail(`${displayPath} is a directory, not a topology file`);
    return fail(`${displayPath} ${read.reason}`);
  }
  return sourceFromBytes(displayPath, absolutePath, read.bytes);
}

/** Builds a source file from bytes already in memory (used by diff for `git:` revisions). */
export function sourceFromBytes(
  displayPath: string,
  absolutePath: string,
  bytes: Uint8Array,
): SourceResult {
  const decoded = decodeTopologyBytes(bytes);
  if ('error' in decoded) return fail(decoded.error);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { ok: true, source: { displayPath, absolutePath, text: decoded.text, sha256 } };
}
