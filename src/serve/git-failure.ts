/**
 * A failed `git fetch` reduced to its meaning: a cause the loop and the dashboard can act on, and
 * one line in words (git's own line that says what went wrong, with the credentials removed).
 */
import type { GitRun } from './git-run.js';
import type { Scrubber } from './git-url.js';

/** Why a fetch failed. */
export type FetchFailureCause =
  'unreachable' | 'auth' | 'unknown-ref' | 'path-missing' | 'timeout' | 'other';

/** Git's messages that say the credentials were missing, wrong or refused. */
const AUTH =
  /authentication failed|could not read (username|password)|terminal prompts disabled|permission denied \(|host key verification failed|access denied|invalid (username|credentials)|returned error: 40[13]\b|\b401 unauthori[sz]ed|\b403 forbidden|bad credentials|could not read from remote repository.*permission/i;

/** Git's messages that say the ref (or the commit) is not there. */
const UNKNOWN_REF =
  /couldn't find remote ref|not our ref|unadvertised object|no such ref|invalid refspec|is not a valid ref|no matching remote head/i;

/** Git's messages that say the repository could not be reached or does not exist. */
const UNREACHABLE =
  /does not appear to be a git repository|could not resolve (host|hostname|proxy)|failed to connect|connection (refused|reset|timed out|closed)|no route to host|network is unreachable|unable to access|not found|could not read from remote repository|ssl|certificate|empty reply|operation timed out|the remote end hung up|early eof|unable to connect|name or service not known|temporary failure in name resolution|repository .* does not exist|no such file or directory|not a git repository/i;

/** Git's `fatal:`/`error:` prefixes and a helper's `remote:` prefix. */
const PREFIX = /^(fatal|error|remote|warning):\s*/i;

function meaningfulLines(stderr: string): string[] {
  return stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(hint|from)\b/i.test(l));
}

/** One line of text: control characters out, at most `max` characters. */
export function oneLine(text: string, max = 300): string {
  const flat = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The cause git's messages point at, and the line that says so (prefix removed, not scrubbed). */
export function classifyGitMessages(stderr: string): {
  cause: Exclude<FetchFailureCause, 'path-missing' | 'timeout'>;
  line: string;
} {
  const lines = meaningfulLines(stderr);
  const pick = (re: RegExp): string | undefined => lines.find((l) => re.test(l));
  const reduce = (l: string): string => l.replace(PREFIX, '').replace(PREFIX, '');
  // Auth first: an ssh refusal is followed by the generic "Could not read from remote repository".
  const auth = pick(AUTH);
  if (auth !== undefined) return { cause: 'auth', line: reduce(auth) };
  const ref = pick(UNKNOWN_REF);
  if (ref !== undefined) return { cause: 'unknown-ref', line: reduce(ref) };
  const unreachable = pick(UNREACHABLE);
  if (unreachable !== undefined) return { cause: 'unreachable', line: reduce(unreachable) };
  const main = lines.find((l) => /^(fatal|error):/i.test(l)) ?? lines[0] ?? 'git failed';
  return { cause: 'other', line: reduce(main) };
}

/** A failed fetch: its cause and one scrubbed line. */
export interface FetchFailure {
  readonly cause: FetchFailureCause;
  readonly error: string;
}

/** What the fetch was for, to word the error. */
export interface FetchAttempt {
  /** The URL as shown (credentials removed). */
  readonly url: string;
  readonly ref: string;
  readonly timeoutMs: number;
}

/** Describes a failed fetch in one line, every credential removed. */
export function describeFetchFailure(
  run: GitRun,
  attempt: FetchAttempt,
  scrub: Scrubber,
): FetchFailure {
  const { url, ref } = attempt;
  const done = (cause: FetchFailureCause, error: string): FetchFailure => ({
    cause,
    error: oneLine(scrub(error)),
  });
  if (run.timedOut) {
    return done('timeout', `git fetch from ${url} timed out after ${seconds(attempt.timeoutMs)}`);
  }
  if (run.aborted) return done('other', `git fetch from ${url} was cancelled`);
  if (run.spawnError !== null) return done('other', run.spawnError);
  const { cause, line } = classifyGitMessages(run.stderr);
  const isSha = /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(ref);
  switch (cause) {
    case 'auth':
      return done('auth', `authentication failed for ${url}: ${line}`);
    case 'unknown-ref':
      if (isSha) {
        return done(
          'unknown-ref',
          `commit ${ref} cannot be fetched from ${url}: it does not exist there, or the server does not allow fetching a commit by its id (${line})`,
        );
      }
      return done(
        'unknown-ref',
        `ref "${ref}" not found in ${url}${/^[0-9a-f]{4,39}$/i.test(ref) ? ' (a commit must be given by its full 40-hex id)' : ''}: ${line}`,
      );
    case 'unreachable':
      return done('unreachable', `cannot reach ${url}: ${line}`);
    default:
      return done('other', `git fetch from ${url} failed: ${line}`);
  }
}

/** "60 s", "500 ms". */
export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
