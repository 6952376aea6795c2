/** Reads the files a topology references (certificates, public keys) and checks their paths. */
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Topology } from '../model/index.js';
import { readRegularFileSync } from '../util/read-regular-file.js';

/** Largest certificate or key file accepted (a PEM certificate chain is a few KiB). */
export const MAX_REFERENCED_FILE_BYTES = 1024 * 1024;

/** Largest `{ file: }` secret accepted (a password is a line of text). */
export const MAX_SECRET_FILE_BYTES = 1024 * 1024;

/** The outcome of reading one referenced file. */
export type FileRead =
  | { readonly status: 'ok'; readonly absolutePath: string; readonly text: string }
  | { readonly status: 'outside-root'; readonly absolutePath: string }
  | {
      readonly status: 'error';
      readonly absolutePath: string;
      readonly reason: string;
      /** Set when the file does not exist (the other errors are about what it is or holds). */
      readonly missing?: true;
    };

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
  // `..foo` is a file inside; only `..` itself or a `../` prefix leaves the root.
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

/**
 * Real paths for the symlink-escape check, cached per load: the root and each folder are
 * resolved once, and a file that is not itself a symlink is its folder's real path plus its
 * name, so 10,000 certificates in one folder cost one `lstat` each instead of two `realpath`s.
 * Synchronous on purpose: these calls take microseconds on local disks, where the thread-pool
 * round trip of the async API costs several times more (measured in docs/benchmarks.md).
 */
class RealPaths {
  private root: string | null | undefined;
  private readonly dirs = new Map<string, string | null>();

  constructor(private readonly rootDir: string) {}

  /** The root's real path, or null when it cannot be resolved. */
  realRoot(): string | null {
    if (this.root === undefined) this.root = tryRealpath(this.rootDir);
    return this.root;
  }

  /** A file's real path (null when it cannot be resolved). */
  realFile(absolutePath: string): { real: string | null } {
    let isLink: boolean;
    try {
      isLink = lstatSync(absolutePath).isSymbolicLink();
    } catch {
      return { real: null }; // a missing file is reported when it is read
    }
    if (isLink) return { real: tryRealpath(absolutePath) };
    const dir = path.dirname(absolutePath);
    if (dir === absolutePath) return { real: tryRealpath(absolutePath) };
    let realDir = this.dirs.get(dir);
    if (realDir === undefined) {
      realDir = tryRealpath(dir);
      this.dirs.set(dir, realDir);
    }
    return { real: realDir === null ? null : path.join(realDir, path.basename(absolutePath)) };
  }
}

function tryRealpath(p: string): string | null {
  try {
    return realpathSync.native(p);
  } catch {
    return null;
  }
}

function resolveWith(
  written: string,
  opts: PathOptions,
  real: RealPaths,
): { absolutePath: string; outside: boolean } {
  const absolutePath = path.resolve(opts.rootDir, written);
  if (opts.allowOutsideRoot) return { absolutePath, outside: false };
  if (!isInside(opts.rootDir, absolutePath)) return { absolutePath, outside: true };
  const file = real.realFile(absolutePath);
  const realRoot = file.real === null ? null : real.realRoot();
  // Either side unresolvable: not outside; a missing file is reported when it is read.
  if (file.real === null || realRoot === null) return { absolutePath, outside: false };
  return { absolutePath, outside: !isInside(realRoot, file.real) };
}

/** Resolves a referenced path, refusing one that leaves the root (also through symlinks). */
export async function resolveReferencedPath(
  written: string,
  opts: PathOptions,
): Promise<{ absolutePath: string; outside: boolean }> {
  return resolveWith(written, opts, new RealPaths(opts.rootDir));
}

function readWith(written: string, opts: PathOptions, real: RealPaths, limit: number): FileRead {
  const { absolutePath, outside } = resolveWith(written, opts, real);
  if (outside) return { status: 'outside-root', absolutePath };
  // A FIFO or a device named here must not hang the load or fill memory: see readRegularFile.
  const read = readRegularFileSync(absolutePath, { limit });
  if (!read.ok) {
    return {
      status: 'error',
      absolutePath,
      reason: read.reason,
      ...(read.kind === 'missing' ? { missing: true as const } : {}),
    };
  }
  if (read.bytes.includes(0))
    return { status: 'error', absolutePath, reason: 'is binary, not PEM text' };
  return { status: 'ok', absolutePath, text: read.bytes.toString('utf8') };
}

/** Reads one referenced text file with a size limit; errors become reasons, never throws. */
export async function readReferencedFile(
  written: string,
  opts: PathOptions,
  limit = MAX_REFERENCED_FILE_BYTES,
): Promise<FileRead> {
  return readWith(written, opts, new RealPaths(opts.rootDir), limit);
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
  const real = new RealPaths(opts.rootDir);
  // Files are read synchronously in slices, yielding to the event loop between slices so a
  // long-running host (watch) stays responsive while a large network loads.
  const slice = 256;
  for (let i = 0; i < paths.length; i += slice) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const p of paths.slice(i, i + slice))
      store.set(p, readWith(p, opts, real, MAX_REFERENCED_FILE_BYTES));
  }
  // Secret files are read only when secrets are resolved, but their paths are always checked.
  for (const link of topology.links) {
    const ref = link.password;
    if (ref?.kind !== 'file' || store.has(ref.path)) continue;
    const { absolutePath, outside } = resolveWith(ref.path, opts, real);
    if (outside) store.set(ref.path, { status: 'outside-root', absolutePath });
  }
  return store;
}
