import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import perfHooks from 'node:perf_hooks';
import { Gauge, register as globalRegistry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { createServeMetrics } from './metrics.js';
import type { HistoryEntry, LinkStatusEntry, ServeStatus, ServerStatus } from './serve-model.js';

const PASSWORD = 'hunter2-Secret-Value';
const REVISION = '9f3c1a2b4d5e6f708192a3b4c5d6e7f8091a2b3c';
const PROMTOOL = '/usr/bin/promtool';

function status(overrides: Partial<ServeStatus> = {}): ServeStatus {
  return {
    source: {
      type: 'git',
      url: 'https://git.example/net.git',
      ref: 'main',
      path: 'topology.yaml',
      head: REVISION,
      commit: { message: `rotate ${PASSWORD}`, author: 'ops', date: '2026-12-01T09:59:00Z' },
      fetchedAt: '2026-12-01T10:00:00Z',
      error: null,
    },
    sync: {
      status: 'OutOfSync',
      revision: REVISION,
      appliedAt: '2026-12-01T10:00:02Z',
      invalid: {
        revision: REVISION,
        diagnostics: [{ rule: 'weak-secret', severity: 'warning', message: `x ${PASSWORD}` }],
      },
    },
    health: { status: 'Degraded', online: 1, offline: 1, unknown: 1 },
    servers: [
      { name: 'HQ', sync: 'Synced', pending: 0, error: null },
      { name: 'EU', sync: 'OutOfSync', pending: 2, error: null },
      { name: 'US "west"\\1', sync: 'Unknown', pending: 0, error: `cannot read ${PASSWORD}` },
    ],
    links: [
      {
        a: 'HQ',
        b: 'EU',
        type: 'parent-child',
        state: 'online',
        reason: null,
        detail: null,
        since: '2026-12-01T10:00:03Z',
      },
      {
        a: 'HQ',
        b: 'US "west"\\1',
        type: 'parent-child',
        state: 'offline',
        reason: 'wrong-password',
        detail: `password ${PASSWORD}`,
        since: '2026-12-01T10:00:03Z',
      },
      {
        a: 'EU',
        b: 'US "west"\\1',
        type: 'peer',
        state: 'unknown',
        reason: null,
        detail: null,
        since: null,
      },
    ],
    lastCycle: {
      id: 7,
      trigger: 'webhook',
      outcome: 'applied',
      startedAt: '2026-12-01T10:00:00Z',
      durationMs: 812,
    },
    ...overrides,
  };
}

function cycle(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: 1,
    revision: REVISION,
    trigger: 'commit',
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:00:00.750Z',
    outcome: 'applied',
    changes: { add: 2, change: 1, destroy: 0 },
    writes: 5,
    failed: 0,
    message: 'applied',
    ...overrides,
  };
}

/** The sample lines of one metric family (name followed by `{` or a space). */
function samples(body: string, name: string): string[] {
  return body.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe('createServeMetrics', () => {
  it('sets the sync and health gauges: 1 for the current status, 0 for the others', async () => {
    const m = createServeMetrics();
    m.observeStatus(status());
    const { body, contentType } = await m.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples(body, 'avnet_sync_status')).toEqual([
      'avnet_sync_status{status="Synced"} 0',
      'avnet_sync_status{status="OutOfSync"} 1',
      'avnet_sync_status{status="Unknown"} 0',
    ]);
    expect(samples(body, 'avnet_health_status')).toEqual([
      'avnet_health_status{status="Healthy"} 0',
      'avnet_health_status{status="Progressing"} 0',
      'avnet_health_status{status="Degraded"} 1',
      'avnet_health_status{status="Unknown"} 0',
    ]);
    expect(body).toContain('# TYPE avnet_sync_status gauge');
    expect(body).toMatch(/# HELP avnet_sync_status \w+ /);
  });

  it('has a server sync series per server and status, and a link series per link (escaped labels)', async () => {
    const m = createServeMetrics();
    m.observeStatus(status());
    const { body } = await m.render();
    expect(samples(body, 'avnet_server_sync_status')).toEqual([
      'avnet_server_sync_status{server="HQ",status="Synced"} 1',
      'avnet_server_sync_status{server="HQ",status="OutOfSync"} 0',
      'avnet_server_sync_status{server="HQ",status="Unknown"} 0',
      'avnet_server_sync_status{server="EU",status="Synced"} 0',
      'avnet_server_sync_status{server="EU",status="OutOfSync"} 1',
      'avnet_server_sync_status{server="EU",status="Unknown"} 0',
      'avnet_server_sync_status{server="US \\"west\\"\\\\1",status="Synced"} 0',
      'avnet_server_sync_status{server="US \\"west\\"\\\\1",status="OutOfSync"} 0',
      'avnet_server_sync_status{server="US \\"west\\"\\\\1",status="Unknown"} 1',
    ]);
    expect(samples(body, 'avnet_link_online')).toEqual([
      'avnet_link_online{a="HQ",b="EU",type="parent-child"} 1',
      'avnet_link_online{a="HQ",b="US \\"west\\"\\\\1",type="parent-child"} 0',
      'avnet_link_online{a="EU",b="US \\"west\\"\\\\1",type="peer"} 0',
    ]);
  });

  it('drops servers, links and old revisions that left the status', async () => {
    const m = createServeMetrics();
    m.observeStatus(status());
    const next = status();
    const newRevision = 'a'.repeat(40);
    m.observeStatus({
      ...next,
      sync: { ...next.sync, status: 'Synced', revision: newRevision, invalid: null },
      servers: next.servers.slice(0, 2),
      links: next.links.slice(0, 1),
    });
    const { body } = await m.render();
    expect(body).not.toContain('west');
    expect(samples(body, 'avnet_server_sync_status')).toHaveLength(6);
    expect(samples(body, 'avnet_link_online')).toEqual([
      'avnet_link_online{a="HQ",b="EU",type="parent-child"} 1',
    ]);
    expect(samples(body, 'avnet_applied_revision_info')).toEqual([
      `avnet_applied_revision_info{revision="${newRevision}"} 1`,
    ]);
    expect(samples(body, 'avnet_sync_status')).toContain('avnet_sync_status{status="Synced"} 1');
  });

  it('follows changes of single servers and links, however often the status is observed', async () => {
    const m = createServeMetrics();
    const s = status();
    m.observeStatus(s);
    m.observeStatus(s);
    const [hq, eu, us] = s.servers as [ServerStatus, ServerStatus, ServerStatus];
    const [hqEu, hqUs] = s.links as [LinkStatusEntry, LinkStatusEntry, LinkStatusEntry];
    m.observeStatus({
      ...s,
      servers: [{ ...hq, sync: 'OutOfSync' }, eu],
      links: [
        { ...hqEu, state: 'offline', reason: 'unreachable' },
        { ...hqUs, state: 'online', reason: null, detail: null },
      ],
    });
    let { body } = await m.render();
    expect(samples(body, 'avnet_server_sync_status')).toEqual([
      'avnet_server_sync_status{server="HQ",status="Synced"} 0',
      'avnet_server_sync_status{server="HQ",status="OutOfSync"} 1',
      'avnet_server_sync_status{server="HQ",status="Unknown"} 0',
      'avnet_server_sync_status{server="EU",status="Synced"} 0',
      'avnet_server_sync_status{server="EU",status="OutOfSync"} 1',
      'avnet_server_sync_status{server="EU",status="Unknown"} 0',
    ]);
    expect(samples(body, 'avnet_link_online')).toEqual([
      'avnet_link_online{a="HQ",b="EU",type="parent-child"} 0',
      'avnet_link_online{a="HQ",b="US \\"west\\"\\\\1",type="parent-child"} 1',
    ]);
    // Back again, and the same pair of servers linked as peers instead: a new series, the old one gone.
    m.observeStatus({ ...s, servers: [hq, eu, us], links: [{ ...hqEu, type: 'peer' }] });
    ({ body } = await m.render());
    expect(samples(body, 'avnet_server_sync_status')).toHaveLength(9);
    expect(body).toContain(
      'avnet_server_sync_status{server="US \\"west\\"\\\\1",status="Unknown"} 1',
    );
    expect(body).toContain('avnet_server_sync_status{server="HQ",status="Synced"} 1');
    expect(body).toContain('avnet_server_sync_status{server="HQ",status="OutOfSync"} 0');
    expect(samples(body, 'avnet_link_online')).toEqual([
      'avnet_link_online{a="HQ",b="EU",type="peer"} 1',
    ]);
  });

  it('reports the last applied time in seconds, and nothing before anything was applied', async () => {
    const m = createServeMetrics();
    let { body } = await m.render();
    expect(samples(body, 'avnet_last_applied_timestamp_seconds')).toEqual([]);
    expect(samples(body, 'avnet_applied_revision_info')).toEqual([]);
    m.observeStatus(status());
    ({ body } = await m.render());
    expect(samples(body, 'avnet_last_applied_timestamp_seconds')).toEqual([
      `avnet_last_applied_timestamp_seconds ${Date.parse('2026-12-01T10:00:02Z') / 1000}`,
    ]);
    expect(samples(body, 'avnet_applied_revision_info')).toEqual([
      `avnet_applied_revision_info{revision="${REVISION}"} 1`,
    ]);
    const s = status();
    m.observeStatus({ ...s, sync: { ...s.sync, revision: null, appliedAt: null } });
    ({ body } = await m.render());
    expect(samples(body, 'avnet_last_applied_timestamp_seconds')).toEqual([]);
    expect(samples(body, 'avnet_applied_revision_info')).toEqual([]);
  });

  it('counts cycles by trigger and outcome (every pair from zero), their duration and writes', async () => {
    const m = createServeMetrics();
    let { body } = await m.render();
    expect(samples(body, 'avnet_cycles_total')).toHaveLength(6 * 7);
    expect(body).toContain('avnet_cycles_total{trigger="commit",outcome="applied"} 0');
    expect(body).toContain('avnet_cycle_duration_seconds_count{trigger="interval"} 0');
    expect(body).toContain('avnet_writes_total 0');

    m.observeCycle(cycle());
    m.observeCycle(cycle({ finishedAt: '2026-12-01T10:00:03.000Z', writes: 2 }));
    m.observeCycle(cycle({ trigger: 'interval', outcome: 'no-changes', writes: 0 }));
    // A clock that went backwards, or a garbled time, counts the cycle but observes no duration.
    m.observeCycle(cycle({ trigger: 'manual', finishedAt: '2026-12-01T09:00:00Z', writes: -1 }));
    m.observeCycle(cycle({ trigger: 'manual', finishedAt: 'not a time' }));
    ({ body } = await m.render());
    expect(body).toContain('avnet_cycles_total{trigger="commit",outcome="applied"} 2');
    expect(body).toContain('avnet_cycles_total{trigger="interval",outcome="no-changes"} 1');
    expect(body).toContain('avnet_cycles_total{trigger="manual",outcome="applied"} 2');
    expect(body).toContain('avnet_cycle_duration_seconds_count{trigger="commit"} 2');
    expect(body).toContain('avnet_cycle_duration_seconds_sum{trigger="commit"} 3.75');
    expect(body).toContain('avnet_cycle_duration_seconds_bucket{le="1",trigger="commit"} 1');
    expect(body).toContain('avnet_cycle_duration_seconds_bucket{le="5",trigger="commit"} 2');
    expect(body).toContain('avnet_cycle_duration_seconds_count{trigger="manual"} 0');
    expect(body).toContain('avnet_writes_total 12');
  });

  it('counts fetches by outcome and their duration', async () => {
    const m = createServeMetrics();
    m.observeFetch('success', 0.2);
    m.observeFetch('failure', 12);
    m.observeFetch('failure', Number.NaN);
    const { body } = await m.render();
    expect(body).toContain('avnet_git_fetch_total{outcome="success"} 1');
    expect(body).toContain('avnet_git_fetch_total{outcome="failure"} 2');
    expect(body).toContain('avnet_git_fetch_duration_seconds_count 2');
    expect(body).toContain('avnet_git_fetch_duration_seconds_sum 12.2');
    expect(body).toContain('avnet_git_fetch_duration_seconds_bucket{le="0.25"} 1');
  });

  it('has the standard process and Node.js metrics, and keeps each instance apart from the others and from the global registry', async () => {
    const one = createServeMetrics();
    const two = createServeMetrics();
    one.observeStatus(status());
    one.observeCycle(cycle());
    const a = (await one.render()).body;
    const b = (await two.render()).body;
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(a).toContain(`# TYPE ${name} `);
      expect(b).toContain(`# TYPE ${name} `);
    }
    expect(a).toContain('avnet_link_online{');
    expect(b).not.toContain('avnet_link_online{');
    expect(b).toContain('avnet_cycles_total{trigger="commit",outcome="applied"} 0');
    expect(await globalRegistry.metrics()).not.toContain('avnet_');
  });

  it("samples the event-loop delay at most 10 times a second (prom-client's 10 ms default was most of an idle serve's CPU)", () => {
    const monitor = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    try {
      createServeMetrics();
      expect(monitor).toHaveBeenCalledTimes(1);
      expect(monitor.mock.calls[0]![0]!.resolution).toBeGreaterThanOrEqual(100);
    } finally {
      monitor.mockRestore();
    }
  });

  it('never shows a secret that sits anywhere in the status', async () => {
    const m = createServeMetrics();
    m.observeStatus(status());
    m.observeCycle(cycle({ message: `applied with ${PASSWORD}` }));
    const { body } = await m.render();
    expect(body).not.toContain(PASSWORD);
    expect(body).not.toContain('hunter2');
  });

  it.skipIf(!existsSync(PROMTOOL))(
    'passes promtool check metrics with no error and no warning about avnet metrics (skipped without /usr/bin/promtool; .ci/run installs it)',
    async () => {
      const m = createServeMetrics();
      m.observeStatus(status());
      for (const trigger of ['start', 'commit', 'webhook', 'interval'] as const) {
        m.observeCycle(cycle({ trigger }));
      }
      m.observeCycle(cycle({ outcome: 'failed', writes: 0, failed: 1 }));
      m.observeFetch('success', 0.3);
      m.observeFetch('failure', 4);
      const { body } = await m.render();

      // avnet's own families alone, before anything happened and after: promtool accepts them
      // with no remark at all.
      const ours = (text: string): string =>
        text
          .split('\n')
          .filter((l) => /^(# (HELP|TYPE) )?avnet_/.test(l))
          .join('\n') + '\n';
      expect(ours(body).split('\n').length).toBeGreaterThan(100);
      expect(promtool(ours(body))).toEqual({ status: 0, lines: [] });
      expect(promtool(ours((await createServeMetrics().render()).body))).toEqual({
        status: 0,
        lines: [],
      });

      // The whole page: prom-client's gauges named like counters draw warnings (exit 3, "lint
      // problems") that are not avnet's to fix; nothing else may be reported.
      const all = promtool(body);
      const notOurs =
        /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;
      expect(all.lines.filter((l) => !notOurs.test(l))).toEqual([]);
      expect(all.lines.filter((l) => l.includes('avnet_'))).toEqual([]);
      expect(all.status).toBe(all.lines.length === 0 ? 0 : 3);
    },
  );
});

/** promtool check metrics on `text`: its exit status and every non-empty line it printed. */
function promtool(text: string): { status: number | null; lines: string[] } {
  const run = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw run.error;
  const lines = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return { status: run.status, lines };
}

/** n servers in a tree of links; `flipped` turns every server's sync and every link's state over. */
function bigStatus(n: number, flipped = false): ServeStatus {
  const servers: ServerStatus[] = [];
  const links: LinkStatusEntry[] = [];
  for (let i = 0; i < n; i++) {
    servers.push({
      name: `SRV-${i}`,
      sync: i % 10 === 0 || flipped ? 'OutOfSync' : 'Synced',
      pending: i % 10 === 0 ? 1 : 0,
      error: null,
    });
    if (i > 0) {
      links.push({
        a: `SRV-${Math.floor((i - 1) / 4)}`,
        b: `SRV-${i}`,
        type: i % 7 === 0 ? 'peer' : 'parent-child',
        state: i % 13 === 0 || flipped ? 'offline' : 'online',
        reason: i % 13 === 0 ? 'unreachable' : null,
        detail: null,
        since: null,
      });
    }
  }
  return { ...status(), servers, links };
}

/** avnet's own lines of a page (HELP, TYPE and samples). */
function ours(text: string): string {
  return text
    .split('\n')
    .filter((l) => /^(# (HELP|TYPE) )?avnet_/.test(l))
    .join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

async function timeMs(fn: () => unknown, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

describe('createServeMetrics at 2,000 servers', () => {
  it('renders in well under a second and observes the status in linear time', async () => {
    const m = createServeMetrics();
    const small = bigStatus(2000);
    m.observeStatus(small);
    const { body } = await m.render();
    expect(samples(body, 'avnet_server_sync_status')).toHaveLength(6000);
    expect(samples(body, 'avnet_link_online')).toHaveLength(1999);

    const render = await timeMs(() => m.render(), 9);
    // The serve loop publishes mostly unchanged statuses; a flipped one changes every series.
    const same = await timeMs(() => m.observeStatus(small), 9);
    const flips = (n: number): (() => void) => {
      const states = [bigStatus(n), bigStatus(n, true)];
      let i = 0;
      return () => m.observeStatus(states[i++ % 2]!);
    };
    const changed = await timeMs(flips(2000), 9);
    const changedLarge = await timeMs(flips(8000), 9);
    if (process.env['AVNET_PERF_REPORT']) {
      console.log({
        renderMs: render,
        sameMs: same,
        changedMs: changed,
        changed8000Ms: changedLarge,
      });
    }
    // Loose bounds for a busy machine: the real figures are a few tens of milliseconds at most.
    expect(render).toBeLessThan(1000);
    expect(changed).toBeLessThan(1000);
    expect(same).toBeLessThan(changed);
    // Four times the servers and links: linear is about 4x, quadratic 16x.
    expect(changedLarge).toBeLessThan(Math.max(10 * changed, 50));
  });

  it('formats the per-server and per-link families again only after one of their series changed', async () => {
    const m = createServeMetrics();
    const big = bigStatus(2000);
    m.observeStatus(big);
    const get = vi.spyOn(Gauge.prototype, 'get');
    const formatted = (name: string) =>
      get.mock.contexts.filter((g) => (g as { name: string }).name === name).length;
    try {
      const first = (await m.render()).body;
      // Scrapes of an unchanged network, and statuses observed again unchanged (the serve loop
      // publishes one after every cycle and every link poll), format none of their 8,000 series.
      m.observeStatus(big);
      const again = (await m.render()).body;
      expect(formatted('avnet_server_sync_status')).toBe(1);
      expect(formatted('avnet_link_online')).toBe(1);
      expect(ours(again)).toBe(ours(first));
      // One server and one link change: both families are formatted again, with the change.
      const [s0, ...servers] = big.servers as ServerStatus[];
      const [l0, ...links] = big.links as LinkStatusEntry[];
      m.observeStatus({
        ...big,
        servers: [{ ...s0!, sync: 'Unknown' }, ...servers],
        links: [{ ...l0!, state: 'offline', reason: 'unreachable' }, ...links],
      });
      const changed = (await m.render()).body;
      expect(formatted('avnet_server_sync_status')).toBe(2);
      expect(formatted('avnet_link_online')).toBe(2);
      expect(changed).toContain('avnet_server_sync_status{server="SRV-0",status="Unknown"} 1');
      expect(changed).toContain('avnet_link_online{a="SRV-0",b="SRV-1",type="parent-child"} 0');
      // A server and a link that leave the status leave the page at the next scrape.
      m.observeStatus({ ...big, servers, links });
      const fewer = (await m.render()).body;
      expect(fewer).not.toContain('server="SRV-0"');
      expect(fewer).not.toContain('b="SRV-1",');
      // The page is the registry's own rendering: same families in the same order, same lines.
      const registry = await m.registry.metrics();
      expect(ours(fewer)).toBe(ours(registry));
      const types = (t: string) => t.split('\n').filter((l) => l.startsWith('# TYPE '));
      expect(types(fewer)).toEqual(types(registry));
      expect(fewer.split('\n\n').length).toBe(registry.split('\n\n').length);
      expect(fewer.endsWith('\n')).toBe(true);
    } finally {
      get.mockRestore();
    }
  });
});
