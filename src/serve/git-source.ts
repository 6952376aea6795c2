/**
 * `avnet serve --git`: the git source. It fetches REF from the repository with the system `git`
 * into a bare repository of its own (DATA/repo.git, kept across restarts: no second full clone),
 * and writes each new commit's tree into DATA/snapshots/<sha>/, the folder the engine then reads
 * the topology and every file it references from. Nothing is ever read from a working tree.
 *
 * The URL (and so a token in it) is only ever passed to git as an argument: it is not stored in
 * the bare repository's config, not written to FETCH_HEAD, and shown everywhere else without its
 * credentials. Fetch failures come back as values with a cause; retrying is the loop's job
 * (`fetchBackoff`).
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, realpath, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, Context, Logger } from '../model/index.js';
import { systemClock } from '../model/index.js';
import { describeFetchFailure, oneLine, type FetchFailureCause } from './git-failure.js';
import { gitEnvironment, killAll, runGit } from './git-run.js';
import {
  git,
  isCode,
  materialize,
  parseLsTree,
  removeTree,
  type GitContext,
} from './git-snapshot.js';
import { credentialScrubber, redactGitUrl, type Scrubber } from './git-url.js';
import type { SourceStatus } from './serve-model.js';

export { redactGitUrl } from './git-url.js';
export { fetchBackoff } from './git-backoff.js';
export type { FetchFailureCause } from './git-failure.js';

/** What the git source follows, and where it keeps its data. */
export interface GitSourceOptions {
  /** Anything `git fetch` accepts: https, ssh, scp-like, file://, a local path. */
  readonly url: string;
  /** A branch, a tag, `refs/...`, or a full commit id. */
  readonly ref: string;
  /** The topology's path inside the repository (`/`-separated). */
  readonly path: string;
  /** The source keeps DATA/repo.git (bare) and DATA/snapshots/ here. */
  readonly dataDir: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The environment of git (GIT_ASKPASS, SSH_AUTH_SOCK, HOME, ...); never logged. */
  readonly env?: NodeJS.ProcessEnv;
  /** Deadline of each git command (default 60 s); the command and its helpers are killed after it. */
  readonly timeoutMs?: number;
}

/** A commit's subject line, author name (no e-mail address) and author date (ISO 8601, UTC). */
export interface CommitInfo {
  readonly message: string;
  readonly author: string;
  readonly date: string;
}

/** One commit written out as files. */
export interface Snapshot {
  /** The full commit id (40 hex). */
  readonly revision: string;
  /** Absolute path of the topology inside the snapshot folder: give it to the engine. */
  readonly file: string;
  /** The snapshot folder (read-only; removed when neither head nor last good any more). */
  readonly dir: string;
  readonly commit: CommitInfo;
}

/** What a fetch found. */
export type FetchResult =
  | { readonly outcome: 'unchanged'; readonly snapshot: Snapshot }
  | { readonly outcome: 'new'; readonly snapshot: Snapshot; readonly previous: string | null }
  | { readonly outcome: 'failed'; readonly error: string; readonly cause: FetchFailureCause };

/** Options the source refuses at construction (a usage error), or a snapshot it cannot make. */
export class GitSourceError extends Error {
  override readonly name = 'GitSourceError';
}

/** Default deadline of one git command. */
export const GIT_TIMEOUT_MS = 60_000;

const FULL_SHA = /^[0-9a-f]{40}$/i;
const HEAD_REF = 'refs/avnet/head';
const GOOD_REF = 'refs/avnet/good';
const FETCHED_REF = 'refs/avnet/fetched';
const TMP_PREFIX = '.tmp-';

/** A failure that ends an attempt with a cause (internal; becomes a `failed` result). */
class Failed extends Error {
  constructor(
    readonly kind: FetchFailureCause,
    message: string,
  ) {
    super(message);
  }
}

/** The refusal reason of a REF, or null when git may be given it. */
function refProblem(ref: string): string | null {
  if (ref === '') return 'is empty';
  if (ref.startsWith('-')) return 'cannot start with "-"';
  if (ref.startsWith('+')) return 'cannot start with "+"';
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f:~^?*[\\]/.test(ref)) {
    return 'has a character a git ref cannot have (space, control, : ~ ^ ? * [ \\)';
  }
  if (ref.includes('..') || ref.includes('@{') || ref.endsWith('/') || ref.endsWith('.lock')) {
    return 'is not a valid git ref name';
  }
  return null;
}

/** The normalised repository path of PATH, or why it is refused. */
function normalizeRepoPath(p: string): { path: string } | { problem: string } {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(p)) return { problem: 'has a control character or "\\"' };
  const trimmed = p.replace(/^(\.\/)+/, '');
  if (trimmed === '' || path.posix.isAbsolute(trimmed)) {
    return { problem: 'must be a file path inside the repository, e.g. topology.yaml' };
  }
  const normal = path.posix.normalize(trimmed);
  if (normal === '.' || normal.endsWith('/') || normal.split('/').some((c) => c === '..')) {
    return { problem: 'must be a file path inside the repository, e.g. topology.yaml' };
  }
  return { path: normal };
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Whether a process with this id runs (a temp folder's writer). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isCode(err, 'EPERM');
  }
}

/** Follows one repository: fetch, snapshot, status. One instance per data dir. */
export class GitSource {
  private readonly url: string;
  private readonly displayUrl: string;
  private readonly ref: string;
  private readonly repoPath: string;
  private readonly dataDir: string;
  private readonly repoDir: string;
  private readonly snapshotsDir: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  private readonly scrub: Scrubber;
  private readonly running = new Set<ChildProcess>();
  private queue: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | null = null;
  private closed = false;

  private head: { revision: string; commit: CommitInfo } | null = null;
  private previousHead: string | null = null;
  private good: string | null = null;
  private lastRequested: string | null = null;
  private fetchedAt: string | null = null;
  private error: string | null = null;

  /** Checks the options; throws `GitSourceError` for a URL, ref or path git must not be given. */
  constructor(opts: GitSourceOptions) {
    this.scrub = credentialScrubber(opts.url);
    this.displayUrl = redactGitUrl(opts.url);
    // eslint-disable-next-line no-control-regex
    if (opts.url === '' || /[\u0000-\u001f\u007f]/.test(opts.url)) {
      throw new GitSourceError(`--git ${this.scrub(this.displayUrl)}: not a repository URL`);
    }
    if (opts.url.startsWith('-')) {
      throw new GitSourceError(`--git ${this.displayUrl}: a URL cannot start with "-"`);
    }
    const refProblemText = refProblem(opts.ref);
    if (refProblemText !== null) {
      throw new GitSourceError(`--ref ${JSON.stringify(opts.ref)} ${refProblemText}`);
    }
    const repoPath = normalizeRepoPath(opts.path);
    if ('problem' in repoPath) {
      throw new GitSourceError(`--path ${JSON.stringify(opts.path)} ${repoPath.problem}`);
    }
    this.url = opts.url;
    this.ref = FULL_SHA.test(opts.ref) ? opts.ref.toLowerCase() : opts.ref;
    this.repoPath = repoPath.path;
    this.dataDir = path.resolve(opts.dataDir);
    this.repoDir = path.join(this.dataDir, 'repo.git');
    this.snapshotsDir = path.join(this.dataDir, 'snapshots');
    this.logger = opts.logger;
    this.clock = opts.clock ?? systemClock;
    this.env = gitEnvironment(opts.env ?? process.env);
    this.timeoutMs = opts.timeoutMs ?? GIT_TIMEOUT_MS;
  }

  /**
   * Fetches REF and resolves its commit; a commit not seen before is written out as a snapshot
   * (`new`), the same one again is `unchanged`. Never throws: a failure is `failed` with its
   * cause and one line without credentials.
   */
  fetch(ctx: Context): Promise<FetchResult> {
    return this.serialized(async (): Promise<FetchResult> => {
      const started = performance.now();
      try {
        if (this.closed) throw new Failed('other', 'the git source is closed');
        await this.init(ctx);
        const result = await this.fetchOnce(ctx);
        this.fetchedAt = this.clock.now().toISOString();
        this.error = null;
        const ms = Math.round(performance.now() - started);
        if (result.outcome === 'new') {
          ctx.logger.info(
            {
              url: this.displayUrl,
              ref: this.ref,
              revision: result.snapshot.revision,
              previous: result.previous,
              ms,
            },
            'git: new commit',
          );
        } else {
          ctx.logger.debug({ url: this.displayUrl, ref: this.ref, ms }, 'git: no new commit');
        }
        return result;
      } catch (err) {
        const failure =
          err instanceof Failed
            ? { cause: err.kind, error: oneLine(this.scrub(err.message)) }
            : {
                cause: 'other' as const,
                error: oneLine(this.scrub(`git source: ${errorText(err)}`)),
              };
        this.error = failure.error;
        ctx.logger.warn({ url: this.displayUrl, ref: this.ref, ...failure }, 'git: fetch failed');
        return { outcome: 'failed', ...failure };
      }
    });
  }

  /**
   * The snapshot of a commit fetched before (the last good one after a restart): reused when its
   * folder is there, written again from the bare repository otherwise (fetched by id if the
   * repository lost it). Throws `GitSourceError` (credentials removed) when that cannot be done.
   */
  snapshot(revision: string, ctx: Context): Promise<Snapshot> {
    return this.serialized(async () => {
      if (!FULL_SHA.test(revision)) {
        throw new GitSourceError(`${JSON.stringify(revision)} is not a full commit id (40 hex)`);
      }
      const rev = revision.toLowerCase();
      try {
        if (this.closed) throw new Failed('other', 'the git source is closed');
        await this.init(ctx);
        if (!(await this.hasCommit(rev, ctx))) await this.fetchRef(rev, ctx);
        if (!(await this.hasCommit(rev, ctx))) {
          throw new Failed('unknown-ref', `commit ${rev} is not in ${this.displayUrl}`);
        }
        const snap = await this.materializeChecked(rev, ctx);
        this.lastRequested = rev;
        return snap;
      } catch (err) {
        throw new GitSourceError(oneLine(this.scrub(`snapshot of ${rev}: ${errorText(err)}`)));
      }
    });
  }

  /**
   * Records the commit the servers were last brought to: its snapshot is kept (with the head's)
   * and the bare repository keeps the commit even after REF moves on. Pass null to forget it.
   */
  markGood(revision: string | null, ctx: Context): Promise<void> {
    return this.serialized(async () => {
      if (revision !== null && !FULL_SHA.test(revision)) {
        throw new GitSourceError(`${JSON.stringify(revision)} is not a full commit id (40 hex)`);
      }
      await this.init(ctx);
      const rev = revision?.toLowerCase() ?? null;
      const r =
        rev === null
          ? await this.git(['update-ref', '-d', GOOD_REF], ctx)
          : await this.git(['update-ref', GOOD_REF, rev], ctx);
      if (r.code !== 0) {
        throw new GitSourceError(oneLine(this.scrub(`cannot record ${rev}: ${r.stderr}`)));
      }
      this.good = rev;
      await this.prune(ctx);
    });
  }

  /** Where the topology comes from, for `GET /api/v1/status` (credentials removed). */
  status(): SourceStatus {
    return {
      type: 'git',
      url: this.displayUrl,
      ref: this.ref,
      path: this.repoPath,
      head: this.head?.revision ?? null,
      commit: this.head?.commit ?? null,
      fetchedAt: this.fetchedAt,
      error: this.error,
    };
  }

  /** Ends running git commands and waits for the source to be idle; later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    killAll(this.running);
    await this.queue.catch(() => {});
  }

  // -------------------------------------------------------------------------------------------

  /** One operation at a time: fetches, snapshots and pruning never interleave. */
  private serialized<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => {});
    return next;
  }

  private gitContext(ctx: Context): GitContext {
    return {
      prefix: [
        `--git-dir=${this.repoDir}`,
        // No hooks ever run, and nothing detaches to run after the command's deadline.
        '-c',
        'core.hooksPath=/dev/null',
        '-c',
        'gc.autoDetach=false',
        '-c',
        'maintenance.autoDetach=false',
        '-c',
        'fetch.recurseSubmodules=false',
        '-c',
        'submodule.recurse=false',
      ],
      cwd: this.dataDir,
      env: this.env,
      timeoutMs: this.timeoutMs,
      signal: ctx.signal,
      track: this.running,
    };
  }

  private git(args: readonly string[], ctx: Context) {
    const g = this.gitContext(ctx);
    ctx.logger.debug({ args: args.map((a) => this.scrub(redactGitUrl(a))) }, 'git');
    return git(g, args);
  }

  /** The bare repository and snapshots folder exist; state from before a restart is read back. */
  private init(ctx: Context): Promise<void> {
    this.ready ??= this.initOnce(ctx).catch((err: unknown) => {
      this.ready = null; // try again next time (a full disk may have been cleared)
      throw err;
    });
    return this.ready;
  }

  private async initOnce(ctx: Context): Promise<void> {
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await mkdir(this.snapshotsDir, { recursive: true, mode: 0o700 });
    if (!(await stat(path.join(this.repoDir, 'HEAD')).catch(() => null))) {
      // Made aside and renamed into place: an interrupted init never leaves half a repository.
      const tmp = path.join(this.dataDir, `${TMP_PREFIX}repo-${process.pid}-${randomHex()}`);
      const r = await runGit(
        ['-c', 'init.defaultBranch=avnet', 'init', '--bare', '--quiet', '--template=', tmp],
        { cwd: this.dataDir, env: this.env, timeoutMs: this.timeoutMs, signal: ctx.signal },
      );
      if (r.code !== 0) {
        await removeTree(tmp).catch(() => {});
        throw new Error(`cannot create ${this.repoDir}: ${r.spawnError ?? r.stderr}`);
      }
      await rename(tmp, this.repoDir).catch(async (err: unknown) => {
        await removeTree(tmp).catch(() => {});
        if (!(await stat(path.join(this.repoDir, 'HEAD')).catch(() => null))) throw err;
      });
      ctx.logger.info({ dir: this.repoDir }, 'git: created the bare repository');
    }
    // Only serve's user may read them: the objects and snapshots may hold secret files, and the
    // data dir itself may have been created by someone else with a wider mode.
    await chmod(this.repoDir, 0o700);
    await chmod(this.snapshotsDir, 0o700);
    await this.sweepTemporary(this.dataDir);
    await this.sweepTemporary(this.snapshotsDir);
    const head = await this.resolve(HEAD_REF, ctx);
    if (head !== null) this.head = { revision: head, commit: await this.commitInfo(head, ctx) };
    this.good = await this.resolve(GOOD_REF, ctx);
  }

  /** Removes temporary folders whose writer is gone (a crash mid-snapshot). */
  private async sweepTemporary(dir: string): Promise<void> {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.startsWith(TMP_PREFIX)) continue;
      const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(name)?.[1] ?? NaN);
      if (pid !== process.pid && Number.isInteger(pid) && alive(pid)) continue;
      if (pid === process.pid && this.running.size > 0) continue;
      await removeTree(path.join(dir, name)).catch(() => {});
    }
  }

  /** The commit a ref of the bare repository names, or null. */
  private async resolve(ref: string, ctx: Context): Promise<string | null> {
    const r = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], ctx);
    const sha = r.stdout.toString('utf8').trim();
    return r.code === 0 && FULL_SHA.test(sha) ? sha : null;
  }

  private async hasCommit(rev: string, ctx: Context): Promise<boolean> {
    const r = await this.git(['cat-file', '-e', `${rev}^{commit}`], ctx);
    return r.code === 0;
  }

  /** `git fetch URL +REF:refs/avnet/fetched`; a failure throws `Failed` with its cause. */
  private async fetchRef(ref: string, ctx: Context): Promise<void> {
    const r = await this.git(
      [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--no-recurse-submodules',
        '--',
        this.url,
        `+${ref}:${FETCHED_REF}`,
      ],
      ctx,
    );
    if (r.code === 0) return;
    const f = describeFetchFailure(
      r,
      { url: this.displayUrl, ref, timeoutMs: this.timeoutMs },
      this.scrub,
    );
    throw new Failed(f.cause, f.error);
  }

  private async fetchOnce(ctx: Context): Promise<FetchResult> {
    let revision: string;
    if (FULL_SHA.test(this.ref)) {
      // A commit never changes: once it is here, there is nothing to fetch.
      if (!(await this.hasCommit(this.ref, ctx))) await this.fetchRef(this.ref, ctx);
      if (!(await this.hasCommit(this.ref, ctx))) {
        throw new Failed('unknown-ref', `${this.ref} is not a commit in ${this.displayUrl}`);
      }
      revision = this.ref;
    } else {
      await this.fetchRef(this.ref, ctx);
      const sha = await this.resolve(FETCHED_REF, ctx);
      if (sha === null) {
        throw new Failed(
          'unknown-ref',
          `"${this.ref}" in ${this.displayUrl} does not name a commit`,
        );
      }
      revision = sha;
    }
    if (this.head?.revision === revision) {
      return { outcome: 'unchanged', snapshot: await this.materializeChecked(revision, ctx) };
    }
    const snapshot = await this.materializeChecked(revision, ctx);
    const r = await this.git(['update-ref', HEAD_REF, revision], ctx);
    if (r.code !== 0) throw new Error(`cannot record the head commit: ${r.stderr}`);
    const previous = this.head?.revision ?? null;
    this.previousHead = previous;
    this.head = { revision, commit: snapshot.commit };
    await this.prune(ctx);
    return { outcome: 'new', snapshot, previous };
  }

  /** Checks PATH in the commit, writes the snapshot if needed, checks PATH again on disk. */
  private async materializeChecked(revision: string, ctx: Context): Promise<Snapshot> {
    const short = revision.slice(0, 12);
    const listed = await this.git(['ls-tree', '-z', revision, '--', this.repoPath], ctx);
    if (listed.code !== 0) throw new Error(`cannot read commit ${short}: ${listed.stderr}`);
    const entry = parseLsTree(listed.stdout).find((e) => e.path === this.repoPath);
    if (entry === undefined) {
      throw new Failed(
        'path-missing',
        `${this.repoPath} does not exist in commit ${short} (${this.ref})`,
      );
    }
    if (entry.type !== 'blob') {
      const what = entry.type === 'tree' ? 'a directory' : 'a submodule';
      throw new Failed(
        'path-missing',
        `${this.repoPath} is ${what} in commit ${short}, not a file`,
      );
    }
    const dir = path.join(this.snapshotsDir, revision);
    if (!(await lstat(dir).catch(() => null))?.isDirectory()) {
      const started = performance.now();
      await materialize(
        this.gitContext(ctx),
        revision,
        dir,
        `${TMP_PREFIX}${revision.slice(0, 12)}-${process.pid}-${randomHex()}`,
      );
      ctx.logger.debug(
        { revision, dir, ms: Math.round(performance.now() - started) },
        'git: snapshot written',
      );
    }
    const file = path.join(dir, ...this.repoPath.split('/'));
    if (entry.mode === '120000') {
      // A topology that is a symbolic link must stay inside the commit's own tree.
      const real = await realpath(file).catch(() => null);
      const realDir = await realpath(dir);
      if (real === null || !isInside(realDir, real)) {
        if (revision !== this.head?.revision && revision !== this.good) {
          await removeTree(dir).catch(() => {});
        }
        throw new Failed(
          'path-missing',
          `${this.repoPath} in commit ${short} is a symbolic link ${real === null ? 'to nothing' : 'leaving the repository'}`,
        );
      }
    }
    return { revision, file, dir, commit: await this.commitInfo(revision, ctx) };
  }

  private async commitInfo(revision: string, ctx: Context): Promise<CommitInfo> {
    const r = await this.git(
      ['show', '-s', '--no-show-signature', '--format=%s%x00%an%x00%aI', revision],
      ctx,
    );
    const [message = '', author = '', date = ''] = r.stdout.toString('utf8').trim().split('\0');
    const when = new Date(date);
    return {
      message: oneLine(this.scrub(message), 200),
      author: oneLine(author, 100),
      date: Number.isNaN(when.getTime()) ? date : when.toISOString(),
    };
  }

  /** Removes snapshots other than the head's, the previous head's, the last good's, the last asked. */
  private async prune(ctx: Context): Promise<void> {
    const keep = new Set(
      [this.head?.revision, this.previousHead, this.good, this.lastRequested].filter(
        (r): r is string => typeof r === 'string',
      ),
    );
    for (const name of await readdir(this.snapshotsDir).catch(() => [] as string[])) {
      if (!FULL_SHA.test(name) || keep.has(name)) continue;
      await removeTree(path.join(this.snapshotsDir, name)).catch((err: unknown) => {
        ctx.logger.warn({ dir: name, error: errorText(err) }, 'git: cannot remove an old snapshot');
      });
      ctx.logger.debug({ revision: name }, 'git: old snapshot removed');
    }
  }
}

function randomHex(): string {
  return randomBytes(4).toString('hex');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
