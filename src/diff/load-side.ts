/**
 * Loading one side of a diff: a topology file on disk, or `git:REF:PATH`, read from a git
 * revision with `git show` (and the certificates it references from the same revision), so a
 * pull request can be reviewed without checking anything out.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import {
  EMPTY_TOPOLOGY,
  MAX_REFERENCED_FILE_BYTES,
  MAX_TOPOLOGY_BYTES,
  decodeTopologyBytes,
  loadTopology,
  loadTopologyText,
  referencedKeyMaterial,
  type FileRead,
  type FileStore,
  type LoadedTopology,
} from '../load/index.js';
import type { Topology } from '../model/index.js';

/** Where one side of a diff comes from. */
export type DiffSideSpec =
  | { readonly kind: 'file'; readonly path: string; readonly display: string }
  | {
      readonly kind: 'git';
      readonly ref: string;
      readonly path: string;
      readonly display: string;
    };

/** A side that cannot be read at all (missing file, unknown revision): a usage error. */
export class DiffSourceError extends Error {
  override readonly name = 'DiffSourceError';
}

/** Options for loading a side. */
export interface DiffSideOptions {
  /** Directory the command runs in: relative paths and git commands start here. */
  readonly cwd: string;
  /** Environment of git processes. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly allowOutsideRoot?: boolean;
}

const GIT_PREFIX = 'git:';

/** Parses a command-line side: `git:REF:PATH` or a file path (write `./git:x` for such a file). */
export function parseDiffSide(arg: string): DiffSideSpec {
  if (!arg.startsWith(GIT_PREFIX)) return { kind: 'file', path: arg, display: arg };
  const rest = arg.slice(GIT_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0) {
    throw new DiffSourceError(`${arg}: expected git:REF:PATH, e.g. git:HEAD~1:topology.yaml`);
  }
  const ref = rest.slice(0, colon);
  const file = rest.slice(colon + 1);
  if (ref === '' || file === '') {
    throw new DiffSourceError(`${arg}: expected git:REF:PATH with a revision and a path`);
  }
  // A revision starting with `-` would reach git as an option.
  if (ref.startsWith('-')) throw new DiffSourceError(`${arg}: a revision cannot start with "-"`);
  if (/[\0\r\n]/.test(arg))
    throw new DiffSourceError(`${arg}: control characters in revision or path`);
  return { kind: 'git', ref, path: file, display: arg };
}

/** Loads one side; a side that does not exist or cannot be fetched throws `DiffSourceError`. */
export async function loadDiffSide(
  spec: DiffSideSpec,
  opts: DiffSideOptions,
): Promise<LoadedTopology> {
  if (spec.kind === 'file') {
    const file =
      path.isAbsolute(spec.path) || opts.cwd === process.cwd()
        ? spec.path
        : path.join(opts.cwd, spec.path);
    const loaded = await loadTopology(file, { allowOutsideRoot: opts.allowOutsideRoot ?? false });
    if (loaded.missing) throw new DiffSourceError(`topology file ${spec.display} does not exist`);
    // Reports name the side as the user wrote it, whatever directory the command ran in.
    return { ...loaded, source: { ...loaded.source, displayPath: spec.display } };
  }
  return loadGitSide(spec, opts);
}

// ---------------------------------------------------------------------------------------------
// git

type GitResult = { ok: true; stdout: Buffer } | { ok: false; reason: string; tooLarge?: boolean };

/** Runs git with an argument array (never a shell); the reason of a failure is one line. */
function runGit(
  args: readonly string[],
  opts: DiffSideOptions,
  input?: string,
  maxBuffer = 64 * 1024 * 1024,
): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      [...args],
      {
        cwd: opts.cwd,
        // No prompts, and no index refresh that would take a lock in the user's repository.
        env: { ...opts.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
        encoding: 'buffer',
        maxBuffer,
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout });
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          return resolve({ ok: false, reason: 'git is not installed (or not on PATH)' });
        }
        if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return resolve({ ok: false, reason: 'git output is too large', tooLarge: true });
        }
        resolve({ ok: false, reason: gitReason(stderr.toString('utf8'), err) });
      },
    );
    child.stdin?.on('error', () => {}); // git may exit before reading its input
    child.stdin?.end(input ?? '');
  });
}

/** Git's own reason, one line: the `fatal:` / `error:` line without its prefix. */
export function gitReason(stderr: string, err?: Error): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const main = lines.find((l) => /^(fatal|error):/i.test(l)) ?? lines[0];
  if (main !== undefined) return main.replace(/^(fatal|error):\s*/i, '');
  return err?.message.split('\n')[0] ?? 'git failed';
}

/** A failed load, for text that cannot be a topology at all (binary, not UTF-8, too large). */
function unreadable(display: string, absolutePath: string, message: string): LoadedTopology {
  return {
    source: { displayPath: display, absolutePath, text: '', sha256: '' },
    topology: EMPTY_TOPOLOGY,
    files: new Map(),
    secretRanges: [],
    findings: [{ rule: 'yaml-syntax', severity: 'error', message, pointer: '' }],
    parsedOk: false,
    missing: false,
    pathOptions: { rootDir: path.dirname(absolutePath), allowOutsideRoot: false },
  };
}

async function loadGitSide(
  spec: Extract<DiffSideSpec, { kind: 'git' }>,
  opts: DiffSideOptions,
): Promise<LoadedTopology> {
  const object = `${spec.ref}:${spec.path}`;
  const shown = await runGit(
    ['show', '--no-textconv', object],
    opts,
    undefined,
    MAX_TOPOLOGY_BYTES + 1,
  );
  if (!shown.ok && shown.tooLarge) {
    const message = `file is too large (the limit is ${MAX_TOPOLOGY_BYTES} bytes)`;
    return unreadable(spec.display, path.resolve(opts.cwd, spec.path), message);
  }
  if (!shown.ok) throw new DiffSourceError(`${spec.display}: ${shown.reason}`);
  const type = await runGit(['cat-file', '-t', object], opts);
  const kind = type.ok ? type.stdout.toString('utf8').trim() : 'unknown';
  if (kind !== 'blob') {
    throw new DiffSourceError(
      `${spec.display}: ${spec.path} is ${kind === 'tree' ? 'a directory' : `a ${kind}, not a file`} in ${spec.ref}`,
    );
  }

  // Paths in `REF:PATH` are from the repository root, unless they start with ./ or ../
  // (then from the current directory), as git itself reads them.
  const where = await runGit(['rev-parse', '--show-toplevel', '--show-prefix'], opts);
  const [toplevel, prefix] = where.ok
    ? (where.stdout.toString('utf8').split('\n') as [string, string?])
    : [opts.cwd, ''];
  const relative = /^\.\.?(\/|$)/.test(spec.path);
  const repoPath = path.posix.normalize(
    relative ? path.posix.join(prefix ?? '', spec.path) : spec.path,
  );
  const repoDir = path.posix.dirname(repoPath);
  const rootDir = path.join(toplevel || opts.cwd, repoDir);
  const absolutePath = path.join(toplevel || opts.cwd, repoPath);

  const decoded = decodeTopologyBytes(shown.stdout);
  if ('error' in decoded) return unreadable(spec.display, absolutePath, decoded.error);
  const loaded = await loadTopologyText(decoded.text, spec.display, {
    rootDir,
    allowOutsideRoot: opts.allowOutsideRoot ?? false,
  });
  if (!loaded.parsedOk) return loaded;
  // The loader read referenced files from the working tree; the revision's own files replace them.
  const files = await readGitFiles(loaded.topology, {
    ref: spec.ref,
    repoDir,
    toplevel: toplevel || opts.cwd,
    side: opts,
  });
  return { ...loaded, files };
}

interface GitFilesOptions {
  readonly ref: string;
  /** Directory of the topology file inside the repository (posix, `.` for the root). */
  readonly repoDir: string;
  readonly toplevel: string;
  readonly side: DiffSideOptions;
}

function insideDir(dir: string, file: string): boolean {
  if (dir === '.') return file !== '..' && !file.startsWith('../');
  return file === dir || file.startsWith(`${dir}/`);
}

/**
 * Reads certificates and public keys from the revision: `git cat-file --batch-check` for types
 * and sizes (following in-repository symlinks), then one `--batch` for the contents of the small
 * blobs. Anything unreadable gets a reason, like a missing file on disk.
 */
async function readGitFiles(topology: Topology, o: GitFilesOptions): Promise<FileStore> {
  const store = new Map<string, FileRead>();
  const wanted: { written: string; object: string; absolutePath: string }[] = [];
  const allowOutside = o.side.allowOutsideRoot ?? false;
  const classify = (written: string): { repoFile?: string; read?: FileRead } => {
    const posixPath = written.replace(/\\/g, '/');
    const repoFile = path.posix.normalize(path.posix.join(o.repoDir, posixPath));
    const absolutePath = path.join(o.toplevel, repoFile);
    if (path.posix.isAbsolute(posixPath) || path.win32.isAbsolute(written)) {
      return {
        read: {
          status: 'error',
          absolutePath: written,
          reason: 'is an absolute path, which cannot be read from a git revision',
        },
      };
    }
    if (!allowOutside && !insideDir(o.repoDir, repoFile)) {
      return { read: { status: 'outside-root', absolutePath } };
    }
    if (repoFile === '..' || repoFile.startsWith('../')) {
      return { read: { status: 'error', absolutePath, reason: 'is outside the git repository' } };
    }
    if (/[\r\n]/.test(repoFile)) {
      return { read: { status: 'error', absolutePath, reason: 'has a line break in its path' } };
    }
    return { repoFile };
  };

  for (const written of referencedKeyMaterial(topology)) {
    const c = classify(written);
    if (c.read) store.set(written, c.read);
    else if (c.repoFile !== undefined) {
      wanted.push({
        written,
        object: `${o.ref}:${c.repoFile}`,
        absolutePath: path.join(o.toplevel, c.repoFile),
      });
    }
  }
  // Secret files are never read by diff, but a path leaving the folder is still reported.
  for (const link of topology.links) {
    const ref = link.password;
    if (ref?.kind !== 'file' || store.has(ref.path)) continue;
    const c = classify(ref.path);
    if (c.read?.status === 'outside-root') store.set(ref.path, c.read);
  }
  if (wanted.length === 0) return store;

  const check = await runGit(
    ['cat-file', '--batch-check', '--follow-symlinks'],
    o.side,
    wanted.map((w) => w.object).join('\n') + '\n',
  );
  if (!check.ok) {
    for (const w of wanted) {
      store.set(w.written, {
        status: 'error',
        absolutePath: w.absolutePath,
        reason: `cannot be read from ${o.ref} (${check.reason})`,
      });
    }
    return store;
  }
  const lines = check.stdout.toString('utf8').split('\n');
  const blobs: { written: string; oid: string; size: number; absolutePath: string }[] = [];
  let i = 0;
  for (const w of wanted) {
    const line = lines[i++] ?? '';
    const fail = (reason: string) =>
      store.set(w.written, { status: 'error', absolutePath: w.absolutePath, reason });
    const header = /^([0-9a-f]{40,64}) (\S+) ([0-9]+)$/.exec(line);
    if (header) {
      const [, oid, type, sizeText] = header as unknown as [string, string, string, string];
      const size = Number(sizeText);
      if (type === 'tree') fail(`is a directory in ${o.ref}`);
      else if (type !== 'blob') fail(`is a ${type}, not a file, in ${o.ref}`);
      else if (size > MAX_REFERENCED_FILE_BYTES) fail(`is too large (${size} bytes)`);
      else blobs.push({ written: w.written, oid, size, absolutePath: w.absolutePath });
      continue;
    }
    const special = /^(symlink|dangling|loop|notdir) [0-9]+$/.exec(line);
    if (special) {
      i++; // the symlink target or the object name follows on its own line
      fail(
        special[1] === 'symlink'
          ? `is a symbolic link leaving the repository in ${o.ref}`
          : `does not exist in ${o.ref} (${special[1]} symbolic link)`,
      );
      continue;
    }
    fail(line.endsWith(' ambiguous') ? `is ambiguous in ${o.ref}` : `does not exist in ${o.ref}`);
  }
  if (blobs.length === 0) return store;

  const batch = await runGit(
    ['cat-file', '--batch'],
    o.side,
    blobs.map((b) => b.oid).join('\n') + '\n',
  );
  if (!batch.ok) {
    for (const b of blobs) {
      store.set(b.written, {
        status: 'error',
        absolutePath: b.absolutePath,
        reason: `cannot be read from ${o.ref} (${batch.reason})`,
      });
    }
    return store;
  }
  // Output: for each object `<oid> blob <size>\n<content>\n`.
  let at = 0;
  const out = batch.stdout;
  for (const b of blobs) {
    const eol = out.indexOf(0x0a, at);
    const start = eol + 1;
    const bytes = out.subarray(start, start + b.size);
    at = start + b.size + 1;
    if (eol < 0 || bytes.length !== b.size) {
      store.set(b.written, {
        status: 'error',
        absolutePath: b.absolutePath,
        reason: `cannot be read from ${o.ref} (short read)`,
      });
    } else if (bytes.includes(0)) {
      store.set(b.written, {
        status: 'error',
        absolutePath: b.absolutePath,
        reason: 'is binary, not PEM text',
      });
    } else {
      store.set(b.written, {
        status: 'ok',
        absolutePath: b.absolutePath,
        text: bytes.toString('utf8'),
      });
    }
  }
  return store;
}
