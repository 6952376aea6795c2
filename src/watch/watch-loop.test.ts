import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirBackend, LOCK_FILE } from '../backends/index.js';
import { reconcileOnce, type ReconcileResult } from '../engine/index.js';
import { quietContext, type Context } from '../model/index.js';
import {
  ENV_SECRET,
  ENV_SECRET_NAME,
  networkCerts,
  readState,
  saveByRename,
  spareCertificate,
  tempNetwork,
  topologyYaml,
  waitFor,
} from '../../test/watch/network-fixture.js';
import {
  reconcileWith,
  watchTopology,
  type WatchCycle,
  type WatchOptions,
  type WatchReconcile,
  type WatchSummary,
} from './watch-loop.js';

interface Running {
  readonly dir: string;
  readonly file: string;
  readonly stateDir: string;
  readonly cycles: WatchCycle[];
  readonly skips: string[][];
  stop(): Promise<WatchSummary>;
  readonly done: Promise<WatchSummary>;
}

const dirs: string[] = [];
const stops: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function realReconcile(file: string, stateDir: string): WatchReconcile {
  return reconcileWith({
    file,
    env: { [ENV_SECRET_NAME]: ENV_SECRET },
    backend: async (endpoints) => new DirBackend({ dir: stateDir, endpoints }),
  });
}

async function startWatch(
  opts: Partial<WatchOptions> & { wrap?: (inner: WatchReconcile) => WatchReconcile } = {},
  dir?: string,
): Promise<Running> {
  const folder = dir ?? (await tempNetwork('avnet-watch-'));
  if (!dir) dirs.push(folder);
  const file = path.join(folder, 'topology.yaml');
  const stateDir = path.join(folder, 'state');
  const cycles: WatchCycle[] = [];
  const skips: string[][] = [];
  const abort = new AbortController();
  const ctx: Context = quietContext({ signal: abort.signal });
  const inner = realReconcile(file, stateDir);
  const done = watchTopology(
    {
      file,
      apply: true,
      debounceMs: 150,
      intervalMs: 0,
      reconcile: opts.wrap ? opts.wrap(inner) : inner,
      onCycle: (c) => void cycles.push(c),
      onSkip: (files) => void skips.push([...files]),
      ...opts,
    },
    ctx,
  );
  const stop = async () => {
    abort.abort();
    return done;
  };
  stops.push(stop);
  await waitFor('the start cycle', () => cycles.length >= 1);
  return { dir: folder, file, stateDir, cycles, skips, stop, done };
}

function cycleAfter(run: Running, n: number): Promise<WatchCycle> {
  return waitFor(`cycle ${n + 1}`, () => run.cycles[n]);
}

describe('watchTopology', () => {
  it('applies on start, then applies an in-place edit as exactly that change', async () => {
    const run = await startWatch();
    expect(run.cycles[0]).toMatchObject({ trigger: 'start', outcome: 'applied', applied: true });
    const before = {
      MAIN: (await readState(run.stateDir, 'MAIN')).revision,
      AUX1: (await readState(run.stateDir, 'AUX1')).revision,
      AUX2: (await readState(run.stateDir, 'AUX2')).revision,
    };
    await writeFile(run.file, topologyYaml({ aux1Encryption: 'yes' }));
    const c = await cycleAfter(run, 1);
    expect(c).toMatchObject({
      trigger: 'change',
      files: ['topology.yaml'],
      outcome: 'applied',
      changes: 2,
    });
    expect((await readState(run.stateDir, 'MAIN')).revision).toBe(before.MAIN + 1);
    expect((await readState(run.stateDir, 'AUX1')).revision).toBe(before.AUX1 + 1);
    expect((await readState(run.stateDir, 'AUX2')).revision).toBe(before.AUX2);
    const aux1 = await readState(run.stateDir, 'AUX1');
    expect(aux1.neighbors.find((n) => n.name === 'MAIN')?.encryption).toBe('yes');
    const summary = await run.stop();
    expect(summary).toMatchObject({ cycles: 2, applied: 2, lastOutcome: 'applied' });
  });

  it('sees a save by rename, and plans without applying when apply is off', async () => {
    const run = await startWatch({ apply: false });
    expect(run.cycles[0]).toMatchObject({ outcome: 'planned', applied: false, changes: 10 });
    await saveByRename(run.file, topologyYaml({ aux2SyncPeriod: '2h' }));
    const c = await cycleAfter(run, 1);
    expect(c).toMatchObject({ trigger: 'change', files: ['topology.yaml'], outcome: 'planned' });
    expect(existsSync(run.stateDir)).toBe(false);
  });

  it('watches referenced files: the secret file, and a certificate in a newly referenced folder', async () => {
    const run = await startWatch();
    await writeFile(path.join(run.dir, 'secrets', 'main-aux1'), 'a-new-password-for-aux1\n');
    const bySecret = await cycleAfter(run, 1);
    expect(bySecret).toMatchObject({
      trigger: 'change',
      files: ['secrets/main-aux1'],
      outcome: 'applied',
      changes: 2,
    });

    await mkdir(path.join(run.dir, 'certs', 'new'));
    await writeFile(path.join(run.dir, 'certs', 'new', 'AUX1.pem'), networkCerts().get('AUX1')!);
    await writeFile(run.file, topologyYaml({ aux1Certificate: 'certs/new/AUX1.pem' }));
    const moved = await cycleAfter(run, 2);
    // Same certificate content under a new path: nothing to change on the servers.
    expect(moved).toMatchObject({ trigger: 'change', outcome: 'in-sync', changes: 0 });

    await saveByRename(path.join(run.dir, 'certs', 'new', 'AUX1.pem'), spareCertificate());
    const byCert = await cycleAfter(run, 3);
    expect(byCert).toMatchObject({
      trigger: 'change',
      files: ['certs/new/AUX1.pem'],
      outcome: 'applied',
    });
    expect(byCert.changes).toBeGreaterThan(0);
  });

  it('skips a run when a save changed no content', async () => {
    const run = await startWatch({ apply: false });
    await writeFile(run.file, await readFile(run.file, 'utf8'));
    await waitFor('a skipped run', () => run.skips.length >= 1);
    expect(run.skips[0]).toEqual(['topology.yaml']);
    expect(run.cycles).toHaveLength(1);
  });

  it('debounces quick saves into one run and never runs two reconciles at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let gate: Promise<void> | undefined;
    let entered = 0;
    const run = await startWatch({
      apply: false,
      debounceMs: 800,
      wrap: (inner) => async (mode, ctx) => {
        inFlight++;
        entered++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          if (gate) await gate;
          return await inner(mode, ctx);
        } finally {
          inFlight--;
        }
      },
    });
    // Two saves back to back: one run.
    await writeFile(run.file, topologyYaml({ aux2SyncPeriod: '2h' }));
    await writeFile(run.file, topologyYaml({ aux2SyncPeriod: '3h' }));
    const one = await cycleAfter(run, 1);
    expect(one.trigger).toBe('change');
    expect(one.result?.checked.loaded.source.text).toContain('syncPeriod: 3h');
    await new Promise((r) => setTimeout(r, 1500));
    expect(run.cycles).toHaveLength(2);

    // Saves while a run is in progress: exactly one more run after it.
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    await writeFile(run.file, topologyYaml({ aux2SyncPeriod: '4h' }));
    await waitFor('the gated run to start', () => entered >= 3);
    await writeFile(run.file, topologyYaml({ aux2SyncPeriod: '5h' }));
    await new Promise((r) => setTimeout(r, 1500)); // past the debounce: queued behind the run
    await writeFile(run.file, topologyYaml({ aux2SyncPeriod: '6h' }));
    await new Promise((r) => setTimeout(r, 1500));
    gate = undefined;
    release();
    const gated = await cycleAfter(run, 2);
    const after = await cycleAfter(run, 3);
    expect(gated.trigger).toBe('change');
    expect(after).toMatchObject({ trigger: 'change', files: ['topology.yaml'] });
    await new Promise((r) => setTimeout(r, 1500));
    expect(run.cycles).toHaveLength(4);
    expect(maxInFlight).toBe(1);
    // The queued run planned the last save.
    expect(after.result?.checked.loaded.source.text).toContain('syncPeriod: 6h');
  });

  it('reports a broken save, applies nothing, and applies once it is fixed', async () => {
    const run = await startWatch({ intervalMs: 400 });
    const revisions = async () =>
      Promise.all(
        ['MAIN', 'AUX1', 'AUX2'].map(async (s) => (await readState(run.stateDir, s)).revision),
      );
    const before = await revisions();
    await writeFile(run.file, topologyYaml({ aux1Encryption: 'yes' }) + 'links: [\n');
    const broken = await waitFor('an invalid cycle', () =>
      run.cycles.find((c) => c.outcome === 'invalid' && c.trigger === 'change'),
    );
    expect(broken.result?.diagnostics.some((d) => d.rule === 'yaml-syntax')).toBe(true);
    expect(broken.applied).toBe(false);
    // Interval cycles while still broken touch nothing.
    const still = await waitFor('an interval cycle while invalid', () =>
      run.cycles.find((c) => c.stillInvalid),
    );
    expect(still).toMatchObject({ trigger: 'interval', outcome: 'invalid', applied: false });
    expect(await revisions()).toEqual(before);

    await saveByRename(run.file, topologyYaml({ aux1Encryption: 'yes' }));
    const fixed = await waitFor('the fixed cycle', () =>
      run.cycles.find((c) => c.trigger === 'change' && c.outcome === 'applied'),
    );
    expect(fixed.changes).toBe(2);
    const after = await revisions();
    expect(after).toEqual([before[0]! + 1, before[1]! + 1, before[2]]);
  });

  it('heals a hand edit of the state on an interval cycle', async () => {
    const run = await startWatch({ intervalMs: 500 });
    const mainFile = path.join(run.stateDir, 'MAIN.json');
    const state = JSON.parse(await readFile(mainFile, 'utf8')) as {
      neighbors: { name: string; encryption: string }[];
    };
    state.neighbors.find((n) => n.name === 'AUX2')!.encryption = 'no';
    await writeFile(mainFile, JSON.stringify(state, null, 2));
    const healed = await waitFor('a healing interval cycle', () =>
      run.cycles.find((c) => c.trigger === 'interval' && c.outcome === 'applied'),
    );
    expect(healed.changes).toBe(1);
    const main = await readState(run.stateDir, 'MAIN');
    expect(main.neighbors.find((n) => n.name === 'AUX2')?.encryption).toBe('possible');
    // The next interval cycle finds nothing to do.
    const quiet = await waitFor('a quiet interval cycle', () =>
      run.cycles.find((c) => c.number > healed.number && c.trigger === 'interval'),
    );
    expect(quiet).toMatchObject({ outcome: 'in-sync', changes: 0, applied: false });
  });

  it('reports a locked state and retries once the lock is released', async () => {
    const run = await startWatch({ retryMs: 300 });
    const other = new DirBackend({ dir: run.stateDir });
    const lock = await other.acquireLock('apply', quietContext());
    await writeFile(run.file, topologyYaml({ aux1Encryption: 'no' }));
    const failed = await cycleAfter(run, 1);
    expect(failed.outcome).toBe('refused');
    expect(failed.result?.outcome === 'refused' && failed.result.refusal.reason).toBe('locked');
    expect(failed.nextRunAt).not.toBeNull();
    await lock.release();
    const retried = await waitFor('the retry', () =>
      run.cycles.find((c) => c.trigger === 'retry' && c.outcome === 'applied'),
    );
    expect(retried.changes).toBe(2);
  });

  it('watches the referenced files too when the first cycle finds the state locked', async () => {
    const folder = await tempNetwork('avnet-watch-locked-');
    dirs.push(folder);
    const lock = await new DirBackend({ dir: path.join(folder, 'state') }).acquireLock(
      'apply',
      quietContext(),
    );
    let ready: readonly string[] = [];
    const run = await startWatch({ retryMs: 60_000, onReady: (files) => (ready = files) }, folder);
    expect(run.cycles[0]?.outcome).toBe('refused');
    await lock.release();
    expect(ready).toContain('topology.yaml');
    expect(ready.some((f) => f.startsWith('certs/'))).toBe(true);
  });

  it('on abort, finishes the running cycle, releases the lock and closes the watchers', async () => {
    let release!: () => void;
    let gated = false;
    let entered = false;
    const gate = new Promise<void>((r) => (release = r));
    const run = await startWatch({
      wrap: (inner) => async (mode, ctx) => {
        if (gated) {
          entered = true;
          await gate;
        }
        return inner(mode, ctx);
      },
    });
    gated = true;
    await writeFile(run.file, topologyYaml({ aux1Encryption: 'yes' }));
    await waitFor('the gated cycle to start', () => entered);
    let resolved = false;
    const stopped = run.stop().then((s) => {
      resolved = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(resolved).toBe(false); // still finishing the running cycle
    release();
    const summary = await stopped;
    expect(summary.cycles).toBe(2);
    expect(existsSync(path.join(run.stateDir, LOCK_FILE))).toBe(false);
    for (const s of ['MAIN', 'AUX1', 'AUX2']) await readState(run.stateDir, s); // valid JSON
    // Watchers are closed: a later save starts nothing.
    await writeFile(run.file, topologyYaml({ aux1Encryption: 'no' }));
    await new Promise((r) => setTimeout(r, 500));
    expect(run.cycles).toHaveLength(2);
  });

  it('runs the reconcile it is given (reconcileWith names the lock operation "watch")', async () => {
    const seen: string[] = [];
    const folder = await tempNetwork('avnet-watch-');
    dirs.push(folder);
    const file = path.join(folder, 'topology.yaml');
    const reconcile = reconcileWith(
      {
        file,
        env: { [ENV_SECRET_NAME]: ENV_SECRET },
        backend: async (endpoints) =>
          new DirBackend({ dir: path.join(folder, 'state'), endpoints }),
      },
      async (opts, ctx): Promise<ReconcileResult> => {
        seen.push(`${opts.mode}:${opts.operation}`);
        return reconcileOnce(opts, ctx);
      },
    );
    await startWatch({ reconcile, apply: true }, folder);
    expect(seen).toEqual(['apply:watch']);
  });
});
