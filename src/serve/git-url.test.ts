import { describe, expect, it } from 'vitest';
import { credentialScrubber, redactGitUrl, urlSecrets } from './git-url.js';

describe('redactGitUrl', () => {
  it.each([
    ['https://user:token@host/x.git', 'https://host/x.git'],
    ['https://x-access-token:ghs_abc123@github.com/org/net.git', 'https://github.com/org/net.git'],
    ['https://ghp_tokenAsUserName@github.com/org/net.git', 'https://github.com/org/net.git'],
    ['https://u:p%40ss@host:8443/x.git', 'https://host:8443/x.git'],
    ['https://u:p@ss@host/x.git', 'https://host/x.git'],
    ['http://host/x.git?private_token=abcd1234', 'http://host/x.git'],
    ['https://host/x.git', 'https://host/x.git'],
    ['ssh://git@host:2222/org/x.git', 'ssh://git@host:2222/org/x.git'],
    ['ssh://git:secret@host/org/x.git', 'ssh://host/org/x.git'],
    ['git@github.com:org/x.git', 'git@github.com:org/x.git'],
    ['deploy:secret@host:org/x.git', 'deploy@host:org/x.git'],
    ['/srv/git/net.git', '/srv/git/net.git'],
    ['file:///srv/git/net.git', 'file:///srv/git/net.git'],
    ['../net', '../net'],
  ])('%s -> %s', (url, shown) => {
    expect(redactGitUrl(url)).toBe(shown);
  });
});

describe('credentialScrubber', () => {
  it('removes the token everywhere, raw, decoded and encoded, and URL user info', () => {
    const scrub = credentialScrubber('https://bot:s3cr%2Ft@host/x.git');
    expect(urlSecrets('https://bot:s3cr%2Ft@host/x.git')).toEqual(
      expect.arrayContaining(['s3cr%2Ft', 's3cr/t']),
    );
    const text =
      "fatal: Authentication failed for 'https://bot:s3cr%2Ft@host/x.git/' (password s3cr/t, s3cr%2Ft)";
    const out = scrub(text);
    expect(out).not.toContain('s3cr');
    expect(out).not.toContain('bot:');
    expect(out).toContain("'https://host/x.git/'");
  });

  it('treats a long user name without a password as a token, a short one as a name', () => {
    const long = credentialScrubber('https://ghp_0123456789abcdef@github.com/o/r.git');
    expect(long('token ghp_0123456789abcdef was refused')).toBe('token *** was refused');
    const short = credentialScrubber('https://git@host/o/r.git');
    expect(short("fatal: not a git repository: 'https://git@host/o/r.git'")).toBe(
      "fatal: not a git repository: 'https://host/o/r.git'",
    );
  });

  it('removes Authorization header values and Bearer/Basic credentials', () => {
    const scrub = credentialScrubber('https://host/x.git');
    expect(scrub('> Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe('> Authorization: ***');
    expect(scrub('http.extraHeader=AUTHORIZATION: bearer abcdefgh12345')).toBe(
      'http.extraHeader=AUTHORIZATION: ***',
    );
    expect(scrub('sent Bearer abcdefgh12345 to host')).toBe('sent Bearer *** to host');
  });

  it('removes query-string tokens', () => {
    const scrub = credentialScrubber('https://host/x.git?private_token=glpat-xyz987');
    expect(scrub('unable to access https://host/x.git?private_token=glpat-xyz987')).not.toContain(
      'glpat-xyz987',
    );
  });
});
