/**
 * Files that are not regular files, named where avnet expects one: a FIFO, a character device,
 * /dev/zero, a socket. Every command must answer at once with a diagnostic (or a clear error)
 * naming the path and what it is, never hang (the bug: a FIFO hung validate and plan, deaf to
 * SIGINT and SIGTERM) and never read without bound (the bug: /dev/zero as a password grew to
 * gigabytes). The CLI runs in its own process, killed with SIGKILL if it overruns.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IS_ROOT, copyBasic, mkfifo, mknodZero, runBounded, type BoundedRun } from './helpers.js';

const SIM_ENV = { AVNET_USER: 'admin', AVNET_PASSWORD: 'hostile-admin-password-51c2' };
const LINK_PASSWORD = 'hostile-link-password-9e0d';

/** A copy of examples/basic per test, so each can put its own special file in place. */
const copies: { cleanup(): Promise<void> }[] = [];
async function basic(): Promise<string> {
  const copy = await copyBasic();
  copies.push(copy);
  await writeFile(path.join(copy.dir, 'secrets', 'main-auxiliary'), LINK_PASSWORD + '\n');
  return copy.dir;
}

/** Replaces a file of the copy by a FIFO. */
async function fifoAt(dir: string, rel: string): Promise<void> {
  await rm(path.join(dir, rel), { force: true });
  mkfifo(path.join(dir, rel));
}

/** Replaces a file of the copy by a character device (root only). */
async function deviceAt(dir: string, rel: string): Promise<void> {
  await rm(path.join(dir, rel), { force: true });
  mknodZero(path.join(dir, rel));
}

async function setTopologyPassword(dir: string, ref: string): Promise<void> {
  const file = path.join(dir, 'topology.yaml');
  const yaml = await readFile(file, 'utf8');
  await writeFile(file, yaml.replace('{ file: secrets/main-auxiliary }', ref));
}

/** The contract every refusal keeps: quick, exit 1, no crash, no secret, the expected lines. */
function expectRefused(r: BoundedRun, ...patterns: RegExp[]): void {
  const all = r.stdout + r.stderr;
  expect(r.killed, `killed for ${r.killed}\n${all}`).toBeUndefined();
  expect(r.code, all).toBe(1);
  expect(all).not.toMatch(/^\s+at /m);
  expect(all).not.toContain(LINK_PASSWORD);
  for (const p of patterns) expect(all).toMatch(p);
}

afterAll(async () => {
  for (const c of copies) await c.cleanup();
});

// Spawned processes on a busy machine: a CLI start alone can take seconds. A hang is killed after 30 s.
const RUN = { timeoutMs: 30_000 };

describe.concurrent('files that are not regular files', { timeout: 60_000 }, () => {
  it('validate: a FIFO as a certificate is a diagnostic naming the path and "FIFO"', async () => {
    const dir = await basic();
    await fifoAt(dir, 'certs/MAIN.pem');
    const r = await runBounded(['validate', 'topology.yaml'], { cwd: dir, ...RUN });
    expectRefused(
      r,
      /certificate file certs\/MAIN\.pem of MAIN is a FIFO, not a regular file \[certificate-invalid\]/,
    );
  });

  it('validate --secrets and plan: a FIFO certificate and a FIFO { file: } password, both named', async () => {
    const dir = await basic();
    await fifoAt(dir, 'certs/MAIN.pem');
    await fifoAt(dir, 'secrets/main-auxiliary');
    for (const args of [
      ['validate', 'topology.yaml', '--secrets'],
      ['plan', 'topology.yaml'],
    ]) {
      const r = await runBounded(args, { cwd: dir, ...RUN });
      expectRefused(
        r,
        /certs\/MAIN\.pem of MAIN is a FIFO, not a regular file/,
        /secret file secrets\/main-auxiliary is a FIFO, not a regular file \[secret-unresolved\]/,
      );
    }
  });

  it('validate: the topology file itself a FIFO, or /dev/zero', async () => {
    const dir = await basic();
    mkfifo(path.join(dir, 'pipe.yaml'));
    expectRefused(
      await runBounded(['validate', 'pipe.yaml'], { cwd: dir, ...RUN }),
      /pipe\.yaml is a FIFO, not a regular file/,
    );
    expectRefused(
      await runBounded(['validate', '/dev/zero'], { cwd: dir, ...RUN }),
      /\/dev\/zero is a character device, not a regular file/,
    );
  });

  it.runIf(IS_ROOT)(
    'plan: a character device (mknod c 1 5) as the password file, no memory growth (root: mknod)',
    async () => {
      const dir = await basic();
      await deviceAt(dir, 'secrets/main-auxiliary');
      const r = await runBounded(['plan', 'topology.yaml'], { cwd: dir, ...RUN });
      expectRefused(
        r,
        /secret file secrets\/main-auxiliary is a character device, not a regular file/,
      );
      expect(r.maxRssBytes).toBeLessThan(512 * 1024 * 1024);
    },
  );

  it('plan --allow-outside-root: { file: /dev/zero } as the password, no memory growth', async () => {
    const dir = await basic();
    await setTopologyPassword(dir, '{ file: /dev/zero }');
    const r = await runBounded(['plan', 'topology.yaml', '--allow-outside-root'], {
      cwd: dir,
      ...RUN,
    });
    expectRefused(r, /secret file \/dev\/zero is a character device, not a regular file/);
    expect(r.maxRssBytes).toBeLessThan(512 * 1024 * 1024);
  });

  it('validate --allow-outside-root: /dev/zero as a certificate', async () => {
    const dir = await basic();
    const file = path.join(dir, 'topology.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('[certs/MAIN.pem]', '[/dev/zero]'),
    );
    const r = await runBounded(['validate', 'topology.yaml', '--allow-outside-root'], {
      cwd: dir,
      ...RUN,
    });
    expectRefused(r, /certificate file \/dev\/zero of MAIN is a character device/);
  });

  it('plan: a FIFO as a dir-backend state file is an error naming it', async () => {
    const dir = await basic();
    await mkdir(path.join(dir, 'state'));
    mkfifo(path.join(dir, 'state', 'MAIN.json'));
    const r = await runBounded(['plan', 'topology.yaml', '--state', 'state'], {
      cwd: dir,
      env: { AVNET_LOG_LEVEL: 'error' },
      ...RUN,
    });
    expectRefused(r, /state[/\\]MAIN\.json is a FIFO, not a regular file/);
  });

  it('apply: a FIFO as the lock file is refused, naming it', async () => {
    const dir = await basic();
    await mkdir(path.join(dir, 'state'));
    mkfifo(path.join(dir, 'state', '.avnet.lock'));
    const r = await runBounded(['apply', 'topology.yaml', '--state', 'state', '--yes'], {
      cwd: dir,
      ...RUN,
    });
    expectRefused(r, /\.avnet\.lock is a FIFO, not a regular file/);
  });

  it('sim: a FIFO as the private key X.key beside X.pem is refused', async () => {
    const dir = await basic();
    await fifoAt(dir, 'certs/MAIN.key');
    const r = await runBounded(['sim', 'topology.yaml', '--tls-dir', 'tls'], {
      cwd: dir,
      env: SIM_ENV,
      ...RUN,
    });
    expectRefused(r, /server MAIN: the private key certs\/MAIN\.key is a FIFO, not a regular file/);
  });

  it('sim --state: a FIFO as a seed state file is refused', async () => {
    const dir = await basic();
    await mkdir(path.join(dir, 'state'));
    mkfifo(path.join(dir, 'state', 'AUXILIARY.json'));
    const r = await runBounded(['sim', 'topology.yaml', '--tls-dir', 'tls', '--state', 'state'], {
      cwd: dir,
      env: SIM_ENV,
      ...RUN,
    });
    expectRefused(r, /state file .*AUXILIARY\.json is a FIFO, not a regular file/);
  });

  it('apply PLANFILE: a FIFO named as the plan to apply is refused, naming it', async () => {
    const dir = await basic();
    mkfifo(path.join(dir, 'plan.json'));
    const r = await runBounded(['apply', 'plan.json', '--yes'], { cwd: dir, ...RUN });
    expectRefused(r, /plan\.json is a FIFO, not a regular file/);
  });

  it('certs generate --key: a FIFO as the existing key is refused, naming it', async () => {
    const dir = await basic();
    mkfifo(path.join(dir, 'old.key'));
    const r = await runBounded(['certs', 'generate', 'OLD', '--key', 'old.key', '--out', 'out'], {
      cwd: dir,
      ...RUN,
    });
    expect(r.killed, r.stderr).toBeUndefined();
    expect(r.stderr).toMatch(/cannot read --key old\.key: is a FIFO, not a regular file/);
    expect(r.code).toBe(64);
  });
});
