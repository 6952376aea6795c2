/**
 * Git URLs without their credentials: a display form for status and logs, and a scrubber that
 * removes every trace of the URL's token (and anything that looks like an Authorization header)
 * from text git printed, before that text reaches an error, a log line or the dashboard.
 */

/** What replaces a removed secret in text (never in the display URL, which just drops it). */
export const REDACTED = '***';

const SCHEME_URL = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is;
const SSH_SCHEMES = new Set(['ssh', 'git+ssh', 'ssh+git']);

/** Splits `user[:password]` (the part before the authority's last `@`). */
function splitUserinfo(userinfo: string): { user: string; password: string | null } {
  const colon = userinfo.indexOf(':');
  return colon < 0
    ? { user: userinfo, password: null }
    : { user: userinfo.slice(0, colon), password: userinfo.slice(colon + 1) };
}

/** The authority's userinfo and host parts (`@` may appear unencoded in a password). */
function splitAuthority(authority: string): { userinfo: string | null; host: string } {
  const at = authority.lastIndexOf('@');
  return at < 0
    ? { userinfo: null, host: authority }
    : { userinfo: authority.slice(0, at), host: authority.slice(at + 1) };
}

/**
 * A git URL without credentials, for status, logs and the dashboard:
 * `https://user:token@host/x.git` → `https://host/x.git` (a query string, where tokens sometimes
 * travel, is dropped too); `ssh://git@host/x.git` and scp-like `git@host:x.git` keep their user
 * name (not a secret) but lose a password; local paths and `file://` URLs are kept.
 */
export function redactGitUrl(url: string): string {
  const m = SCHEME_URL.exec(url);
  if (m) {
    const [, scheme = '', authority = '', rest = ''] = m;
    const { userinfo, host } = splitAuthority(authority);
    const pathPart = rest.replace(/[?#][\s\S]*$/, '');
    if (userinfo === null) return `${scheme}://${host}${pathPart}`;
    const { user, password } = splitUserinfo(userinfo);
    const keepUser = SSH_SCHEMES.has(scheme.toLowerCase()) && password === null && user !== '';
    return `${scheme}://${keepUser ? `${user}@` : ''}${host}${pathPart}`;
  }
  // scp-like `[user@]host:path` (git's rule: a colon before any slash). A "user:password@" there
  // is unusual but must not survive either.
  const scp = /^([^/:@]*):([^@/]*)@([^/:]+:.*)$/s.exec(url);
  if (scp) return `${scp[1]}@${scp[3]}`;
  return url;
}

/** The secret parts of a URL: its password (or a token given as the user name) and query values. */
export function urlSecrets(url: string): string[] {
  const secrets: string[] = [];
  const m = SCHEME_URL.exec(url);
  if (m) {
    const [, , authority = '', rest = ''] = m;
    const { userinfo } = splitAuthority(authority);
    if (userinfo !== null) {
      const { user, password } = splitUserinfo(userinfo);
      if (password !== null && password !== '') secrets.push(password);
      // `https://TOKEN@host/...` is how some hosts take a token. A short name ("git", "deploy")
      // is a user name, not a secret, and scrubbing it everywhere would mangle git's messages;
      // it is still removed from every URL in the text.
      else if (user.length >= 8) secrets.push(user);
    }
    const query = /\?([^#]*)/.exec(rest)?.[1] ?? '';
    for (const pair of query.split('&')) {
      const value = pair.slice(pair.indexOf('=') + 1);
      if (pair.includes('=') && value.length >= 4) secrets.push(value);
    }
  } else {
    const scp = /^[^/:@]*:([^@/]+)@[^/:]+:/s.exec(url);
    if (scp?.[1]) secrets.push(scp[1]);
  }
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    try {
      forms.add(decodeURIComponent(s));
    } catch {
      // not valid percent-encoding: the raw form is what git saw
    }
    forms.add(encodeURIComponent(s));
  }
  // Longest first, so a form containing another is removed whole.
  return [...forms].filter((s) => s !== '').sort((a, b) => b.length - a.length);
}

/** Text → text without the URL's secrets, URL user info, or Authorization-looking values. */
export type Scrubber = (text: string) => string;

/**
 * A scrubber for everything git prints about `url`: every occurrence of the URL's secrets (raw,
 * percent-decoded and percent-encoded), the user info of any URL in the text, and the values of
 * `Authorization:` headers and `Bearer`/`Basic` credentials.
 */
export function credentialScrubber(url: string): Scrubber {
  const secrets = urlSecrets(url);
  return (text: string): string => {
    let out = text;
    for (const s of secrets) out = out.split(s).join(REDACTED);
    return out
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"<>]*@/gi, '$1')
      .replace(/\b((?:proxy-)?authorization)(\s*[:=]\s*)[^\r\n'"]*/gi, `$1$2${REDACTED}`)
      .replace(/\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1$2${REDACTED}`);
  };
}
