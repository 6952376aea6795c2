/**
 * The git source of `avnet serve --git` against real git: bare repositories in temp folders, real
 * commits and pushes, a real smart-HTTP server asking for credentials, a real TCP server that never
 * answers. What the engine reads must come from the fetched commit, never from a working tree.
 */
import { spawn } from 'node:child_process';
import {
  cp,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTopology } from '../../src/engine/index.js';
import type { Context, Logger } from '../../src/model/index.js';
import { quietContext } from '../../src/model/index.js';
import { GitSource, GitSourceError, type GitSourceOptions } from '../../src/serve/git-source.js';
import { git, gitEnv } from '../gitops/git-fixture.js';
import { REPO_ROOT } from '../watch/network-fixture.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'basic');
const TOKEN = 'tok-5e1f0c2d9a8b7-never-print';

/** A logger that keeps every line as text, to search for secrets. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const rec =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
    };
  const logger: Logger = {
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
    child: () => logger,
  };
  return { logger, lines };
}

/** Every file under `dir` (recursively), as text. */
async function allText(dir: string): Promise<string> {
  let out = '';
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    out += (await readFile(path.join(e.parentPath, e.name))).toString('latin1');
  }
  return out;
}

let root: string;
let env: NodeJS.ProcessEnv;
let remote: string;
let work: string;
let counter = 0;

/** Commits everything in the working clone (with the test identity) and returns the commit id. */
async function commit(message: string): Promise<string> {
  await git(['add', '-A'], work, env);
  const pusher = { ...env, GIT_AUTHOR_NAME: 'Ada Pusher', GIT_AUTHOR_EMAIL: 'ada@example.test' };
  await git(
    [
      '-c',
      'user.name=Ada Pusher',
      '-c',
      'user.email=ada@example.test',
      'commit',
      '-q',
      '-m',
      message,
    ],
    work,
    pusher,
  );
  return (await git(['rev-parse', 'HEAD'], work, env)).stdout.trim();
}

async function push(ref = 'main'): Promise<void> {
  await git(['push', '-q', 'origin', `HEAD:refs/heads/${ref}`], work, env);
}

/** A change to the topology's name, committed and pushed: a new commit on main. */
async function pushChange(): Promise<string> {
  counter++;
  const file = path.join(work, 'topology.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/^name: .*$/m, `name: walkthrough-${counter}`));
  const sha = await commit(`change ${counter}`);
  await push();
  return sha;
}

/** Runs git in the working clone with `input` on stdin; its trimmed stdout. */
function gitWithInput(args: readonly string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd: work, env });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(' ')} exited ${code}`)),
    );
    child.stdin.end(input);
  });
}

function source(over: Partial<GitSourceOptions> = {}): GitSource {
  return new GitSource({
    url: remote,
    ref: 'main',
    path: 'topology.yaml',
    dataDir: path.join(root, 'data'),
    logger: capturingLogger().logger,
    env,
    timeoutMs: 20_000,
    ...over,
  });
}

function ctx(logger?: Logger): Context {
  return quietContext(logger ? { logger } : {});
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'avnet-git-source-'));
  counter = 0;
  const home = path.join(root, 'home');
  await mkdir(home);
  env = gitEnv(home);
  remote = path.join(root, 'remote.git');
  work = path.join(root, 'work');
  await git(['init', '-q', '--bare', '--initial-branch=main', remote], root, env);
  await git(['clone', '-q', remote, work], root, env);
  for (const name of ['topology.yaml', 'certs', 'secrets']) {
    await cp(path.join(EXAMPLE, name), path.join(work, name), { recursive: true });
  }
  await commit('the walkthrough network');
  await push();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true, maxRetries: 3 });
});

describe('GitSource: fetching a branch', () => {
  it('snapshots the head on the first fetch, is unchanged without a push, new after one', async () => {
    const head = (await git(['rev-parse', 'HEAD'], work, env)).stdout.trim();
    const src = source();
    const first = await src.fetch(ctx());
    expect(first.outcome).toBe('new');
    if (first.outcome !== 'new') return;
    expect(first.previous).toBeNull();
    const snap = first.snapshot;
    expect(snap.revision).toBe(head);
    expect(snap.dir).toBe(path.join(root, 'data', 'snapshots', head));
    expect(snap.file).toBe(path.join(snap.dir, 'topology.yaml'));
    expect(await readFile(snap.file, 'utf8')).toBe(
      await readFile(path.join(EXAMPLE, 'topology.yaml'), 'utf8'),
    );
    expect(await readFile(path.join(snap.dir, 'certs', 'MAIN.pem'), 'utf8')).toBe(
      await readFile(path.join(EXAMPLE, 'certs', 'MAIN.pem'), 'utf8'),
    );
    expect(snap.commit.message).toBe('the walkthrough network');
    expect(snap.commit.author).toBe('Ada Pusher'); // the name only: no e-mail on a dashboard
    expect(snap.commit.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // Read-only for everyone, readable by the owner only (a repository may hold secret files).
    expect((await stat(snap.file)).mode & 0o777).toBe(0o400);
    expect((await stat(path.join(snap.dir, 'certs'))).mode & 0o777).toBe(0o500);
    expect((await stat(snap.dir)).mode & 0o777).toBe(0o500);
    for (const own of ['repo.git', 'snapshots']) {
      expect((await stat(path.join(root, 'data', own))).mode & 0o777).toBe(0o700);
    }
    expect(src.status()).toMatchObject({
      type: 'git',
      url: remote,
      ref: 'main',
      path: 'topology.yaml',
      head,
      commit: { message: 'the walkthrough network', author: 'Ada Pusher' },
      error: null,
    });
    expect(src.status().fetchedAt).not.toBeNull();

    const again = await src.fetch(ctx());
    expect(again).toEqual({ outcome: 'unchanged', snapshot: snap });

    const next = await pushChange();
    const third = await src.fetch(ctx());
    expect(third.outcome).toBe('new');
    if (third.outcome !== 'new') return;
    expect(third.previous).toBe(head);
    expect(third.snapshot.revision).toBe(next);
    expect(await readFile(third.snapshot.file, 'utf8')).toContain('name: walkthrough-1');
    expect(src.status().head).toBe(next);
    await src.close();
  });

  it('reads referenced files from the commit even when the working tree has changed since', async () => {
    // The URL is the pusher's own (non-bare) clone, whose files are edited after the commit.
    const committed = await readFile(path.join(work, 'certs', 'MAIN.pem'), 'utf8');
    await writeFile(path.join(work, 'certs', 'MAIN.pem'), 'not a certificate, being edited\n');
    await writeFile(path.join(work, 'topology.yaml'), 'half: [written\n');
    const src = source({ url: work, ref: 'main' });
    const r = await src.fetch(ctx());
    expect(r.outcome).toBe('new');
    if (r.outcome !== 'new') return;
    expect(await readFile(path.join(r.snapshot.dir, 'certs', 'MAIN.pem'), 'utf8')).toBe(committed);
    // The engine reads the topology and the files it references from the snapshot.
    const checked = await checkTopology(r.snapshot.file, {}, ctx());
    expect(checked.validation.errors).toBe(0);
    const cert = checked.loaded.files.get('certs/MAIN.pem');
    expect(cert).toMatchObject({ status: 'ok', text: committed });
    await src.close();
  });

  it('works with a file:// URL and with a topology in a sub-folder', async () => {
    await mkdir(path.join(work, 'net'));
    for (const name of ['topology.yaml', 'certs', 'secrets']) {
      await rename(path.join(work, name), path.join(work, 'net', name));
    }
    await commit('moved to net/');
    await push();
    const src = source({ url: `file://${remote}`, path: './net/topology.yaml' });
    const r = await src.fetch(ctx());
    expect(r.outcome).toBe('new');
    if (r.outcome !== 'new') return;
    expect(r.snapshot.file).toBe(path.join(r.snapshot.dir, 'net', 'topology.yaml'));
    const checked = await checkTopology(r.snapshot.file, {}, ctx());
    expect(checked.validation.errors).toBe(0);
    expect(src.status().path).toBe('net/topology.yaml');
    await src.close();
  });
});

describe('GitSource: snapshots are the commit, byte for byte', () => {
  it('large and many files, nested folders, the executable bit, a link inside the repository', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    await mkdir(path.join(work, 'data', 'deep', 'er'), { recursive: true });
    await writeFile(path.join(work, 'data', 'big.bin'), big);
    for (let i = 0; i < 300; i++) {
      await writeFile(path.join(work, 'data', 'deep', 'er', `f${i}.txt`), `file ${i}\n`.repeat(i));
    }
    await writeFile(path.join(work, 'tool.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await symlink('certs/MAIN.pem', path.join(work, 'main-cert.pem'));
    await commit('lots of files');
    await push();
    const src = source();
    const r = await src.fetch(ctx());
    expect(r.outcome).toBe('new');
    if (r.outcome !== 'new') return;
    const dir = r.snapshot.dir;
    expect((await readFile(path.join(dir, 'data', 'big.bin'))).equals(big)).toBe(true);
    for (const i of [0, 1, 150, 299]) {
      expect(await readFile(path.join(dir, 'data', 'deep', 'er', `f${i}.txt`), 'utf8')).toBe(
        `file ${i}\n`.repeat(i),
      );
    }
    expect((await stat(path.join(dir, 'tool.sh'))).mode & 0o777).toBe(0o500);
    expect(await readFile(path.join(dir, 'main-cert.pem'), 'utf8')).toBe(
      await readFile(path.join(EXAMPLE, 'certs', 'MAIN.pem'), 'utf8'),
    );
    await src.close();
  });
});

describe('GitSource: tags and commit ids', () => {
  it('follows an annotated tag, refs/heads/x and a full commit id', async () => {
    const first = (await git(['rev-parse', 'HEAD'], work, env)).stdout.trim();
    await git(
      [
        '-c',
        'user.name=T',
        '-c',
        'user.email=t@example.test',
        'tag',
        '-a',
        'v1.2',
        '-m',
        'release',
      ],
      work,
      env,
    );
    await git(['push', '-q', 'origin', 'v1.2'], work, env);
    const second = await pushChange();
    await push('feature');

    const tag = source({ ref: 'v1.2', dataDir: path.join(root, 'd1') });
    const t = await tag.fetch(ctx());
    expect(t.outcome === 'new' && t.snapshot.revision).toBe(first); // the tag's commit, peeled

    const branch = source({ ref: 'refs/heads/feature', dataDir: path.join(root, 'd2') });
    const b = await branch.fetch(ctx());
    expect(b.outcome === 'new' && b.snapshot.revision).toBe(second);

    const bySha = source({ ref: first.toUpperCase(), dataDir: path.join(root, 'd3') });
    const s = await bySha.fetch(ctx());
    expect(s.outcome === 'new' && s.snapshot.revision).toBe(first);
    expect(await bySha.fetch(ctx())).toMatchObject({ outcome: 'unchanged' });
    for (const src of [tag, branch, bySha]) await src.close();
  });

  it('fails clearly for a commit id the server does not have', async () => {
    const src = source({ ref: '0123456789abcdef0123456789abcdef01234567' });
    const r = await src.fetch(ctx());
    expect(r).toMatchObject({ outcome: 'failed', cause: 'unknown-ref' });
    if (r.outcome !== 'failed') return;
    expect(r.error).toContain('0123456789abcdef0123456789abcdef01234567');
    expect(r.error).toContain('not our ref');
    await src.close();
  });
});

describe('GitSource: failures come back with their cause, in one line', () => {
  it('an unknown ref', async () => {
    const { logger, lines } = capturingLogger();
    const src = source({ ref: 'no-such-branch', logger });
    const r = await src.fetch(ctx(logger));
    expect(r).toEqual({
      outcome: 'failed',
      cause: 'unknown-ref',
      error: `ref "no-such-branch" not found in ${remote}: couldn't find remote ref no-such-branch`,
    });
    expect(src.status()).toMatchObject({ head: null, error: r.outcome === 'failed' && r.error });
    expect(lines.some((l) => l.startsWith('warn git: fetch failed'))).toBe(true);
    await src.close();
  });

  it('a repository path that does not exist, and a port where nothing listens', async () => {
    const missing = source({ url: path.join(root, 'nowhere.git') });
    expect(await missing.fetch(ctx())).toMatchObject({
      outcome: 'failed',
      cause: 'unreachable',
      error: expect.stringContaining('does not appear to be a git repository'),
    });
    const closedPort = source({ url: 'https://127.0.0.1:9/x.git' });
    const r = await closedPort.fetch(ctx());
    expect(r).toMatchObject({ outcome: 'failed', cause: 'unreachable' });
    expect(r.outcome === 'failed' && r.error).toMatch(
      /^cannot reach https:\/\/127\.0\.0\.1:9\/x\.git: .*127\.0\.0\.1 port 9/,
    );
    await missing.close();
    await closedPort.close();
  });

  it('a --path missing in the commit, or a folder there; the head stays the last good fetch', async () => {
    const src = source();
    const ok = await src.fetch(ctx());
    expect(ok.outcome).toBe('new');
    const good = src.status().head;
    await rm(path.join(work, 'topology.yaml'));
    const broken = await commit('topology removed');
    await push();
    const r = await src.fetch(ctx());
    expect(r).toEqual({
      outcome: 'failed',
      cause: 'path-missing',
      error: `topology.yaml does not exist in commit ${broken.slice(0, 12)} (main)`,
    });
    expect(src.status()).toMatchObject({
      head: good,
      error: expect.stringContaining('does not exist'),
    });

    const dir = source({ path: 'certs', dataDir: path.join(root, 'd2') });
    expect(await dir.fetch(ctx())).toMatchObject({
      outcome: 'failed',
      cause: 'path-missing',
      error: expect.stringContaining('certs is a directory'),
    });

    // The next good commit is new, with the last good head as the previous one.
    await cp(path.join(EXAMPLE, 'topology.yaml'), path.join(work, 'topology.yaml'));
    const fixed = await commit('topology back');
    await push();
    const back = await src.fetch(ctx());
    expect(back).toMatchObject({ outcome: 'new', previous: good, snapshot: { revision: fixed } });
    expect(src.status().error).toBeNull();
    await src.close();
    await dir.close();
  });

  it('a server that never answers: killed at the deadline, cause timeout', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const src = source({ url: `http://127.0.0.1:${port}/x.git`, timeoutMs: 1_500 });
      const started = Date.now();
      const r = await src.fetch(ctx());
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(r).toEqual({
        outcome: 'failed',
        cause: 'timeout',
        error: `git fetch from http://127.0.0.1:${port}/x.git timed out after 1500 ms`,
      });
      // close() ends a fetch that is still waiting.
      const slow = source({
        url: `http://127.0.0.1:${port}/x.git`,
        timeoutMs: 60_000,
        dataDir: path.join(root, 'd2'),
      });
      const pending = slow.fetch(ctx());
      await new Promise((resolve) => setTimeout(resolve, 500));
      const closedAt = Date.now();
      await slow.close();
      expect(await pending).toMatchObject({ outcome: 'failed', cause: 'other' });
      expect(Date.now() - closedAt).toBeLessThan(5_000);
      expect(await slow.fetch(ctx())).toMatchObject({
        outcome: 'failed',
        error: 'the git source is closed',
      });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('GitSource: credentials never show', () => {
  let server: GitHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a user:token URL works; the token is in no status, error, log line or file', async () => {
    const served = path.join(root, 'served');
    await mkdir(served);
    await git(['clone', '-q', '--bare', remote, path.join(served, 'net.git')], root, env);
    server = await startGitHttpServer(served, env, { user: 'bot', password: TOKEN });
    const { logger, lines } = capturingLogger();
    const url = `${server.base.replace('http://', `http://bot:${TOKEN}@`)}/net.git`;
    const src = source({ url, logger });
    const r = await src.fetch(ctx(logger));
    expect(r.outcome).toBe('new');
    // The server really received the token: the fetch was authenticated by the URL's credentials.
    const basic = `Basic ${Buffer.from(`bot:${TOKEN}`).toString('base64')}`;
    expect(server.authorizations).toContain(basic);
    expect(src.status().url).toBe(`${server.base}/net.git`);

    // A wrong token: auth, and neither token appears anywhere.
    const wrongToken = 'wrong-7c6b5a4-never-print';
    const bad = source({
      url: `${server.base.replace('http://', `http://bot:${wrongToken}@`)}/net.git`,
      logger,
      dataDir: path.join(root, 'd2'),
    });
    const failed = await bad.fetch(ctx(logger));
    expect(failed).toMatchObject({ outcome: 'failed', cause: 'auth' });
    expect(failed.outcome === 'failed' && failed.error).toMatch(
      /^authentication failed for http:\/\/127\.0\.0\.1:\d+\/net\.git: /,
    );

    const shown = [
      JSON.stringify(r),
      JSON.stringify(failed),
      JSON.stringify(src.status()),
      JSON.stringify(bad.status()),
      ...lines,
    ].join('\n');
    expect(lines.some((l) => l.includes('git: new commit'))).toBe(true);
    expect(lines.some((l) => l.startsWith('debug git') && l.includes('fetch'))).toBe(true);
    for (const secret of [TOKEN, wrongToken, basic.slice(6)]) {
      expect(shown).not.toContain(secret);
      // Not stored either: the URL is never written to the bare repository's config or FETCH_HEAD.
      expect(await allText(path.join(root, 'data'))).not.toContain(secret);
      expect(await allText(path.join(root, 'd2'))).not.toContain(secret);
    }
    await src.close();
    await bad.close();
  });

  it('GIT_ASKPASS in the environment gives git the token (a URL without it)', async () => {
    const served = path.join(root, 'served');
    await mkdir(served);
    await git(['clone', '-q', '--bare', remote, path.join(served, 'net.git')], root, env);
    server = await startGitHttpServer(served, env, { user: 'bot', password: TOKEN });
    const askpass = path.join(root, 'askpass.sh');
    await writeFile(
      askpass,
      `#!/bin/sh\ncase "$1" in Username*) echo bot;; *) echo '${TOKEN}';; esac\n`,
      {
        mode: 0o700,
      },
    );
    const { logger, lines } = capturingLogger();
    const src = source({
      url: `${server.base}/net.git`,
      env: { ...env, GIT_ASKPASS: askpass },
      logger,
    });
    expect((await src.fetch(ctx(logger))).outcome).toBe('new');
    expect(lines.join('\n')).not.toContain(TOKEN);
    // Without it, git cannot prompt: auth, at once.
    const noAsk = source({ url: `${server.base}/net.git`, dataDir: path.join(root, 'd2') });
    expect(await noAsk.fetch(ctx())).toMatchObject({ outcome: 'failed', cause: 'auth' });
    await src.close();
    await noAsk.close();
  });
});

describe('GitSource: data dir, restarts and old snapshots', () => {
  it('a restart reuses the bare repository and remembers the head', async () => {
    const dataDir = path.join(root, 'data');
    const first = source();
    const a = await first.fetch(ctx());
    expect(a.outcome).toBe('new');
    const headA = a.outcome === 'new' ? a.snapshot.revision : '';
    await first.close();

    const b = await pushChange();
    const { logger, lines } = capturingLogger();
    const second = source({ logger });
    const r = await second.fetch(ctx(logger));
    expect(r).toMatchObject({ outcome: 'new', previous: headA, snapshot: { revision: b } });
    expect(lines.some((l) => l.includes('created the bare repository'))).toBe(false);
    await second.close();

    // The commits are in the data dir itself: with the upstream gone, a known commit's snapshot
    // is written again without any network, and a commit-id ref needs no fetch.
    await rename(remote, `${remote}.gone`);
    await rm(path.join(dataDir, 'snapshots'), { recursive: true, force: true });
    const third = source({ ref: headA });
    const snap = await third.snapshot(headA, ctx());
    expect(snap.revision).toBe(headA);
    expect(await readFile(snap.file, 'utf8')).not.toContain('walkthrough-1');
    expect(await third.fetch(ctx())).toMatchObject({
      outcome: 'new',
      snapshot: { revision: headA },
    });
    expect(await source().fetch(ctx())).toMatchObject({ outcome: 'failed', cause: 'unreachable' });
    await third.close();
  });

  it('keeps the head, the previous head and the last good snapshot; removes older ones', async () => {
    const snapshots = path.join(root, 'data', 'snapshots');
    const src = source();
    const first = await src.fetch(ctx());
    const good = first.outcome === 'new' ? first.snapshot.revision : '';
    await src.markGood(good, ctx());
    const revs: string[] = [];
    for (let i = 0; i < 4; i++) {
      revs.push(await pushChange());
      expect((await src.fetch(ctx())).outcome).toBe('new');
    }
    expect((await readdir(snapshots)).sort()).toEqual([good, revs[2], revs[3]].sort());

    // An old one is written again on demand, and removed again once not needed.
    const old = await src.snapshot(revs[0]!, ctx());
    expect(await readFile(old.file, 'utf8')).toContain('walkthrough-1');
    await src.markGood(revs[3]!, ctx());
    expect((await readdir(snapshots)).sort()).toEqual([revs[0], revs[2], revs[3]].sort());
    revs.push(await pushChange());
    await src.fetch(ctx());
    expect((await readdir(snapshots)).sort()).toEqual([revs[0], revs[3], revs[4]].sort());
    await src.close();
  });

  it('a half-written snapshot left by a crash is swept, never used', async () => {
    const snapshots = path.join(root, 'data', 'snapshots');
    await mkdir(snapshots, { recursive: true });
    const stale = path.join(snapshots, '.tmp-0123456789ab-999999999-deadbeef');
    await mkdir(stale);
    await writeFile(path.join(stale, 'topology.yaml'), 'half');
    const src = source();
    expect((await src.fetch(ctx())).outcome).toBe('new');
    expect((await readdir(snapshots)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    await src.close();
  });
});

describe('GitSource: hostile repositories', () => {
  it('a certificate that is a symlink to /etc/passwd is a diagnostic, not the file', async () => {
    await rm(path.join(work, 'certs', 'MAIN.pem'));
    await symlink('/etc/passwd', path.join(work, 'certs', 'MAIN.pem'));
    await commit('certificate points outside');
    await push();
    const src = source();
    const r = await src.fetch(ctx());
    expect(r.outcome).toBe('new');
    if (r.outcome !== 'new') return;
    const checked = await checkTopology(r.snapshot.file, {}, ctx());
    const rules = checked.validation.diagnostics.map((d) => d.rule);
    expect(rules).toContain('path-outside-root');
    expect(checked.loaded.files.get('certs/MAIN.pem')).toMatchObject({ status: 'outside-root' });
    const passwd = await readFile('/etc/passwd', 'utf8');
    expect(JSON.stringify([...checked.loaded.files.values()])).not.toContain(passwd.slice(0, 20));
    await src.close();
  });

  it('a topology that is a symlink leaving the repository is refused', async () => {
    await rm(path.join(work, 'topology.yaml'));
    await symlink('/etc/passwd', path.join(work, 'topology.yaml'));
    const sha = await commit('topology points outside');
    await push();
    const src = source();
    expect(await src.fetch(ctx())).toEqual({
      outcome: 'failed',
      cause: 'path-missing',
      error: `topology.yaml in commit ${sha.slice(0, 12)} is a symbolic link leaving the repository`,
    });
    expect(await readdir(path.join(root, 'data', 'snapshots'))).toEqual([]);
    await src.close();
  });

  it('a crafted tree with a ".." entry writes nothing outside the snapshot', async () => {
    const blob = (await git(['hash-object', '-w', 'topology.yaml'], work, env)).stdout.trim();
    const crafted = await gitWithInput(
      ['mktree'],
      `100644 blob ${blob}\t..\n100644 blob ${blob}\ttopology.yaml\n`,
    );
    const evil = (
      await git(
        [
          '-c',
          'user.name=E',
          '-c',
          'user.email=e@example.test',
          'commit-tree',
          crafted,
          '-m',
          'evil',
        ],
        work,
        env,
      )
    ).stdout.trim();
    await git(['push', '-q', 'origin', `${evil}:refs/heads/evil`], work, env);
    const src = source({ ref: 'evil' });
    const r = await src.fetch(ctx());
    expect(r).toMatchObject({ outcome: 'failed', cause: 'other' });
    expect(r.outcome === 'failed' && r.error).toContain('unsafe path: ".."');
    expect(await readdir(path.join(root, 'data', 'snapshots'))).toEqual([]);
    await src.close();
  });
});

describe('GitSource: options git must never be given', () => {
  it.each([
    [{ url: '--upload-pack=touch /tmp/x' }, '--git'],
    [{ ref: '-x' }, '--ref'],
    [{ ref: 'main:refs/heads/other' }, '--ref'],
    [{ ref: 'a..b' }, '--ref'],
    [{ path: '../outside.yaml' }, '--path'],
    [{ path: '/etc/passwd' }, '--path'],
    [{ path: '' }, '--path'],
  ])('%j is refused (%s)', (over, flag) => {
    expect(() => source(over)).toThrow(GitSourceError);
    expect(() => source(over)).toThrow(flag);
  });
});
