/**
 * A commit's tree written out as plain files: the folder the engine reads a topology (and the
 * certificates and secret files it references) from. The bytes are git's own (`cat-file --batch`:
 * no filters, no `.gitattributes` conversions, no `export-ignore`), never a working tree that
 * someone may be editing. The tree is written into a temporary folder that is renamed into place
 * when complete, so a snapshot folder that exists is whole; files are read-only and only the
 * owner may read them (a repository may hold secret files).
 */
import type { ChildProcess } from 'node:child_process';
import { chmod, lstat, mkdir, open, readdir, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { runGit, type GitRun } from './git-run.js';

/** A snapshot that could not be written (unsafe tree, disk full, git failure). */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

/** How to run git against the source's bare repository. */
export interface GitContext {
  /** Arguments that come before every command (`--git-dir`, `-c` settings). */
  readonly prefix: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly track?: Set<ChildProcess>;
}

/** One entry of `git ls-tree -r`. */
export interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
  /** Path inside the repository, `/`-separated, checked to stay inside it. */
  readonly path: string;
}

/** Largest symbolic link target read (a target is a path). */
const MAX_LINK_TARGET = 4096;

/** A path a tree entry may have: relative, no `.`/`..`/empty components (a crafted tree could). */
export function isSafeTreePath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\0') || p.includes('\\')) return false;
  return p
    .split('/')
    .every((c) => c !== '' && c !== '.' && c !== '..' && c.toLowerCase() !== '.git');
}

/** Parses `git ls-tree -z` output: `MODE TYPE OID\tPATH\0`. */
export function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', oid = ''] = record.slice(0, tab).split(' ');
    entries.push({ mode, type, oid, path: record.slice(tab + 1) });
  }
  return entries;
}

function failure(what: string, run: GitRun): SnapshotError {
  if (run.timedOut) return new SnapshotError(`${what}: git timed out`);
  if (run.aborted) return new SnapshotError(`${what}: cancelled`);
  if (run.spawnError !== null) return new SnapshotError(`${what}: ${run.spawnError}`);
  const line = run.stderr.split('\n').find((l) => l.trim() !== '') ?? `git exited ${run.code}`;
  return new SnapshotError(`${what}: ${line.replace(/^(fatal|error):\s*/i, '').trim()}`);
}

/** Runs git in the source's repository. */
export function git(
  g: GitContext,
  args: readonly string[],
  extra: { input?: string; onStdout?: (s: Readable) => void; maxStdout?: number } = {},
): Promise<GitRun> {
  return runGit([...g.prefix, ...args], {
    cwd: g.cwd,
    env: g.env,
    timeoutMs: g.timeoutMs,
    ...(g.signal ? { signal: g.signal } : {}),
    ...(g.track ? { track: g.track } : {}),
    ...extra,
  });
}

/** Reads a byte stream as lines and counted byte runs, with backpressure. */
class StreamReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Buffer>;

  constructor(stream: Readable) {
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async more(): Promise<boolean> {
    const r = await this.it.next();
    if (r.done === true) return false;
    this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    return true;
  }

  async line(): Promise<string | null> {
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buf.subarray(0, nl).toString('utf8');
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (!(await this.more())) return null;
    }
  }

  /** Hands exactly `n` bytes to `sink` in pieces; false when the stream ends first. */
  async bytes(n: number, sink: (b: Buffer) => Promise<void>): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.more())) return false;
      const take = Math.min(left, this.buf.length);
      await sink(this.buf.subarray(0, take));
      this.buf = this.buf.subarray(take);
      left -= take;
    }
    return true;
  }

  /** Drains the rest of the stream (so git is never blocked on a full pipe). */
  async drain(): Promise<void> {
    while (await this.more()) this.buf = Buffer.alloc(0);
  }
}

/**
 * Writes the blobs of `entries` (in order) from one `git cat-file --batch`: regular files into
 * `dir`, symbolic link targets returned by path.
 */
async function writeBlobs(
  g: GitContext,
  dir: string,
  entries: readonly TreeEntry[],
): Promise<Map<string, string>> {
  const targets = new Map<string, string>();
  if (entries.length === 0) return targets;
  let work: Promise<void> = Promise.resolve();
  const run = git(g, ['cat-file', '--batch'], {
    input: entries.map((e) => e.oid).join('\n') + '\n',
    onStdout: (stdout) => {
      work = (async () => {
        const reader = new StreamReader(stdout);
        try {
          for (const e of entries) {
            const header = await reader.line();
            if (header === null) throw new SnapshotError('git cat-file ended early');
            const m = /^([0-9a-f]+) blob ([0-9]+)$/.exec(header);
            if (!m) throw new SnapshotError(`${e.path} cannot be read (${header.slice(0, 100)})`);
            const size = Number(m[2]);
            if (e.mode === '120000') {
              if (size > MAX_LINK_TARGET)
                throw new SnapshotError(`${e.path}: link target too long`);
              const parts: Buffer[] = [];
              await reader.bytes(size, async (b) => void parts.push(Buffer.from(b)));
              targets.set(e.path, Buffer.concat(parts).toString('utf8'));
            } else {
              const executable = e.mode === '100755';
              // wx: never through an existing file or link; created read-only, written via the fd.
              const fh = await open(path.join(dir, e.path), 'wx', executable ? 0o500 : 0o400);
              try {
                const whole = await reader.bytes(size, async (b) => {
                  await fh.write(b);
                });
                if (!whole) throw new SnapshotError('git cat-file ended early');
              } finally {
                await fh.close();
              }
            }
            await reader.line(); // the newline after each object
          }
        } finally {
          await reader.drain();
        }
      })();
      work.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled
    },
  });
  const finished = await run;
  await work;
  if (finished.code !== 0) throw failure('cannot read the commit', finished);
  return targets;
}

/**
 * Writes the tree of `revision` into `dir` (which must not exist): directories and regular
 * files first, symbolic links last, so no file is ever written through a link (a crafted tree
 * could otherwise send a file outside the folder). Submodules become empty folders.
 */
export async function writeTree(g: GitContext, revision: string, dir: string): Promise<void> {
  const listed = await git(g, ['ls-tree', '-r', '-z', '--full-tree', revision], {
    maxStdout: 512 * 1024 * 1024,
  });
  if (listed.code !== 0) throw failure(`cannot list commit ${revision.slice(0, 12)}`, listed);
  const entries = parseLsTree(listed.stdout);
  for (const e of entries) {
    if (!isSafeTreePath(e.path)) {
      throw new SnapshotError(
        `commit ${revision.slice(0, 12)} has an unsafe path: ${JSON.stringify(e.path)}`,
      );
    }
  }
  await mkdir(dir, { mode: 0o700 });
  const dirs = new Set<string>();
  for (const e of entries) {
    const parent = path.posix.dirname(e.path);
    if (parent !== '.') dirs.add(parent);
    if (e.type === 'commit') dirs.add(e.path);
  }
  for (const d of [...dirs].sort())
    await mkdir(path.join(dir, d), { recursive: true, mode: 0o700 });
  const files = entries.filter((e) => e.type === 'blob' && e.mode !== '120000');
  const links = entries.filter((e) => e.type === 'blob' && e.mode === '120000');
  const targets = await writeBlobs(g, dir, [...files, ...links]);
  for (const e of links) {
    const target = targets.get(e.path);
    if (target === undefined || target === '' || target.includes('\0')) {
      throw new SnapshotError(`${e.path}: a symbolic link without a target`);
    }
    // The link is created as committed, even pointing outside: the engine's loader refuses a
    // referenced file whose real path leaves the topology's folder (path-outside-root).
    await symlink(target, path.join(dir, e.path));
  }
  await lockDown(dir);
}

/** Makes every folder under `dir` (and `dir`) read-only, deepest first. */
async function lockDown(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await lockDown(path.join(dir, entry.name));
  }
  await chmod(dir, 0o500);
}

/** Removes a snapshot (or a half-written one): folders are made writable again first. */
export async function removeTree(dir: string): Promise<void> {
  const st = await lstat(dir).catch(() => null);
  if (st === null) return;
  if (st.isDirectory()) await unlockTree(dir);
  await rm(dir, { recursive: true, force: true });
}

async function unlockTree(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => {});
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await unlockTree(path.join(dir, entry.name));
  }
}

/** Writes `revision` into `final` through a temporary sibling renamed into place. */
export async function materialize(
  g: GitContext,
  revision: string,
  final: string,
  tmpName: string,
): Promise<void> {
  const tmp = path.join(path.dirname(final), tmpName);
  try {
    await writeTree(g, revision, tmp);
    await rename(tmp, final);
  } catch (err) {
    await removeTree(tmp).catch(() => {});
    // Someone (another serve on this data dir) finished the same snapshot first: that one is whole.
    if (isCode(err, 'ENOTEMPTY') || isCode(err, 'EEXIST')) {
      if ((await lstat(final).catch(() => null))?.isDirectory()) return;
    }
    throw err;
  }
}

/** Whether an error is a system error with this code. */
export function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code;
}
