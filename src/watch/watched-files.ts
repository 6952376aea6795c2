/** Which files a watch follows, and a fingerprint of their contents to skip runs when nothing changed. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { MAX_TOPOLOGY_BYTES, type LoadedTopology } from '../load/index.js';
import { mapLimit } from '../util/concurrency.js';
import { readRegularFile } from '../util/read-regular-file.js';

/**
 * Absolute paths of the topology file and every file it references: certificates, public keys
 * and `{ file: ... }` secrets (read only when secrets are resolved, so taken from the links).
 */
export function watchedFilesOf(loaded: LoadedTopology): string[] {
  const files = new Set<string>([path.resolve(loaded.source.absolutePath)]);
  for (const read of loaded.files.values()) files.add(path.resolve(read.absolutePath));
  for (const link of loaded.topology.links) {
    if (link.password?.kind === 'file') {
      files.add(path.resolve(loaded.pathOptions.rootDir, link.password.path));
    }
  }
  return [...files].sort();
}

/** The files grouped by the folder that holds them (the folders are what gets watched). */
export function foldersOf(files: Iterable<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of files) {
    const dir = path.dirname(f);
    const set = out.get(dir) ?? new Set<string>();
    set.add(f);
    out.set(dir, set);
  }
  return out;
}

/**
 * Each file's content digest; a missing or unreadable file, one that is not a regular file (a FIFO
 * must not hang the watch) or one over the topology size limit gets a marker instead.
 */
export async function digestFiles(files: Iterable<string>): Promise<Map<string, string>> {
  const sorted = [...new Set(files)].sort();
  const digests = await mapLimit(sorted, 64, async (file) => {
    // The largest limit of any watched kind: the load reports the precise per-kind refusal.
    const read = await readRegularFile(file, { limit: MAX_TOPOLOGY_BYTES });
    if (!read.ok) return `unreadable:${read.code ?? read.kind}`;
    return createHash('sha256').update(read.bytes).digest('hex');
  });
  return new Map(sorted.map((f, i) => [f, digests[i] as string]));
}

/**
 * True when two digest maps cover the same files with the same contents, so a save that changed
 * nothing (or an editor touching a file) does not cost a reconcile.
 */
export function sameDigests(
  a: ReadonlyMap<string, string> | undefined,
  b: ReadonlyMap<string, string>,
): boolean {
  if (!a || a.size !== b.size) return false;
  for (const [f, d] of b) if (a.get(f) !== d) return false;
  return true;
}
