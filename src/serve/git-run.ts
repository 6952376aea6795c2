/**
 * Running the system `git` for the git source: an argument array (never a shell), an environment
 * that cannot prompt or point git at someone else's repository, a deadline after which the whole
 * process group is killed (git fetch starts helpers: ssh, git-remote-https, upload-pack), and
 * cancellation through an AbortSignal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/** How a git command ended. */
export interface GitRun {
  /** Exit code; null when the process was killed or could not start. */
  readonly code: number | null;
  readonly stdout: Buffer;
  /** Git's messages (bounded); never logged whole, it may quote a URL. */
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** Why git could not be started at all (not installed, ...). */
  readonly spawnError: string | null;
  /** The stdout limit was exceeded (the process was killed). */
  readonly tooLarge: boolean;
}

/** Options of one git command. */
export interface GitRunOptions {
  readonly cwd: string;
  /** Already prepared with `gitEnvironment`. */
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Written to stdin, then stdin is closed; without it stdin is /dev/null. */
  readonly input?: string;
  /** Largest stdout kept, in bytes (default 64 MiB); beyond it the command is killed. */
  readonly maxStdout?: number;
  /** Hands stdout to the caller as a stream instead of collecting it. */
  readonly onStdout?: (stdout: Readable) => void;
  /** Every started process, so `close()` can end the ones still running. */
  readonly track?: Set<ChildProcess>;
}

/** Variables that point git at a particular repository; a serve started from a hook has them. */
const REPOSITORY_VARIABLES = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_GRAFT_FILE',
  'GIT_SHALLOW_FILE',
  'GIT_NAMESPACE',
  'GIT_QUARANTINE_PATH',
  'GIT_REPLACE_REF_BASE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
]);

const STDERR_LIMIT = 64 * 1024;

/**
 * The environment of every git command: the caller's (credential helpers, `GIT_ASKPASS`,
 * `SSH_AUTH_SOCK`, `HOME`, `GIT_SSH_COMMAND` and `GIT_CONFIG_*` keep working) without the
 * variables that select a repository or turn on tracing (traces would print headers), with
 * prompts off and messages in English (failures are classified by their words).
 */
export function gitEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || REPOSITORY_VARIABLES.has(k)) continue;
    if (k.startsWith('GIT_TRACE') || k === 'GIT_CURL_VERBOSE' || k === 'LANGUAGE') continue;
    if (k === 'LANG' || k.startsWith('LC_')) continue;
    env[k] = v;
  }
  env['GIT_TERMINAL_PROMPT'] = '0';
  env['LC_ALL'] = 'C';
  return env;
}

/** Kills a detached child and everything it started (its process group). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Runs `git ARGS`; never rejects (a failure is in the result). */
export function runGit(args: readonly string[], opts: GitRunOptions): Promise<GitRun> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn('git', [...args], {
        cwd: opts.cwd,
        env: opts.env,
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        // Its own session and process group: no controlling terminal (ssh cannot ask for a host
        // key or a passphrase on /dev/tty and hang), and one kill ends git and its helpers.
        detached: true,
        windowsHide: true,
      });
    } catch (err) {
      resolve(failedToStart(err));
      return;
    }
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let tooLarge = false;
    let spawnError: string | null = null;
    opts.track?.add(child);

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, opts.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      killGroup(child);
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    if (opts.onStdout && child.stdout) opts.onStdout(child.stdout);
    else {
      const limit = opts.maxStdout ?? 64 * 1024 * 1024;
      child.stdout?.on('data', (b: Buffer) => {
        if (tooLarge) return;
        outBytes += b.length;
        if (outBytes > limit) {
          tooLarge = true;
          killGroup(child);
          return;
        }
        out.push(b);
      });
    }
    child.stderr?.on('data', (b: Buffer) => {
      if (stderr.length < STDERR_LIMIT) stderr += b.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError =
        err.code === 'ENOENT'
          ? 'git is not installed (or not on PATH)'
          : `cannot run git: ${err.message}`;
    });
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // git may exit before reading all of its input
      child.stdin.end(opts.input);
    }
    child.on('close', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      opts.track?.delete(child);
      resolve({
        code: spawnError === null ? code : null,
        stdout: Buffer.concat(out),
        stderr: stderr.slice(0, STDERR_LIMIT),
        timedOut,
        aborted,
        spawnError,
        tooLarge,
      });
    });
  });
}

function failedToStart(err: unknown): GitRun {
  return {
    code: null,
    stdout: Buffer.alloc(0),
    stderr: '',
    timedOut: false,
    aborted: false,
    spawnError: `cannot run git: ${err instanceof Error ? err.message : String(err)}`,
    tooLarge: false,
  };
}

/** Ends every tracked git process (close of the source). */
export function killAll(track: Set<ChildProcess>): void {
  for (const child of track) killGroup(child);
}
