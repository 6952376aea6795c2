/**
 * What avnet prints about a network is true: nothing says "valid", "No changes" or "matches"
 * about a server or file it could not read, and an apply counts the servers it skipped. Each case
 * here printed a false success before the engine's result became one closed union.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirBackend } from '../../src/backends/index.js';
import { readActualState } from '../../src/actual/index.js';
import { DEFAULT_CONCURRENCY, freshServerState, quietContext } from '../../src/model/index.js';
import type { Backend } from '../../src/backends/index.js';
import { basicYaml, makeNetwork, runCli, type TestNetwork } from './network.js';
import { expectOutcome } from '../helpers/outcome.js';
import { describeVerification } from '../../src/output/index.js';
import { createCommandEnv } from '../../src/cli/io.js';
import { formatApplyReport } from '../../src/cli/reports.js';
import type { ApplyResult, Reading } from '../../src/engine/index.js';

const PW = 'truthful-link-password-3c1f';
let net: TestNetwork;

afterEach(async () => {
  await net?.cleanup();
});

/** Three servers; AUX's state file is made unreadable (not JSON) after a first apply. */
async function networkWithBrokenServer(): Promise<TestNetwork> {
  const yaml = basicYaml(`  - parent: MAIN
    child: OPS
    password: { env: PW_MAIN_OPS }
`).replace('links:', '  OPS:\n    address: ops.example\n    certificates: [certs/OPS.pem]\nlinks:');
  net = await makeNetwork(['MAIN', 'AUX', 'OPS'], yaml, {
    PW_MAIN_AUX: PW,
    PW_MAIN_OPS: `${PW}-ops`,
  });
  expect((await net.reconcile('apply')).outcome).toBe('applied');
  await writeFile(path.join(net.state, 'AUX.json'), '{ "name": "AUX", \n broken');
  return net;
}

const FALSE_SUCCESS = /No changes|matches the topology|Apply complete/;

describe('truthful outcomes', () => {
  it('audit: a topology that does not parse is not audited as "valid (0 servers)"', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    await net.reconcile('apply');
    await net.write('apiVersion: avnet/v1\nkind: Topology\nservers: [\n');
    const r = await net.cli(['audit', 'topology.yaml', '--state', 'state']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/valid/);
    expect(r.stderr).toMatch(/topology\.yaml:\d+:\d+: error: .*\[yaml-syntax\]/);
    expect(r.stderr).toMatch(/cannot be read as a topology; nothing was audited/);
  });

  it('audit and import: a state folder that does not exist is said so, exit 1, nothing written', async () => {
    net = await makeNetwork([], '');
    const cwd = path.join(net.dir, 'work');
    await mkdir(path.join(cwd, 'empty'), { recursive: true });
    for (const state of ['nowhere', 'empty']) {
      const audit = await runCli(['audit', '--state', state], { cwd });
      expect(audit.code, state).toBe(1);
      expect(audit.stdout, state).not.toMatch(/valid/);
      expect(audit.stderr).toMatch(
        new RegExp(`no server state found in ${state} .*; nothing was audited`),
      );
      const imported = await runCli(['import', '--state', state, '--out', 'imported'], { cwd });
      expect(imported.code, state).toBe(1);
      expect(imported.stderr).toMatch(/no server state found in .*; nothing was written/);
    }
    expect(await readdir(cwd)).toEqual(['empty']);
  });

  it('plan: an unreadable server makes the plan incomplete, never "No changes", exit 1', async () => {
    await networkWithBrokenServer();
    const result = expectOutcome(await net.reconcile('plan'), 'incomplete');
    expect(result.reading.unread.map((e) => e.server)).toEqual(['AUX']);
    for (const format of ['text', 'json', 'markdown', 'runbook']) {
      const r = await net.cli(['plan', 'topology.yaml', '--format', format]);
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).not.toMatch(FALSE_SUCCESS);
      expect(r.stderr).toMatch(/incomplete: 1 server could not be read/);
      // One line, no raw newline from the file and none of its text: where, and what went wrong.
      expect(r.stderr).toMatch(
        /AUX: state file \S*AUX\.json is not valid JSON at line 2, column 2 \(expected double-quoted property name\)\n/,
      );
    }
    const saved = await net.cli(['plan', 'topology.yaml', '--out', 'plan.json']);
    expect(saved.stderr).toMatch(/not saved to plan\.json: it is incomplete/);
    await expect(readFile(path.join(net.dir, 'plan.json'))).rejects.toThrow();
  });

  it('apply with nothing to do on the servers it read, but one unread: incomplete, exit 1', async () => {
    await networkWithBrokenServer();
    const r = await net.cli(['apply', 'topology.yaml', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(FALSE_SUCCESS);
    expect(r.stderr).toMatch(/nothing was applied: .* 1 could not be read/);
  });

  it('apply counts the server it could not read: "failed", not "Apply complete"', async () => {
    await networkWithBrokenServer();
    await net.write(
      (await readFile(net.file, 'utf8')).replace(
        '    password: { env: PW_MAIN_OPS }',
        '    password: { env: PW_MAIN_OPS }\n    encryption: yes',
      ),
    );
    const result = expectOutcome(await net.reconcile('apply'), 'failed');
    expect(result.apply.failed).toBe(0);
    expect(result.reading.unread.map((e) => e.server)).toEqual(['AUX']);
    await net.write(
      (await readFile(net.file, 'utf8')).replace('encryption: yes', 'encryption: no'),
    );
    const r = await net.cli(['apply', 'topology.yaml', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(FALSE_SUCCESS);
    expect(r.stdout).toMatch(/AUX +not read +state file/);
    expect(r.stdout).toMatch(
      /Apply finished with failures: 2 servers applied \(2 writes\), 1 could not be read/,
    );
    const json = await net.cli(['apply', 'topology.yaml', '--yes', '--format', 'json']);
    const report = JSON.parse(json.stdout) as {
      outcome: string;
      failed: number;
      unread: unknown[];
    };
    expect(report).toMatchObject({ outcome: 'incomplete', failed: 1 });
    expect(report.unread).toHaveLength(1);
  });

  it('apply says in words when it removed a stale lock of a process that is gone', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    await mkdir(net.state, { recursive: true });
    const dead = {
      id: 'lock-of-a-dead-process',
      owner: 'someone@here',
      operation: 'apply',
      startedAt: '2026-11-30T10:00:00.000Z',
      pid: 2 ** 22 + 17, // beyond pid_max: never a running process
      hostname: (await import('node:os')).hostname(),
    };
    await writeFile(path.join(net.state, '.avnet.lock'), JSON.stringify(dead));
    const r = await net.cli(['apply', 'topology.yaml', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /avnet: removed a stale lock: someone@here \(pid \d+ on .*\) held it for "apply" since 2026-11-30T10:00:00.000Z, and that process is no longer running/,
    );
  });

  it('a read-back after the apply that fails is named, server and cause, and the apply fails', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    let wrote = false;
    const result = await net.reconcile('apply', {
      backend: async (endpoints) => {
        const dir = new DirBackend({ dir: net.state, endpoints });
        return Object.assign(Object.create(dir) as DirBackend, {
          applyChange: (...args: Parameters<DirBackend['applyChange']>) => {
            wrote = true;
            return dir.applyChange(...args);
          },
          readServer: (name: string, ctx: Parameters<DirBackend['readServer']>[1]) =>
            wrote && name === 'AUX'
              ? Promise.reject(new Error('AUX answered HTTP 503 on the read-back'))
              : dir.readServer(name, ctx),
        });
      },
    });
    const failed = expectOutcome(result, 'failed');
    expect(failed.apply.failed).toBe(0);
    expect(failed.verify.status).toBe('unverified');
    const lines = describeVerification(failed.verify);
    expect(lines).toEqual([
      'Not verified: 1 server could not be read back after the apply:',
      '  AUX: AUX answered HTTP 503 on the read-back',
    ]);
    expect(lines.join('\n')).not.toMatch(/0 change\(s\) remain/);
  });

  it('does not call servers that needed no write "applied" (was "5 servers applied, 0 writes")', () => {
    const env = createCommandEnv(
      {
        stdout: { write: () => true },
        stderr: { write: () => true },
        stdin: process.stdin,
        env: {},
        cwd: '/',
      },
      { color: false },
      new AbortController().signal,
    );
    const reading = {
      desired: new Map(),
      actual: new Map(),
      unread: [],
      plan: { changes: [] },
      backend: { type: 'dir', describeServer: (s: string) => s },
    } as unknown as Reading;
    const text = formatApplyReport(
      {
        outcome: 'applied',
        reading,
        after: reading,
        staleLockRemoved: null,
        verify: { status: 'converged' },
        apply: {
          servers: ['A', 'B', 'C'].map((server) => ({
            server,
            status: 'unchanged' as const,
            writes: 0,
            changes: 1,
            revision: 4,
          })),
          writes: 0,
          failed: 0,
        },
      } as unknown as ApplyResult,
      env,
    );
    expect(text).toContain('Apply complete: 0 servers applied (0 writes), 3 needed no write.');
  });

  it('reads at most DEFAULT_CONCURRENCY servers at once unless told otherwise', async () => {
    let inFlight = 0;
    let peak = 0;
    const backend = {
      ...new DirBackend({ dir: '/nonexistent-avnet-test' }),
      type: 'counting',
      listServers: async () => [],
      readServer: async (name: string) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return freshServerState(name, 13);
      },
    } as unknown as Backend;
    const names = Array.from({ length: 40 }, (_, i) => `S${i}`);
    await readActualState(backend, { servers: names }, quietContext());
    expect(peak).toBe(DEFAULT_CONCURRENCY);
  });
});
