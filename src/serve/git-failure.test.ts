import { describe, expect, it } from 'vitest';
import { classifyGitMessages, describeFetchFailure } from './git-failure.js';
import type { GitRun } from './git-run.js';
import { credentialScrubber } from './git-url.js';

function failed(stderr: string, extra: Partial<GitRun> = {}): GitRun {
  return {
    code: 128,
    stdout: Buffer.alloc(0),
    stderr,
    timedOut: false,
    aborted: false,
    spawnError: null,
    tooLarge: false,
    ...extra,
  };
}

describe('classifyGitMessages', () => {
  it.each([
    ["fatal: couldn't find remote ref nope", 'unknown-ref', "couldn't find remote ref nope"],
    [
      'fatal: remote error: upload-pack: not our ref 1234567890123456789012345678901234567890',
      'unknown-ref',
      'remote error: upload-pack: not our ref 1234567890123456789012345678901234567890',
    ],
    [
      "fatal: '/nope' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.",
      'unreachable',
      "'/nope' does not appear to be a git repository",
    ],
    [
      "fatal: unable to access 'https://127.0.0.1:9/x.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server",
      'unreachable',
      "unable to access 'https://127.0.0.1:9/x.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server",
    ],
    [
      'git@github.com: Permission denied (publickey).\r\nfatal: Could not read from remote repository.\n',
      'auth',
      'git@github.com: Permission denied (publickey).',
    ],
    [
      "fatal: could not read Username for 'https://host': terminal prompts disabled",
      'auth',
      "could not read Username for 'https://host': terminal prompts disabled",
    ],
    [
      "remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://host/x.git/'",
      'auth',
      'HTTP Basic: Access denied',
    ],
    [
      "fatal: unable to access 'https://host/x.git/': The requested URL returned error: 403",
      'auth',
      "unable to access 'https://host/x.git/': The requested URL returned error: 403",
    ],
    ['fatal: bad object refs/x', 'other', 'bad object refs/x'],
    ['', 'other', 'git failed'],
  ])('%j is %s', (stderr, cause, line) => {
    expect(classifyGitMessages(stderr)).toEqual({ cause, line });
  });
});

describe('describeFetchFailure', () => {
  const attempt = { url: 'https://host/x.git', ref: 'main', timeoutMs: 60_000 };
  const scrub = credentialScrubber('https://bot:tok-9f8e7d@host/x.git');

  it('says timeout, cancelled and a missing git in words', () => {
    expect(describeFetchFailure(failed('', { timedOut: true }), attempt, scrub)).toEqual({
      cause: 'timeout',
      error: 'git fetch from https://host/x.git timed out after 60 s',
    });
    expect(describeFetchFailure(failed('', { aborted: true }), attempt, scrub).error).toContain(
      'cancelled',
    );
    expect(
      describeFetchFailure(failed('', { spawnError: 'git is not installed' }), attempt, scrub),
    ).toEqual({ cause: 'other', error: 'git is not installed' });
  });

  it('removes the token git may quote and keeps one line', () => {
    const f = describeFetchFailure(
      failed("fatal: Authentication failed for 'https://bot:tok-9f8e7d@host/x.git/'\nmore\nlines"),
      attempt,
      scrub,
    );
    expect(f.cause).toBe('auth');
    expect(f.error).not.toContain('tok-9f8e7d');
    expect(f.error).not.toContain('\n');
    expect(f.error).toBe(
      "authentication failed for https://host/x.git: Authentication failed for 'https://host/x.git/'",
    );
  });

  it('hints at the full id for an abbreviated commit', () => {
    const f = describeFetchFailure(
      failed("fatal: couldn't find remote ref 1a2b3c4"),
      { ...attempt, ref: '1a2b3c4' },
      scrub,
    );
    expect(f.cause).toBe('unknown-ref');
    expect(f.error).toContain('full 40-hex id');
  });
});
