/**
 * `avnet watch` end to end: the compiled CLI in a child process, a real state folder, the topology
 * edited in place and by rename, broken and fixed, the state edited by hand, then SIGTERM/SIGINT.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ENV_SECRET,
  ENV_SECRET_NAME,
  FILE_SECRET,
  readState,
  saveByRename,
  spawnAvnet,
  tempNetwork,
  topologyYaml,
  waitFor,
  type RunningAvnet,
} from './network-fixture.js';

interface CycleLine {
  cycle: number;
  trigger: string;
  files: string[];
  outcome: string;
  changes: number;
  applied: boolean;
  nextRunAt: string | null;
  plan: { summary: { add: number; change: number } } | null;
}

const dirs: string[] = [];
const children: RunningAvnet[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await c.exited;
  }
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function cycles(run: RunningAvnet): CycleLine[] {
  return run
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as CycleLine);
}

function logLines(run: RunningAvnet): Record<string, unknown>[] {
  return run
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function revisions(stateDir: string): Promise<number[]> {
  return Promise.all(
    ['MAIN', 'AUX1', 'AUX2'].map(async (s) => (await readState(stateDir, s)).revision),
  );
}

describe('avnet watch (CLI)', { timeout: 120_000 }, () => {
  it('applies edits in place and by rename, keeps the last good state on a broken save, heals drift, exits 0 on SIGTERM', async () => {
    const dir = await tempNetwork('avnet-watch-cli-');
    dirs.push(dir);
    const file = path.join(dir, 'topology.yaml');
    const stateDir = path.join(dir, 'state');
    const run = spawnAvnet(
      ['watch', '--apply', '--format', 'json', '--interval', '1s', '--debounce', '200'],
      dir,
      { [ENV_SECRET_NAME]: ENV_SECRET },
    );
    children.push(run);
    const nth = (n: number, what: string, pred: (c: CycleLine) => boolean = () => true) =>
      waitFor(what, () => cycles(run).find((c) => c.cycle >= n && pred(c)), 30_000);

    const start = await nth(1, 'the start cycle');
    expect(start).toMatchObject({ trigger: 'start', outcome: 'applied', applied: true });
    let lastSeen = start.cycle;

    // In place.
    await writeFile(file, topologyYaml({ aux1Encryption: 'yes' }));
    const inPlace = await nth(lastSeen + 1, 'the in-place edit', (c) => c.trigger === 'change');
    expect(inPlace).toMatchObject({ files: ['topology.yaml'], outcome: 'applied', changes: 2 });
    lastSeen = inPlace.cycle;
    const afterInPlace = await revisions(stateDir);

    // By rename.
    await saveByRename(file, topologyYaml({ aux1Encryption: 'yes', aux2SyncPeriod: '2h' }));
    const renamed = await nth(lastSeen + 1, 'the renamed save', (c) => c.trigger === 'change');
    expect(renamed).toMatchObject({ files: ['topology.yaml'], outcome: 'applied', changes: 2 });
    const afterRename = await revisions(stateDir);
    expect(afterRename).toEqual([afterInPlace[0]! + 1, afterInPlace[1], afterInPlace[2]! + 1]);
    lastSeen = renamed.cycle;

    // Broken: diagnostics on stderr, nothing applied, interval cycles keep their hands off.
    await writeFile(file, topologyYaml({ aux1Encryption: 'no' }) + 'links: [\n');
    const broken = await nth(lastSeen + 1, 'the broken save', (c) => c.outcome === 'invalid');
    expect(broken).toMatchObject({ trigger: 'change', applied: false, plan: null });
    await waitFor('diagnostics on stderr', () =>
      /topology\.yaml:\d+:\d+: error: .*\[yaml-syntax\]/.test(run.stderr()),
    );
    expect(run.stderr()).toContain('nothing was applied');
    await nth(broken.cycle + 1, 'an interval cycle while broken', (c) => c.trigger === 'interval');
    expect(await revisions(stateDir)).toEqual(afterRename);
    lastSeen = cycles(run).at(-1)!.cycle;

    // Fixed by rename: applied.
    await saveByRename(file, topologyYaml({ aux1Encryption: 'no', aux2SyncPeriod: '2h' }));
    const fixed = await nth(lastSeen + 1, 'the fix', (c) => c.trigger === 'change');
    expect(fixed).toMatchObject({ outcome: 'applied', changes: 2 });
    lastSeen = fixed.cycle;

    // Someone edits a server's state by hand: the next interval cycle heals it.
    const auxFile = path.join(stateDir, 'AUX2.json');
    const aux2 = JSON.parse(await readFile(auxFile, 'utf8')) as {
      neighbors: { name: string; compression: string }[];
    };
    aux2.neighbors.find((n) => n.name === 'MAIN')!.compression = 'no';
    await writeFile(auxFile, JSON.stringify(aux2, null, 2));
    const healed = await nth(
      lastSeen + 1,
      'the drift to be healed',
      (c) => c.trigger === 'interval' && c.outcome === 'applied',
    );
    expect(healed.changes).toBe(1);
    expect(
      (await readState(stateDir, 'AUX2')).neighbors.find((n) => n.name === 'MAIN'),
    ).toMatchObject({ compression: 'possible' });

    // One structured log line per cycle, at info, without asking for it.
    const logs = logLines(run).filter((l) => l.msg === 'watch cycle');
    expect(logs.length).toBe(cycles(run).length);
    expect(logs[1]).toMatchObject({
      level: 30,
      trigger: 'change',
      files: ['topology.yaml'],
      changes: 2,
      applied: true,
      outcome: 'applied',
    });
    expect(typeof logs[1]!.durationMs).toBe('number');
    expect(typeof logs[1]!.nextRunAt).toBe('string');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(existsSync(path.join(stateDir, '.avnet.lock'))).toBe(false);
    for (const s of ['MAIN', 'AUX1', 'AUX2']) await readState(stateDir, s);
    const all = run.stdout() + run.stderr();
    expect(all).not.toContain(FILE_SECRET);
    expect(all).not.toContain(ENV_SECRET);
    expect(run.stderr()).toMatch(/avnet watch stopped after \d+ cycles/);
  });

  it('prints the plan as text on each change and exits 0 on SIGINT', async () => {
    const dir = await tempNetwork('avnet-watch-cli-');
    dirs.push(dir);
    const run = spawnAvnet(['watch', '--interval', 'off'], dir, {
      [ENV_SECRET_NAME]: ENV_SECRET,
    });
    children.push(run);
    await waitFor('the first plan', () => run.stdout().includes('Plan: 4 to add'), 30_000);
    expect(run.stdout()).toMatch(/=== \d\d:\d\d:\d\d cycle 1 \(start\) ===/);
    expect(run.stderr()).toContain('Watching 5 files');
    await writeFile(path.join(dir, 'topology.yaml'), topologyYaml({ aux1Encryption: 'no' }));
    await waitFor(
      'the second plan',
      () => /cycle 2 \(change: topology\.yaml\)/.test(run.stdout()),
      30_000,
    );
    await waitFor(
      'the second plan summary',
      () => run.stdout().split('Plan: 4 to add').length === 3,
    );
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(existsSync(path.join(dir, 'state'))).toBe(false); // plan only: nothing written
    expect(run.stdout() + run.stderr()).not.toContain(FILE_SECRET);
  });

  it('exits 0 on SIGTERM in the middle of a cycle, with the lock released', async () => {
    const dir = await tempNetwork('avnet-watch-cli-');
    dirs.push(dir);
    const stateDir = path.join(dir, 'state');
    const run = spawnAvnet(['watch', '--apply', '--format', 'json', '--debounce', '0'], dir, {
      [ENV_SECRET_NAME]: ENV_SECRET,
    });
    children.push(run);
    await waitFor('the start cycle', () => cycles(run).length >= 1, 30_000);
    // Save and signal at once: the signal lands while the cycle runs (or just before it).
    await writeFile(path.join(dir, 'topology.yaml'), topologyYaml({ aux1Encryption: 'yes' }));
    await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(existsSync(path.join(stateDir, '.avnet.lock'))).toBe(false);
    for (const s of ['MAIN', 'AUX1', 'AUX2']) await readState(stateDir, s);
  });

  it('refuses a missing topology file and bad flag values as usage errors', async () => {
    const dir = await tempNetwork('avnet-watch-cli-');
    dirs.push(dir);
    const missing = spawnAvnet(['watch', 'nope.yaml'], dir);
    expect(await missing.exited).toBe(64);
    expect(missing.stderr()).toContain('nope.yaml does not exist');
    const bad = spawnAvnet(['watch', '--interval', 'soon'], dir);
    expect(await bad.exited).toBe(64);
  });
});
