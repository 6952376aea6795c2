/**
 * `avnet watch --backend http` against emulated servers: one backend (and keep-alive connections)
 * for the whole watch, not a new one per cycle (which grew sockets and file descriptors without
 * bound); a quiet drift check prints one line; a server that cannot be read is never "No changes".
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, eventually, simulate, type TopologyCopy } from '../sim/helpers.js';
import { cliEnv, spawnAvnet, type Running } from '../sim/cli-helpers.js';
import type { Simulation } from '../../src/sim/index.js';
import { writeFile } from 'node:fs/promises';

let copy: TopologyCopy;
let sim: Simulation;
const running: Running[] = [];

beforeAll(async () => {
  copy = await copyExample('basic');
  sim = await simulate(copy.file);
  await writeFile(path.join(copy.dir, 'ca.pem'), sim.caPem);
}, 60_000);

afterAll(async () => {
  for (const r of running) {
    r.proc.kill('SIGTERM');
    await r.done;
  }
  await sim?.stop();
  await copy?.cleanup();
});

function apiConnections(): number {
  return [...sim.servers.values()].reduce((n, s) => n + s.apiConnections, 0);
}

function cycleLines(r: Running): { cycle: number; outcome: string }[] {
  return r
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { cycle: number; outcome: string });
}

describe('avnet watch --backend http', { timeout: 120_000 }, () => {
  it('keeps one backend for the whole watch: no new connections cycle after cycle', async () => {
    const run = spawnAvnet(
      [
        'watch',
        'topology.yaml',
        '--apply',
        '--backend',
        'http',
        '--ca',
        'ca.pem',
        '--interval',
        '1s',
        '--format',
        'json',
      ],
      cliEnv(),
      copy.dir,
    );
    running.push(run);
    await eventually(() => (cycleLines(run).length >= 3 ? true : undefined), 60_000, 'cycle 3');
    const early = apiConnections();
    const earlyCycle = cycleLines(run).length;
    await eventually(
      () => (cycleLines(run).length >= earlyCycle + 5 ? true : undefined),
      60_000,
      '5 more cycles',
    );
    const late = apiConnections();
    // Each cycle reads both servers; a backend per cycle opened at least one new connection per
    // server per cycle. One kept backend reuses its keep-alive connections.
    expect(
      late - early,
      `connections: ${early} after cycle ${earlyCycle}, ${late} later`,
    ).toBeLessThanOrEqual(2);
    expect(cycleLines(run).every((c) => c.outcome === 'applied' || c.outcome === 'in-sync')).toBe(
      true,
    );
    run.proc.kill('SIGTERM');
    const done = await run.done;
    expect(done.code).toBe(0);
  });

  it('prints a one-line heartbeat for a quiet drift check', async () => {
    const run = spawnAvnet(
      ['watch', 'topology.yaml', '--backend', 'http', '--ca', 'ca.pem', '--interval', '1s'],
      cliEnv(),
      copy.dir,
    );
    running.push(run);
    await eventually(
      () =>
        /cycle 3 \(interval\): in sync, 2 servers read; next check at/.test(run.stdout())
          ? true
          : undefined,
      60_000,
      'a heartbeat line',
    );
    // The full block ("=== ... ===" and the plan) is printed for the start cycle only.
    expect(run.stdout().match(/===/g)?.length).toBe(2);
    expect(run.stdout().match(/No changes/g)?.length).toBe(1);
    run.proc.kill('SIGTERM');
    await run.done;
  });

  it('never says "No changes" while a server cannot be read', async () => {
    const run = spawnAvnet(
      ['watch', 'topology.yaml', '--backend', 'http', '--ca', 'ca.pem', '--interval', '1s'],
      cliEnv({ AVNET_PASSWORD: 'not-the-admin-password' }),
      copy.dir,
    );
    running.push(run);
    await eventually(
      () =>
        /cycle 1/.test(run.stdout()) &&
        /refused the administrator credentials|could not be read/.test(run.stderr())
          ? true
          : undefined,
      60_000,
      'the first cycle',
    );
    expect(run.stdout()).not.toMatch(/No changes|matches the topology/);
    run.proc.kill('SIGTERM');
    await run.done;
  });
});
