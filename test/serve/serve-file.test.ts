/**
 * `avnet serve FILE --apply` with the embedded dir backend: the one-line demo. The API's shapes,
 * health, readiness, auth, drift healing, a person's apply holding the lock, restarts that keep
 * the history without re-applying, and no secret in any answer, event, metric or log.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import https from 'node:https';
import { DirBackend } from '../../src/backends/index.js';
import { createCertificateAuthority, issueServerCertificate } from '../../src/certs/index.js';
import { quietContext } from '../../src/model/index.js';
import type { HistoryEntry, ServeStatus } from '../../src/serve/index.js';
import { api, followEvents, startServe, until, type RunningServe } from './serve-harness.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'serve-test-bearer-token-61f0c';
const dirs: string[] = [];
const running: RunningServe[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A copy of examples/basic without state, and its link password. */
async function basicCopy(): Promise<{ dir: string; password: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'avnet-serve-'));
  dirs.push(root);
  const dir = path.join(root, 'net');
  await cp(path.join(REPO, 'examples/basic'), dir, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'state',
  });
  const password = (await readFile(path.join(dir, 'secrets/main-auxiliary'), 'utf8')).trim();
  return { dir, password };
}

async function serve(dir: string, ...args: string[]): Promise<RunningServe> {
  const s = await startServe(['topology.yaml', '--data', 'data', ...args], {
    cwd: dir,
    env: { AVNET_TOKEN: TOKEN },
  });
  running.push(s);
  return s;
}

async function status(s: RunningServe): Promise<ServeStatus> {
  return (await api(s, '/api/v1/status', { token: TOKEN })).body as ServeStatus;
}

async function history(s: RunningServe): Promise<HistoryEntry[]> {
  return (await api(s, '/api/v1/history', { token: TOKEN })).body as HistoryEntry[];
}

describe('avnet serve FILE (dir backend)', { timeout: 120_000 }, () => {
  it('applies on start and answers health, readiness, status, history, plan and server details', async () => {
    const { dir, password } = await basicCopy();
    const s = await serve(
      dir,
      '--apply',
      '--auth-token',
      'env:AVNET_TOKEN',
      '--link-interval',
      '1s',
    );
    expect((await api(s, '/healthz')).status).toBe(200);
    await until('ready', async () => ((await api(s, '/readyz')).status === 200 ? true : undefined));
    const st = await until('Synced and Healthy', async () => {
      const v = await status(s);
      return v.sync.status === 'Synced' && v.health.status === 'Healthy' ? v : undefined;
    });
    expect(st.source).toMatchObject({ type: 'file', path: 'topology.yaml', error: null });
    expect(st.source.head).toMatch(/^[0-9a-f]{64}$/);
    expect(st.sync).toMatchObject({ status: 'Synced', revision: st.source.head, invalid: null });
    expect(st.health).toEqual({ status: 'Healthy', online: 1, offline: 0, unknown: 0 });
    expect(st.servers).toEqual([
      { name: 'MAIN', sync: 'Synced', pending: 0, error: null },
      { name: 'AUXILIARY', sync: 'Synced', pending: 0, error: null },
    ]);
    expect(st.links).toEqual([
      expect.objectContaining({
        a: 'MAIN',
        b: 'AUXILIARY',
        type: 'parent-child',
        state: 'online',
        reason: null,
      }),
    ]);
    expect(st.lastCycle).toMatchObject({ id: 1, trigger: 'start', outcome: 'applied' });
    const [first] = await history(s);
    expect(first).toMatchObject({
      id: 1,
      trigger: 'start',
      outcome: 'applied',
      changes: { add: 2, change: 2, destroy: 0 },
      writes: 6,
      failed: 0,
    });
    const plan = (await api(s, '/api/v1/plan', { token: TOKEN })).body as { changes: unknown[] };
    expect(plan.changes).toEqual([]);
    const main = (await api(s, '/api/v1/servers/MAIN', { token: TOKEN })).body as {
      entries: { neighbor: string; desired: { password: string }; differs: string[] }[];
    };
    expect(main.entries[0]).toMatchObject({ neighbor: 'AUXILIARY', differs: [] });
    expect(main.entries[0]!.desired.password).toBe('(sensitive)');
    expect((await api(s, '/api/v1/servers/NOPE', { token: TOKEN })).status).toBe(404);
    // The state really is written, as `avnet apply` would.
    const state = await new DirBackend({ dir: path.join(dir, 'state') }).readServer(
      'MAIN',
      quietContext(),
    );
    expect(state?.neighbors.map((e) => e.name)).toEqual(['AUXILIARY']);
    // No secret anywhere the API answers or the log says.
    for (const p of [
      '/api/v1/status',
      '/api/v1/history',
      '/api/v1/plan',
      '/api/v1/servers/MAIN',
      '/api/v1/servers/AUXILIARY',
      '/metrics',
    ]) {
      const r = await api(s, p, { token: TOKEN });
      expect(r.status, p).toBe(200);
      expect(r.text, p).not.toContain(password);
      expect(r.text, p).not.toContain(TOKEN);
    }
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).not.toContain(password);
    expect(s.stderr()).not.toContain(TOKEN);
    // One log line per cycle, in JSON on stderr; nothing on stdout.
    expect(s.logs().filter((l) => l.msg === 'serve cycle').length).toBe(
      (await readHistory(dir)).length,
    );
    expect(s.stdout()).toBe('');
  });

  it('needs the bearer token everywhere but health, webhooks and the page', async () => {
    const { dir } = await basicCopy();
    const s = await serve(dir, '--auth-token', 'env:AVNET_TOKEN');
    for (const p of [
      '/api/v1/status',
      '/api/v1/history',
      '/api/v1/plan',
      '/api/v1/events',
      '/metrics',
    ]) {
      const none = await api(s, p);
      expect(none.status, p).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
      expect(none.body).toEqual({
        error: { code: 'unauthorized', message: 'a bearer token is required' },
      });
      const wrong = await api(s, p, { token: 'not-the-token' });
      expect(wrong.status, p).toBe(401);
      expect((wrong.body as { error: { message: string } }).error.message).toMatch(
        /not the right one/,
      );
    }
    expect((await api(s, '/healthz')).status).toBe(200);
    expect((await api(s, '/api/v1/sync', { method: 'POST' })).status).toBe(401);
    expect((await api(s, '/api/v1/sync', { method: 'POST', token: TOKEN })).body).toEqual({
      queued: true,
    });
    const manual = await until('the manual cycle', async () =>
      (await history(s)).find((h) => h.trigger === 'manual'),
    );
    expect(manual.outcome).toBe('planned'); // no --apply: nothing is written
  });

  it('refuses a sync without a configured token, and a non-loopback listener without one', async () => {
    const { dir } = await basicCopy();
    const s = await serve(dir);
    const sync = await api(s, '/api/v1/sync', { method: 'POST' });
    expect(sync.status).toBe(403);
    expect((sync.body as { error: { code: string } }).error.code).toBe('auth-token-required');
    await expect(
      startServe(['topology.yaml', '--data', 'data', '--listen', '0.0.0.0:0'], { cwd: dir }),
    ).rejects.toThrow(/refusing to listen on 0\.0\.0\.0:0 without --auth-token/);
  });

  it('serves HTTPS with --tls-cert and --tls-key', async () => {
    const { dir } = await basicCopy();
    const ca = createCertificateAuthority('serve test CA');
    const leaf = issueServerCertificate(ca, 'serve', ['127.0.0.1']);
    await writeFile(path.join(dir, 'serve.pem'), leaf.certificatePem);
    await writeFile(path.join(dir, 'serve.key'), leaf.privateKeyPem);
    const s = await serve(dir, '--tls-cert', 'serve.pem', '--tls-key', 'serve.key');
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${s.url}/healthz`, { ca: ca.certificatePem }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(body).toBe('ok\n');
    // A plain-HTTP request to the HTTPS port gets no answer from the API.
    await expect(fetch(s.url.replace('https:', 'http:') + '/healthz')).rejects.toThrow();
  });

  it('applies a saved edit of the file at once (trigger change)', async () => {
    const { dir } = await basicCopy();
    const s = await serve(dir, '--apply', '--interval', '0', '--auth-token', 'env:AVNET_TOKEN');
    await until('applied', async () =>
      (await history(s))[0]?.outcome === 'applied' ? true : undefined,
    );
    const file = path.join(dir, 'topology.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'password: { file: secrets/main-auxiliary }',
        'password: { file: secrets/main-auxiliary }\n    encryption: yes',
      ),
    );
    const changed = await until('the change cycle', async () =>
      (await history(s)).find((h) => h.trigger === 'change'),
    );
    expect(changed).toMatchObject({ outcome: 'applied', changes: { change: 2 }, writes: 2 });
    // A referenced file counts too: a new password is a new revision.
    await writeFile(
      path.join(dir, 'secrets/main-auxiliary'),
      'a-brand-new-password-for-the-link\n',
    );
    const again = await until('the second change cycle', async () => {
      const h = (await history(s)).filter((e) => e.trigger === 'change');
      return h.length >= 2 ? h[0] : undefined;
    });
    expect(again).toMatchObject({ outcome: 'applied', changes: { change: 2 } });
    expect(JSON.stringify(await history(s))).not.toContain('a-brand-new-password');
  });

  it('heals drift found on the interval and says so in the history and the event stream', async () => {
    const { dir } = await basicCopy();
    const s = await serve(dir, '--apply', '--interval', '1s', '--auth-token', 'env:AVNET_TOKEN');
    await until('applied', async () =>
      (await history(s))[0]?.outcome === 'applied' ? true : undefined,
    );
    const events = followEvents(s, TOKEN);
    try {
      const file = path.join(dir, 'state', 'AUXILIARY.json');
      const aux = JSON.parse(await readFile(file, 'utf8')) as {
        neighbors: { compression: string }[];
      };
      aux.neighbors[0]!.compression = 'no';
      await writeFile(file, JSON.stringify(aux, null, 2));
      const healed = await until('drift healed', async () =>
        (await history(s)).find((h) => h.outcome === 'drift-healed'),
      );
      expect(healed).toMatchObject({ trigger: 'interval', writes: 1, changes: { change: 1 } });
      await until('a cycle event', () =>
        events.events.find(
          (e) => e.event === 'cycle' && (e.data as HistoryEntry).outcome === 'drift-healed',
        ),
      );
      expect(events.events[0]?.event).toBe('status');
    } finally {
      events.close();
    }
  });

  it('waits for a person holding the lock, then applies; a restart keeps the history and does not re-apply', async () => {
    const { dir } = await basicCopy();
    const lock = await new DirBackend({ dir: path.join(dir, 'state') }).acquireLock(
      'apply',
      quietContext(),
    );
    const s = await serve(dir, '--apply', '--interval', '1s', '--auth-token', 'env:AVNET_TOKEN');
    const refused = await until('refused while locked', async () => (await history(s))[0]);
    expect(refused.outcome).toBe('failed');
    expect(refused.message).toMatch(/state is locked by .* for "apply"/);
    expect((await status(s)).sync.status).not.toBe('Synced');
    await lock.release();
    await until('applied after the lock is released', async () =>
      (await history(s)).find((h) => h.outcome === 'applied'),
    );
    const before = await history(s);
    expect(await s.stop()).toBe(0);

    const again = await serve(dir, '--apply', '--interval', '0', '--auth-token', 'env:AVNET_TOKEN');
    // Reported at once, before the first cycle of the new process.
    const restored = await status(again);
    expect(restored.sync.revision).toBe(before.find((h) => h.outcome === 'applied')!.revision);
    const start = await until('the start cycle after the restart', async () => {
      const h = await history(again);
      return h.length > before.length ? h[0] : undefined;
    });
    expect(start).toMatchObject({ trigger: 'start', outcome: 'no-changes', writes: 0 });
    expect((await history(again)).slice(1)).toEqual(before);
  });
});

async function readHistory(dir: string): Promise<HistoryEntry[]> {
  const state = JSON.parse(await readFile(path.join(dir, 'data', 'serve-state.json'), 'utf8')) as {
    history: HistoryEntry[];
  };
  return state.history;
}
