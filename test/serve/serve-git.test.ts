/**
 * `avnet serve --git`: a real bare repository in a temp folder, real pushes, real signed and
 * tampered webhooks, an invalid commit, a fetch failure with its notification, and every secret
 * (link password, bearer token, webhook and notification secrets, URL credentials) searched for
 * in every answer, event, metric, notification and log line.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirBackend } from '../../src/backends/index.js';
import { quietContext } from '../../src/model/index.js';
import type { HistoryEntry, Notification, ServeStatus } from '../../src/serve/index.js';
import { git, gitEnv } from '../gitops/git-fixture.js';
import { api, followEvents, startServe, until, type RunningServe } from './serve-harness.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'git-serve-bearer-token-4e2a9';
const HOOK_SECRET = 'git-serve-webhook-secret-77c1d';
const NOTIFY_SECRET = 'git-serve-notify-secret-0b9e3';

let root: string;
let work: string;
let origin: string;
let env: NodeJS.ProcessEnv;
let password: string;
let serve: RunningServe;
let receiver: Server;
const received: { body: string; signature: string | undefined }[] = [];
let events: ReturnType<typeof followEvents>;

async function commitAndPush(message: string, edit: (yaml: string) => string): Promise<string> {
  const file = path.join(work, 'topology.yaml');
  await writeFile(file, edit(await readFile(file, 'utf8')));
  await git(['commit', '--quiet', '-am', message], work, env);
  await git(['push', '--quiet', 'origin', 'main'], work, env);
  return (await git(['rev-parse', 'HEAD'], work, env)).stdout.trim();
}

function signed(body: string, secret = HOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function github(body: string, headers: Record<string, string>) {
  return api(serve, '/hooks/github', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function history(): Promise<HistoryEntry[]> {
  return (await api(serve, '/api/v1/history', { token: TOKEN })).body as HistoryEntry[];
}

async function status(): Promise<ServeStatus> {
  return (await api(serve, '/api/v1/status', { token: TOKEN })).body as ServeStatus;
}

async function stateOf(server: string) {
  return new DirBackend({ dir: path.join(root, 'state') }).readServer(server, quietContext());
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'avnet-serve-git-'));
  env = gitEnv(path.join(root, 'home'));
  await mkdir(path.join(root, 'home'), { recursive: true });
  origin = path.join(root, 'origin.git');
  work = path.join(root, 'work');
  await git(['init', '--quiet', '--bare', '--initial-branch=main', origin], root, env);
  await cp(path.join(REPO, 'examples/basic'), work, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'state',
  });
  password = (await readFile(path.join(work, 'secrets/main-auxiliary'), 'utf8')).trim();
  await git(['init', '--quiet', '--initial-branch=main'], work, env);
  await git(['add', '.'], work, env);
  await git(['commit', '--quiet', '-m', 'the basic network'], work, env);
  await git(['remote', 'add', 'origin', origin], work, env);
  await git(['push', '--quiet', 'origin', 'main'], work, env);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ body, signature: req.headers['x-avnet-signature'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as { port: number }).port;
  serve = await startServe(
    [
      '--git',
      `file://${origin}`,
      '--ref',
      'main',
      '--path',
      'topology.yaml',
      '--git-interval',
      '0',
      '--interval',
      '0',
      '--apply',
      '--state',
      path.join(root, 'state'),
      '--data',
      path.join(root, 'data'),
      '--auth-token',
      'env:T',
      '--webhook-secret',
      'env:W',
      '--notify',
      `http://user:notify-url-pass@127.0.0.1:${port}/hook/xyz-url-token`,
      '--notify-secret',
      'env:N',
      '--link-interval',
      '1s',
    ],
    { cwd: root, env: { ...env, T: TOKEN, W: HOOK_SECRET, N: NOTIFY_SECRET } },
  );
  events = followEvents(serve, TOKEN);
}, 60_000);

afterAll(async () => {
  events?.close();
  const code = await serve?.stop();
  receiver?.close();
  // Nothing serve printed, answered, streamed or sent carries a secret.
  const everything = [
    serve?.stdout() ?? '',
    serve?.stderr() ?? '',
    events?.raw() ?? '',
    ...received.map((r) => r.body),
  ].join('\n');
  for (const secret of [
    password,
    TOKEN,
    HOOK_SECRET,
    NOTIFY_SECRET,
    'notify-url-pass',
    'xyz-url-token',
  ])
    expect(everything, secret).not.toContain(secret);
  expect(code).toBe(0);
  await rm(root, { recursive: true, force: true });
}, 60_000);

describe('avnet serve --git', { timeout: 120_000 }, () => {
  it('applies the head commit on start, read from the commit itself', async () => {
    const first = await until('the start cycle', async () => (await history())[0]);
    expect(first).toMatchObject({ trigger: 'start', outcome: 'applied', writes: 6 });
    const head = (await git(['rev-parse', 'HEAD'], work, env)).stdout.trim();
    const st = await status();
    expect(st.source).toMatchObject({
      type: 'git',
      url: `file://${origin}`,
      ref: 'main',
      path: 'topology.yaml',
      head,
      error: null,
    });
    expect(st.source.commit).toMatchObject({ message: 'the basic network' });
    expect(st.sync).toMatchObject({ status: 'Synced', revision: head });
    // An edit in the pusher's working tree that is not committed is never read.
    await writeFile(path.join(work, 'topology.yaml'), 'apiVersion: [ not committed\n');
    await git(['checkout', '--', 'topology.yaml'], work, env);
  });

  it('refuses unsigned and tampered webhooks (401, nothing runs), answers ping, ignores other refs', async () => {
    const before = (await history()).length;
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    expect((await github(body, { 'x-github-event': 'push' })).status).toBe(401);
    expect(
      (await github(body, { 'x-github-event': 'push', 'x-hub-signature-256': signed(body + ' ') }))
        .status,
    ).toBe(401);
    expect(
      (
        await github(body, {
          'x-github-event': 'push',
          'x-hub-signature-256': signed(body, 'wrong'),
        })
      ).status,
    ).toBe(401);
    const ping = await github('{"zen":"hi"}', {
      'x-github-event': 'ping',
      'x-hub-signature-256': signed('{"zen":"hi"}'),
    });
    expect(ping.status).toBe(200);
    const other = JSON.stringify({ ref: 'refs/heads/feature' });
    const ignored = await github(other, {
      'x-github-event': 'push',
      'x-hub-signature-256': signed(other),
    });
    expect(ignored.status).toBe(202);
    expect(ignored.body).toEqual({ ignored: 'push to refs/heads/feature, not main' });
    const gitlab = await api(serve, '/hooks/gitlab', {
      method: 'POST',
      body,
      headers: { 'x-gitlab-token': 'wrong', 'x-gitlab-event': 'Push Hook' },
    });
    expect(gitlab.status).toBe(401);
    const huge = await api(serve, '/hooks/generic', {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 1),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(huge.status).toBe(413);
    await new Promise((r) => setTimeout(r, 500));
    expect((await history()).length).toBe(before);
  });

  it('a signed push webhook fetches and applies the new commit at once', async () => {
    const sha = await commitAndPush('AUXILIARY requires encryption', (y) =>
      y.replace(
        'password: { file: secrets/main-auxiliary }',
        'password: { file: secrets/main-auxiliary }\n    encryption: yes',
      ),
    );
    const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
    const r = await github(body, { 'x-github-event': 'push', 'x-hub-signature-256': signed(body) });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ queued: true });
    const applied = await until('the webhook cycle', async () =>
      (await history()).find((h) => h.revision === sha && h.outcome === 'applied'),
    );
    expect(applied).toMatchObject({ trigger: 'webhook', changes: { change: 2 }, writes: 2 });
    expect((await stateOf('MAIN'))?.neighbors[0]?.encryption).toBe('yes');
    await until('the cycle event', () =>
      events.events.find((e) => e.event === 'cycle' && (e.data as HistoryEntry).revision === sha),
    );
    await until('the applied notification', () =>
      received.find((n) => (JSON.parse(n.body) as Notification).event === 'applied'),
    );
    const note = received.find((n) => (JSON.parse(n.body) as Notification).event === 'applied')!;
    expect(note.signature).toBe(signed(note.body, NOTIFY_SECRET));
  });

  it('a GitLab push with the right token runs a cycle; another event is ignored', async () => {
    const before = (await history()).length;
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const ok = await api(serve, '/hooks/gitlab', {
      method: 'POST',
      body,
      headers: { 'x-gitlab-token': HOOK_SECRET, 'x-gitlab-event': 'Push Hook' },
    });
    expect(ok.status).toBe(202);
    expect(ok.body).toEqual({ queued: true });
    const ran = await until('the GitLab cycle', async () => {
      const h = await history();
      return h.length > before ? h[0] : undefined;
    });
    expect(ran.trigger).toBe('webhook');
    const other = await api(serve, '/hooks/gitlab', {
      method: 'POST',
      body,
      headers: { 'x-gitlab-token': HOOK_SECRET, 'x-gitlab-event': 'Issue Hook' },
    });
    expect(other.body).toEqual({ ignored: 'event Issue Hook' });
  });

  it('an invalid commit changes nothing, shows its diagnostics, and the next valid commit applies', async () => {
    const before = await stateOf('MAIN');
    const bad = await commitAndPush('a typo', (y) =>
      y.replace('child: AUXILIARY', 'child: AUXILARY'),
    );
    const generic = '{}';
    const r = await api(serve, '/hooks/generic', {
      method: 'POST',
      body: generic,
      headers: { 'x-avnet-signature': signed(generic), 'content-type': 'application/json' },
    });
    expect(r.status).toBe(202);
    const invalid = await until('the invalid cycle', async () =>
      (await history()).find((h) => h.revision === bad),
    );
    expect(invalid.outcome).toBe('invalid');
    const st = await status();
    expect(st.sync.status).toBe('OutOfSync');
    expect(st.sync.invalid?.revision).toBe(bad);
    expect(st.sync.invalid?.diagnostics).toContainEqual(
      expect.objectContaining({
        rule: 'unknown-server',
        file: 'topology.yaml',
        line: expect.any(Number),
        column: expect.any(Number),
      }),
    );
    expect(await stateOf('MAIN')).toEqual(before);
    await until('the invalid-commit notification', () =>
      received.find((n) => (JSON.parse(n.body) as Notification).event === 'invalid-commit'),
    );
    const fixed = await commitAndPush('fix the typo', (y) =>
      y.replace('child: AUXILARY', 'child: AUXILIARY'),
    );
    await api(serve, '/hooks/generic', {
      method: 'POST',
      body: generic,
      headers: { 'x-avnet-signature': signed(generic) },
    });
    const ok = await until('the fixed cycle', async () =>
      (await history()).find((h) => h.revision === fixed),
    );
    expect(ok.outcome).toBe('no-changes'); // the servers still hold what the last good commit said
    expect((await status()).sync).toMatchObject({ status: 'Synced', invalid: null });
  });

  it('reports a fetch failure in status, metrics and a notification, and recovers', async () => {
    await rename(origin, origin + '.away');
    try {
      await api(serve, '/api/v1/sync', { method: 'POST', token: TOKEN });
      const failed = await until('the failed fetch', async () =>
        (await history()).find((h) => h.outcome === 'fetch-failed'),
      );
      expect(failed.message).toMatch(/cannot fetch the topology/);
      const st = await status();
      expect(st.source.error).toBeTruthy();
      const metrics = (await api(serve, '/metrics', { token: TOKEN })).text;
      expect(metrics).toMatch(/avnet_git_fetch_total\{outcome="failure"\} [1-9]/);
      expect(metrics).toMatch(/avnet_cycles_total\{trigger="manual",outcome="fetch-failed"\} 1/);
      await until('the fetch-failed notification', () =>
        received.find((n) => (JSON.parse(n.body) as Notification).event === 'fetch-failed'),
      );
    } finally {
      await rename(origin + '.away', origin);
    }
    await api(serve, '/api/v1/sync', { method: 'POST', token: TOKEN });
    await until('the source error cleared', async () =>
      (await status()).source.error === null ? true : undefined,
    );
  });

  it('polls on --git-interval: a push with no webhook is applied as a commit cycle', async () => {
    const poller = await startServe(
      [
        '--git',
        `file://${origin}`,
        '--git-interval',
        '1s',
        '--interval',
        '0',
        '--apply',
        '--state',
        path.join(root, 'state-poll'),
        '--data',
        path.join(root, 'data-poll'),
      ],
      { cwd: root, env },
    );
    try {
      await until(
        'the start cycle',
        async () => ((await api(poller, '/api/v1/history')).body as HistoryEntry[])[0],
      );
      const sha = await commitAndPush('compression off on the link', (y) =>
        y.replace(
          'password: { file: secrets/main-auxiliary }',
          'password: { file: secrets/main-auxiliary }\n    compression: no',
        ),
      );
      const polled = await until('the polled commit', async () =>
        ((await api(poller, '/api/v1/history')).body as HistoryEntry[]).find(
          (h) => h.revision === sha,
        ),
      );
      expect(polled).toMatchObject({ trigger: 'commit', outcome: 'applied' });
    } finally {
      expect(await poller.stop()).toBe(0);
    }
  });
});
