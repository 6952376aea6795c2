/**
 * `avnet serve --backend http` against emulated servers: live link states in the status and the
 * metrics (promtool-checked), a server going down turns its link offline with the reason and a
 * notification, coming back turns it online again; and the real process stops on SIGTERM with 0.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, copyExample, simulate, type TopologyCopy } from '../sim/helpers.js';
import type { Simulation } from '../../src/sim/index.js';
import type { Notification, ServeStatus } from '../../src/serve/index.js';
import { api, startServe, until, type RunningServe } from './serve-harness.js';

const REPO = path.resolve(import.meta.dirname, '../..');
let copy: TopologyCopy;
let sim: Simulation;
let serve: RunningServe;
let receiver: Server;
const notes: Notification[] = [];
const promtool = await new Promise<boolean>((resolve) =>
  execFile('promtool', ['--version'], (err) => resolve(!err)),
);

beforeAll(async () => {
  copy = await copyExample('basic');
  sim = await simulate(copy.file);
  await writeFile(path.join(copy.dir, 'ca.pem'), sim.caPem);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      notes.push(JSON.parse(body) as Notification);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  serve = await startServe(
    [
      'topology.yaml',
      '--apply',
      '--backend',
      'http',
      '--ca',
      'ca.pem',
      '--data',
      'data',
      '--interval',
      '0',
      '--link-interval',
      '300ms',
      '--wait',
      '1s',
      '--notify',
      `http://127.0.0.1:${(receiver.address() as { port: number }).port}/n`,
    ],
    { cwd: copy.dir, env: { AVNET_USER: ADMIN.user, AVNET_PASSWORD: ADMIN.password } },
  );
}, 60_000);

afterAll(async () => {
  expect(await serve?.stop()).toBe(0);
  expect(serve.stderr()).not.toContain(ADMIN.password);
  receiver?.close();
  await sim?.stop();
  await copy?.cleanup();
});

async function status(): Promise<ServeStatus> {
  return (await api(serve, '/api/v1/status')).body as ServeStatus;
}

describe('avnet serve --backend http (emulated servers)', { timeout: 120_000 }, () => {
  it('applies and shows the link online, live, in status and metrics', async () => {
    const st = await until('the link online', async () => {
      const s = await status();
      return s.links[0]?.state === 'online' && s.health.status === 'Healthy' ? s : undefined;
    });
    expect(st.links[0]).toMatchObject({ a: 'MAIN', b: 'AUXILIARY', reason: null });
    const metrics = (await api(serve, '/metrics')).text;
    expect(metrics).toContain('avnet_link_online{a="MAIN",b="AUXILIARY",type="parent-child"} 1');
    expect(metrics).toContain('avnet_health_status{status="Healthy"} 1');
    expect(metrics).not.toContain(ADMIN.password);
  });

  it.runIf(promtool)(
    'serves metrics promtool accepts (no problem with avnet_ metrics)',
    async () => {
      const metrics = (await api(serve, '/metrics')).text;
      const out = await new Promise<{ code: number; output: string }>((resolve) => {
        const p = spawn('promtool', ['check', 'metrics']);
        let output = '';
        p.stdout.on('data', (b: Buffer) => (output += b.toString()));
        p.stderr.on('data', (b: Buffer) => (output += b.toString()));
        p.on('close', (code) => resolve({ code: code ?? -1, output }));
        p.stdin.end(metrics);
      });
      // prom-client's own nodejs_active_*_total gauges draw naming warnings (exit 3): not ours.
      const ours = out.output.split('\n').filter((l) => l.trim() && !/^nodejs_active_/.test(l));
      expect(ours).toEqual([]);
      expect([0, 3]).toContain(out.code);
    },
  );

  it('turns a link offline with its reason when a server goes down, and online when it is back', async () => {
    await sim.setDown('MAIN', true);
    const down = await until('the link offline', async () => {
      const s = await status();
      return s.links[0]?.state !== 'online' ? s : undefined;
    });
    expect(down.links[0]!.reason).toMatch(/unreachable|server-unreachable|connection-lost/);
    expect(down.health.status).not.toBe('Healthy');
    await until('the link-offline notification', () =>
      notes.find((n) => n.event === 'link-offline'),
    );
    await sim.setDown('MAIN', false);
    await until('the link online again', async () =>
      (await status()).links[0]?.state === 'online' ? true : undefined,
    );
    const back = await until('the link-online notification', () =>
      notes.find((n) => n.event === 'link-online'),
    );
    expect(back.links).toEqual([{ a: 'MAIN', b: 'AUXILIARY', reason: null }]);
  });
});

describe('avnet serve as a process', { timeout: 60_000 }, () => {
  it('finishes and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(REPO, 'bin/avnet.js'),
        'serve',
        'topology.yaml',
        '--data',
        'data-sigterm',
        '--listen',
        '127.0.0.1:0',
        '--backend',
        'http',
        '--ca',
        'ca.pem',
      ],
      {
        cwd: copy.dir,
        env: { PATH: process.env.PATH, AVNET_USER: ADMIN.user, AVNET_PASSWORD: ADMIN.password },
      },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const url = await until(
      'listening',
      () => /avnet serve: (http:\/\/[^/\s]+)\//.exec(stderr)?.[1],
    );
    await until('ready', async () =>
      (await fetch(url + '/readyz')).status === 200 ? true : undefined,
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('avnet serve stopped.');
    expect(stderr).not.toContain(ADMIN.password);
  });
});
