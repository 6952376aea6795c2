/**
 * End to end with the built CLI on a copy of examples/enterprise: every link online after
 * `apply --wait`; Ctrl-C in the middle of an apply against slow servers aborts cleanly and a later
 * apply finishes the job; the emulator refuses what it cannot run.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, ENTERPRISE_SECRETS, copyExample, type TopologyCopy } from './helpers.js';
import {
  cliEnv,
  runAvnet,
  spawnAvnet,
  startSimProcess,
  waitForOutput,
  type SimProcess,
} from './cli-helpers.js';

let copy: TopologyCopy | undefined;
let sim: SimProcess | undefined;

afterEach(async () => {
  await sim?.stop();
  await copy?.cleanup();
  sim = copy = undefined;
});

const env = () => cliEnv(ENTERPRISE_SECRETS);
const SECRETS = [...Object.values(ENTERPRISE_SECRETS), ADMIN.password];

function noSecrets(...texts: string[]): void {
  for (const t of texts) for (const s of SECRETS) expect(t).not.toContain(s);
}

// Spawned processes on a busy 2-core machine: each CLI start alone can take seconds.
describe('avnet sim + http backend (examples/enterprise)', { timeout: 90_000 }, () => {
  it('brings every link online with apply --wait', async () => {
    copy = await copyExample('enterprise');
    sim = await startSimProcess(copy.file, path.join(copy.dir, 'tls'), [], env());
    const ca = path.join(copy.dir, 'tls', 'ca.pem');
    const applied = await runAvnet(
      ['apply', copy.file, '--yes', '--backend', 'http', '--ca', ca, '--wait', '30s'],
      env(),
    );
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/All 5 links are online/);
    const status = await runAvnet(
      ['status', copy.file, '--backend', 'http', '--ca', ca, '--format', 'json'],
      env(),
    );
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).links).toEqual([
      { a: 'HQ', b: 'EU', type: 'parent-child', state: 'online', error: null, reason: null },
      { a: 'HQ', b: 'US', type: 'parent-child', state: 'online', error: null, reason: null },
      { a: 'HQ', b: 'APAC', type: 'parent-child', state: 'online', error: null, reason: null },
      { a: 'EU', b: 'US', type: 'peer', state: 'online', error: null, reason: null },
      { a: 'APAC', b: 'LEGACY', type: 'parent-child', state: 'online', error: null, reason: null },
    ]);
    const stopped = await sim.stop();
    expect(stopped.code).toBe(0);
    noSecrets(
      applied.stdout,
      applied.stderr,
      status.stdout,
      status.stderr,
      stopped.stdout,
      stopped.stderr,
    );
  });

  it('aborts cleanly on SIGINT during an apply, and the next apply converges', async () => {
    copy = await copyExample('enterprise');
    sim = await startSimProcess(
      copy.file,
      path.join(copy.dir, 'tls'),
      ['--latency', '400ms'],
      env(),
    );
    const ca = path.join(copy.dir, 'tls', 'ca.pem');
    const args = ['--backend', 'http', '--ca', ca];
    const apply = spawnAvnet(['apply', copy.file, '--yes', ...args], env());
    // Interrupt once the servers have taken the first write.
    await waitForOutput(sim, /"msg":"change applied"/, 'stderr');
    apply.proc.kill('SIGINT');
    const interrupted = await apply.done;
    expect(interrupted.code).not.toBe(0);
    expect(interrupted.signal).toBeNull();
    expect(interrupted.stderr).toContain('SIGINT received');
    expect(interrupted.stderr).not.toMatch(/^\s+at /m);
    expect(interrupted.stdout).toMatch(/aborted/);

    // Every server still answers a consistent state; a new apply finishes the job.
    const plan = await runAvnet(['plan', copy.file, ...args], env());
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/Plan: \d+ to add/);
    const again = await runAvnet(['apply', copy.file, '--yes', ...args, '--wait', '30s'], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/All 5 links are online/);
    noSecrets(
      interrupted.stdout,
      interrupted.stderr,
      plan.stdout,
      again.stdout,
      again.stderr,
      sim.stderr(),
    );
  });

  it('refuses to emulate a server whose private key is missing, or without credentials', async () => {
    copy = await copyExample('enterprise');
    await rm(path.join(copy.dir, 'certs', 'EU.key'));
    const noKey = await runAvnet(
      ['sim', copy.file, '--tls-dir', path.join(copy.dir, 'tls')],
      env(),
    );
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(
      /server EU: the private key certs\/EU\.key beside certs\/EU\.pem is missing/,
    );
    const { AVNET_PASSWORD: _omit, ...withoutPassword } = env();
    const noCreds = await runAvnet(['sim', copy.file], withoutPassword);
    expect(noCreds.code).toBe(64);
    expect(noCreds.stderr).toMatch(/set AVNET_USER and AVNET_PASSWORD/);
  });
});
