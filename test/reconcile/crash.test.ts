/**
 * kill -9 during apply: every state file stays valid JSON at any moment, the dead process's lock
 * is recognised as stale, and the next apply converges.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerState } from '../../src/backends/index.js';
import { makeNetwork, runCli, type TestNetwork } from './network.js';
import { writeFastCertificates } from './fast-certs.js';
import { planOf } from '../helpers/outcome.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/avnet.js');
const SERVERS = 120;
let net: TestNetwork;

function treeTopology(n: number): { yaml: string; env: Record<string, string>; names: string[] } {
  const names = Array.from({ length: n }, (_, i) => `S${String(i).padStart(3, '0')}`);
  const env: Record<string, string> = {};
  const servers = names.map(
    (s, i) =>
      `  ${s}: { address: "10.1.${Math.floor(i / 200)}.${(i % 200) + 1}", certificates: [certs/${s}.pem] }`,
  );
  const links = names.slice(1).map((s, i) => {
    const parent = names[Math.floor(i / 4)]!;
    env[`PW_${s}`] = `crash-test-password-${s}`;
    return `  - { parent: ${parent}, child: ${s}, password: { env: PW_${s} } }`;
  });
  return {
    yaml: `apiVersion: avnet/v1\nkind: Topology\nservers:\n${servers.join('\n')}\nlinks:\n${links.join('\n')}\n`,
    env,
    names,
  };
}

async function stateFilesAreValid(dir: string): Promise<number> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter(
    (f) => f.endsWith('.json') && !f.startsWith('.'),
  );
  for (const f of files) {
    const parsed = parseServerState(await readFile(path.join(dir, f), 'utf8'));
    if (!parsed.ok) throw new Error(`${f} is not valid after kill -9: ${parsed.reason}`);
  }
  return files.length;
}

beforeAll(async () => {
  const { yaml, env, names } = treeTopology(SERVERS);
  net = await makeNetwork([], yaml, env);
  await writeFastCertificates(net.dir, names);
});
afterAll(async () => net?.cleanup());

describe('crash safety', () => {
  it('survives kill -9 at any moment and the next apply converges', async () => {
    const kills = [5, 40, 90, 150, 240];
    for (const threshold of kills) {
      const child = spawn(
        process.execPath,
        [BIN, 'apply', 'topology.yaml', '--yes', '--concurrency', '4'],
        {
          cwd: net.dir,
          env: { ...process.env, ...net.env },
          stdio: 'ignore',
        },
      );
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      // Kill once the apply has made some progress (counted by files written so far).
      for (;;) {
        const written = (await readdir(net.state).catch(() => [] as string[])).length;
        if (written >= Math.min(threshold, SERVERS) || child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill('SIGKILL');
      await exited;
      await stateFilesAreValid(net.state);
    }
    const final = await runCli(['apply', 'topology.yaml', '--yes'], { cwd: net.dir, env: net.env });
    expect(final.stderr).not.toMatch(/^\s+at /m);
    expect(final.code).toBe(0);
    expect(await stateFilesAreValid(net.state)).toBe(SERVERS);
    const plan = await net.reconcile('plan');
    expect(planOf(plan).changes).toEqual([]);
    const again = await runCli(['apply', 'topology.yaml', '--yes', '--format', 'json'], {
      cwd: net.dir,
      env: net.env,
    });
    expect(JSON.parse(again.stdout).writes).toBe(0);
  }, 120_000);
});
