/** Reads the files a topology references (certificates, public keys) and checks their paths. */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Topology } from '../model/index.js';

/** Largest certificate or key file accepted. */
export const MAX_REFERENCED_FILE_BYTES = 1024 * 1024;

/** The outcome of reading one referenced file. */
export type FileRead =
  | { readonly status: 'ok'; readonly absolutePath: string; readonly text: string }
  | { readonly status: 'outside-root'; readonly absolutePath: string }
  | { readonly status: 'error'; readonly absolutePath: string; readonly reason: string };

/** Referenced files keyed by the path as written in the topology. */
export type FileStore = ReadonlyMap<string, FileRead>;

/** Options for resolving referenced paths. */
export interface PathOptions {
  /** Directory of the topology file: relative paths resolve against it and must stay inside it. */
  readonly rootDir: string;
  readonly allowOutsideRoot: boolean;
}

/** True when `child` is `root` or inside it. */
export function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Resolves a referenced path, refusing one that leaves the root (also through symlinks). */
export async function resolveReferencedPath(
  written: string,
  opts: PathOptions,
): Promise<{ absolutePath: string; outside: boolean }> {
  const absolutePath = path.resolve(opts.rootDir, written);
  if (opts.allowOutsideRoot) return { absolutePath, outside: false };
  if (!isInside(opts.rootDir, absolutePath)) return { absolutePath, outside: true };
  try {
    const [realRoot, realFile] = await Promise.all([
      realpath(opts.rootDir),
      realpath(absolutePath),
    ]);
    return { absolutePath, outside: !isInside(realRoot, realFile) };
  } catch {
    return { absolutePath, outside: false }; // a missing file is reported when it is read
  }
}

/** Reads one referenced text file with a size limit; errors become reasons, never throws. */
export async function readReferencedFile(written: string, opts: PathOptions): Promise<FileRead> {
  const { absolutePath, outside } = await resolveReferencedPath(written, opts);
  if (outside) return { status: 'outside-root', absolutePath };
  try {
    const info = await stat(absolutePath);
    if (info.isDirectory()) return { status: 'error', absolutePath, reason: 'is a directory' };
    if (info.size > MAX_REFERENCED_FILE_BYTES) {
      return { status: 'error', absolutePath, reason: `is too large (${info.size} bytes)` };
    }
    const bytes = await readFile(absolutePath);
    if (bytes.includes(0))
      return { status: 'error', absolutePath, reason: 'is binary, not PEM text' };
    return { status: 'ok', absolutePath, text: bytes.toString('utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'is not readable (permission denied)'
          : `cannot be read (${code ?? 'unknown error'})`;
    return { status: 'error', absolutePath, reason };
  }
}

/** Every certificate and public-key path the topology references, deduplicated. */
export function referencedKeyMaterial(topology: Topology): string[] {
  const paths = new Set<string>();
  for (const s of topology.servers.values()) {
    for (const c of s.certificates) paths.add(c);
    if (s.publicKey !== undefined) paths.add(s.publicKey);
  }
  return [...paths];
}

/** Reads all certificate and key files, a bounded number at a time. */
export async function readReferencedFiles(
  topology: Topology,
  opts: PathOptions,
): Promise<FileStore> {
  const paths = referencedKeyMaterial(topology);
  const store = new Map<string, FileRead>();
  const width = 64;
  for (let i = 0; i < paths.length; i += width) {
    const batch = paths.slice(i, i + width);
    const reads = await Promise.all(batch.map((p) => readReferencedFile(p, opts)));
    batch.forEach((p, j) => store.set(p, reads[j] as FileRead));
  }
  // Secret files are read only when secrets are resolved, but their paths are always checked.
  for (const link of topology.links) {
    const ref = link.password;
    if (ref?.kind !== 'file' || store.has(ref.path)) continue;
    const { absolutePath, outside } = await resolveReferencedPath(ref.path, opts);
    if (outside) store.set(ref.path, { status: 'outside-root', absolutePath });
  }
  return store;
}
