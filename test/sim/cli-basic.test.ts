/**
 * End to end with the built CLI on a copy of examples/basic: `avnet sim` in its own process,
 * `apply --wait`, `status` and `plan` with the http backend over real TLS; refused credentials and
 * CAs; a wrong address shown as an offline link with its reason; no secret in any output.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, copyExample, freePorts, type TopologyCopy } from './helpers.js';
import {
  cliEnv,
  runAvnet,
  startSimProcess,
  type RunResult,
  type SimProcess,
} from './cli-helpers.js';

let copy: TopologyCopy;
let sim: SimProcess;
let ca: string;
let linkPassword: string;
const outputs: RunResult[] = [];

async function avnet(args: string[], env = cliEnv()): Promise<RunResult> {
  const r = await runAvnet(args, env);
  outputs.push(r);
  return r;
}

function http(...args: string[]): string[] {
  return [...args, '--backend', 'http', '--ca', ca];
}

beforeAll(async () => {
  copy = await copyExample('basic');
  linkPassword = (await readFile(path.join(copy.dir, 'secrets/main-auxiliary'), 'utf8')).trim();
  sim = await startSimProcess(copy.file, path.join(copy.dir, 'tls'));
  ca = path.join(copy.dir, 'tls', 'ca.pem');
}, 60_000);

afterAll(async () => {
  const stopped = await sim?.stop();
  await copy?.cleanup();
  if (stopped) {
    // The emulator ends cleanly on SIGINT, and neither it nor any command printed a secret.
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('emulated servers stopped');
    for (const r of [...outputs, stopped]) {
      for (const secret of [linkPassword, ADMIN.password]) {
        expect(r.stdout).not.toContain(secret);
        expect(r.stderr).not.toContain(secret);
      }
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  }
}, 60_000);

// Spawned processes on a busy 2-core machine: each CLI start alone can take seconds.
describe('avnet sim + http backend (examples/basic)', { timeout: 90_000 }, () => {
  it('prints one readiness line per server and a final ready line', () => {
    const out = sim.stdout();
    expect(out).toMatch(
      /^MAIN\s+server protocol 127\.0\.0\.1:\d+\s+management API https:\/\/127\.0\.0\.1:\d+$/m,
    );
    expect(out).toMatch(/^AUXILIARY\s+server protocol/m);
    expect(out).toMatch(/^ready: 2 servers; CA certificate .*ca\.pem/m);
    // The sim logs what it does as JSON lines on stderr.
    expect(sim.stderr()).toMatch(/"msg":"server listening"/);
  });

  it('applies with --wait until the link is online, then status and plan agree', async () => {
    const applied = await avnet(http('apply', copy.file, '--yes', '--wait', '20s'));
    expect(applied.stderr).toBe(applied.stderr); // keep for the secret scan
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Apply complete: 2 servers applied (6 writes).');
    expect(applied.stdout).toMatch(/The link is online/);

    const json = await avnet(http('status', copy.file, '--format', 'json'));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      links: [
        {
          a: 'MAIN',
          b: 'AUXILIARY',
          type: 'parent-child',
          state: 'online',
          error: null,
          reason: null,
        },
      ],
    });
    const text = await avnet(http('status', copy.file));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/MAIN -> AUXILIARY\s+online/);

    const plan = await avnet(http('plan', copy.file, '--detailed-exitcode'));
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes.');
    // The servers' log says the link came up on both sides.
    expect(sim.stderr()).toMatch(
      /"server":"AUXILIARY","neighbor":"MAIN","role":"dialer","msg":"link online"/,
    );
    expect(sim.stderr()).toMatch(
      /"server":"MAIN","neighbor":"AUXILIARY","role":"acceptor","msg":"link online"/,
    );
  });

  it('refuses wrong administrator credentials without retrying', async () => {
    const env = cliEnv({ AVNET_PASSWORD: 'not-the-admin-password' });
    const plan = await avnet(http('plan', copy.file), env);
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(
      /refused the administrator credentials \(HTTP 401\); check AVNET_USER and AVNET_PASSWORD/,
    );
    expect(plan.stderr).not.toMatch(/retrying/);
    const status = await avnet(http('status', copy.file), env);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/refused the administrator credentials/);
    expect(status.stdout + status.stderr).not.toContain('not-the-admin-password');
  });

  it('refuses a certificate it cannot verify unless --insecure is given', async () => {
    const untrusted = await avnet(['status', copy.file, '--backend', 'http']);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/TLS certificate is not trusted \(\w+\); pass --ca FILE/);
    const wrongCa = await avnet([
      'plan',
      copy.file,
      '--backend',
      'http',
      '--ca',
      path.join(copy.dir, 'certs/MAIN.pem'),
    ]);
    expect(wrongCa.code).toBe(1);
    expect(wrongCa.stdout + wrongCa.stderr).toMatch(/not trusted/);
    const insecure = await avnet(['status', copy.file, '--backend', 'http', '--insecure']);
    expect(insecure.code).toBe(0);
  });

  it('shows a wrong address as an offline link with its reason, and --wait fails with it', async () => {
    const [closed] = await freePorts(1);
    const original = await readFile(copy.file, 'utf8');
    await copy.edit((y) =>
      y.replace(
        '    password: { file: secrets/main-auxiliary }',
        `    password: { file: secrets/main-auxiliary }\n    address: 127.0.0.1:${closed}`,
      ),
    );
    try {
      const applied = await avnet(http('apply', copy.file, '--yes', '--wait', '2s'));
      expect(applied.code).toBe(1);
      expect(applied.stdout).toContain('Apply complete');
      expect(applied.stdout).toMatch(/Timed out after \d/);
      expect(applied.stdout).toMatch(
        new RegExp(
          `MAIN -> AUXILIARY\\s+offline\\s+unreachable: connect ECONNREFUSED 127\\.0\\.0\\.1:${closed}`,
        ),
      );

      const json = await avnet(http('status', copy.file, '--format', 'json'));
      expect(json.code).toBe(1);
      const link = JSON.parse(json.stdout).links[0];
      expect(link).toMatchObject({ a: 'MAIN', b: 'AUXILIARY', state: 'offline' });
      expect(link.error).toBe(`unreachable: connect ECONNREFUSED 127.0.0.1:${closed}`);
    } finally {
      await copy.edit(() => original);
    }
    const repaired = await avnet(http('apply', copy.file, '--yes', '--wait', '20s'));
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/The link is online/);
  });
});
