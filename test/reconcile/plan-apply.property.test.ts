/**
 * Property tests over random valid topologies: after apply the plan is empty; the order in which
 * servers are applied does not change the result; and converging from an earlier network works.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readActualState } from '../../src/actual/index.js';
import { applyPlan } from '../../src/apply/index.js';
import { DirBackend } from '../../src/backends/index.js';
import { checkTopology } from '../../src/engine/index.js';
import {
  changedFieldNames,
  changedNeighbor,
  quietContext,
  type PlanChange,
} from '../../src/model/index.js';
import { computePlan } from '../../src/plan/index.js';
import { renderDesiredState } from '../../src/render/index.js';
import { pool, writeCerts } from './network.js';

const NAMES = ['HQ', 'EU', 'US', 'APAC', 'EAST', 'WEST', 'OLD'] as const;
const TRI = [undefined, 'yes', 'possible', 'no'] as const;
const WINDOWS = [
  'mon-fri 09:00-18:00',
  'sat-sun 00:00-24:00',
  'daily 01:30-02:00',
  'mon,wed 10:00-11:30',
];
let dir: string;

interface LinkGen {
  kind: 'pc' | 'peer';
  a: number;
  b: number;
  enc: (typeof TRI)[number];
  periodic: boolean;
  licenses: boolean;
  notify: boolean;
  restrict: number;
  flows: [
    'both' | 'none' | 'ab' | 'ba',
    'both' | 'none' | 'ab' | 'ba',
    'both' | 'none' | 'ab' | 'ba',
  ];
  dial: 'a' | 'b' | 'both';
}

const topologyArb = fc
  .record({
    n: fc.integer({ min: 2, max: NAMES.length }),
    policies: fc.array(fc.constantFrom(...TRI), {
      minLength: NAMES.length,
      maxLength: NAMES.length,
    }),
    links: fc.array(
      fc.record({
        kind: fc.constantFrom('pc', 'peer') as fc.Arbitrary<'pc' | 'peer'>,
        a: fc.nat(),
        b: fc.nat(),
        enc: fc.constantFrom(...TRI),
        periodic: fc.boolean(),
        licenses: fc.boolean(),
        notify: fc.boolean(),
        restrict: fc.nat({ max: WINDOWS.length }),
        flows: fc.tuple(
          ...([0, 1, 2] as const).map(
            () =>
              fc.constantFrom('both', 'none', 'ab', 'ba') as fc.Arbitrary<
                'both' | 'none' | 'ab' | 'ba'
              >,
          ),
        ) as fc.Arbitrary<LinkGen['flows']>,
        dial: fc.constantFrom('a', 'b', 'both') as fc.Arbitrary<'a' | 'b' | 'both'>,
      }),
      { maxLength: 10 },
    ),
  })
  .map(({ n, policies, links }) => toYaml(n, policies, links));

/** Builds YAML; parent/child links only go from a lower to a higher index, so no hierarchy cycles. */
function toYaml(n: number, policies: readonly (string | undefined)[], links: LinkGen[]): string {
  const servers = NAMES.slice(0, n).map((s, i) => {
    const enc = policies[i];
    return `  ${s}: { address: "${s.toLowerCase()}.example:${2193 + i}", certificates: [certs/${s}.pem]${enc ? `, encryption: ${enc}` : ''}${s === 'OLD' ? ', version: 12' : ''} }`;
  });
  const seen = new Set<string>();
  const out: string[] = [];
  for (const l of links) {
    let a = l.a % n;
    let b = l.b % n;
    if (a === b) continue;
    if (a > b) [a, b] = [b, a];
    const key = `${a}-${b}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const A = NAMES[a]!;
    const B = NAMES[b]!;
    const lines: string[] = [];
    if (l.kind === 'pc') {
      lines.push(`  - parent: ${A}`, `    child: ${B}`);
      if (l.notify) lines.push(`    notify: [${A}]`);
      if (l.restrict)
        lines.push(
          `    restrictions: { updates: ${JSON.stringify(WINDOWS.slice(0, l.restrict))}, events: ["daily 00:00-00:30"] }`,
        );
    } else {
      const flow = (f: string) => (f === 'ab' ? `${A}->${B}` : f === 'ba' ? `${B}->${A}` : f);
      const flows = l.flows.every((f) => f === 'none')
        ? (['ab', 'none', 'none'] as const)
        : l.flows;
      lines.push(
        `  - peers: [${A}, ${B}]`,
        `    dial: ${l.dial === 'a' ? A : l.dial === 'b' ? B : 'both'}`,
      );
      lines.push(
        `    flows: { updates: ${flow(flows[0])}, events: ${flow(flows[1])}, licenses: ${flow(flows[2])} }`,
      );
      const eventsTo =
        flows[1] === 'both' ? [A, B] : flows[1] === 'ab' ? [B] : flows[1] === 'ba' ? [A] : [];
      if (l.notify && eventsTo.length > 0) lines.push(`    notify: [${eventsTo.join(', ')}]`);
      if (l.restrict)
        lines.push(
          `    restrictions: { updates: ${JSON.stringify(WINDOWS.slice(0, l.restrict))} }`,
        );
    }
    lines.push(`    password: { env: PW_${A}_${B} }`);
    if (l.enc) lines.push(`    encryption: ${l.enc}`);
    if (l.periodic) lines.push('    connection: periodic', '    reconnectPeriod: 15m');
    if (l.licenses) lines.push('    licenses: { validity: 30d, renewBefore: 7d, syncPeriod: 1h }');
    out.push(lines.join('\n'));
  }
  return `apiVersion: avnet/v1\nkind: Topology\nservers:\n${servers.join('\n')}\nlinks:\n${out.join('\n')}${out.length ? '\n' : ' []\n'}`;
}

const env: Record<string, string> = {};
for (const a of NAMES) for (const b of NAMES) env[`PW_${a}_${b}`] = `pw-${a}-${b}-secret`;
const ctx = quietContext();

/** Loads a topology text; undefined when it is not valid (random policies may conflict). */
async function load(yaml: string, file: string) {
  await writeFile(file, yaml);
  const checked = await checkTopology(file, { resolveSecrets: true, env }, ctx);
  if (checked.validation.errors > 0) return undefined;
  const { topology, files, secrets } = checked.loaded;
  return {
    checked,
    desired: renderDesiredState({ topology, files, secrets: secrets ?? new Map() }),
    names: [...topology.servers.keys()],
  };
}

async function planFor(yaml: string, stateDir: string) {
  const loaded = await load(yaml, path.join(dir, `t-${path.basename(stateDir)}.yaml`));
  if (!loaded) return undefined;
  const backend = new DirBackend({ dir: stateDir });
  const read = await readActualState(backend, { servers: loaded.names }, ctx);
  const plan = computePlan({
    topology: { file: 'x', sha256: 'x' },
    backend: { type: 'dir' },
    desired: loaded.desired,
    actual: read.servers,
  });
  return { plan, backend };
}

beforeAll(async () => {
  pool.warm(...NAMES);
  dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-prop-'));
  await writeCerts(dir, NAMES);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

let run = 0;
const freshState = () => path.join(dir, `state-${run++}`);

describe('plan and apply properties', () => {
  it('after apply, the plan is empty and a second apply writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(topologyArb, async (yaml) => {
        const state = freshState();
        const first = await planFor(yaml, state);
        fc.pre(first !== undefined);
        const report = await applyPlan(first!.plan, first!.backend, ctx);
        expect(report.failed).toBe(0);
        const after = await planFor(yaml, state);
        expect(after!.plan.changes).toEqual([]);
        const second = await applyPlan(after!.plan, after!.backend, ctx);
        expect(second.writes).toBe(0);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('applying servers in any order gives the same state', async () => {
    await fc.assert(
      fc.asyncProperty(topologyArb, fc.integer(), async (yaml, seed) => {
        const s1 = freshState();
        const s2 = freshState();
        const p1 = await planFor(yaml, s1);
        fc.pre(p1 !== undefined);
        const p2 = (await planFor(yaml, s2))!;
        await applyPlan(p1!.plan, p1!.backend, ctx, { concurrency: 1 });
        // Same changes, servers visited in a shuffled order.
        const servers = [...new Set(p2.plan.changes.map((c) => c.server))];
        const rnd =
          fc.sample(fc.shuffledSubarray(servers, { minLength: servers.length }), {
            seed,
            numRuns: 1,
          })[0] ?? servers;
        const byServer = (c: PlanChange) => rnd.indexOf(c.server);
        const shuffled = {
          ...p2.plan,
          changes: [...p2.plan.changes].sort((a, b) => byServer(a) - byServer(b)),
        };
        await applyPlan(shuffled, p2.backend, ctx, { concurrency: 1 });
        const read = async (d: string) =>
          (await readActualState(new DirBackend({ dir: d }), { servers: [] }, ctx)).servers;
        expect(await read(s2)).toEqual(await read(s1));
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('converges from the state of another network', async () => {
    await fc.assert(
      fc.asyncProperty(topologyArb, topologyArb, async (before, after) => {
        const state = freshState();
        const p1 = await planFor(before, state);
        fc.pre(p1 !== undefined);
        await applyPlan(p1!.plan, p1!.backend, ctx);
        const p2 = await planFor(after, state);
        fc.pre(p2 !== undefined);
        const report = await applyPlan(p2!.plan, p2!.backend, ctx);
        expect(report.failed).toBe(0);
        expect((await planFor(after, state))!.plan.changes).toEqual([]);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('import round trip', () => {
  it('imports any applied network into a topology that plans nothing against it', async () => {
    const { deriveTopology } = await import('../../src/import/index.js');
    const { mkdir, writeFile: write } = await import('node:fs/promises');
    await fc.assert(
      fc.asyncProperty(topologyArb, async (yaml) => {
        const state = freshState();
        const first = await planFor(yaml, state);
        fc.pre(first !== undefined);
        await applyPlan(first!.plan, first!.backend, ctx);
        const actual = (await readActualState(new DirBackend({ dir: state }), { servers: [] }, ctx))
          .servers;
        const imported = deriveTopology(actual);
        const out = path.join(dir, `import-${run++}`);
        for (const f of imported.files) {
          await mkdir(path.dirname(path.join(out, f.path)), { recursive: true });
          await write(path.join(out, f.path), f.text);
        }
        const file = path.join(out, 'topology.yaml');
        await mkdir(out, { recursive: true });
        await write(file, imported.yaml);
        const secretEnv = Object.fromEntries(imported.secrets.map((s) => [s.env, s.value]));
        const checked = await checkTopology(file, { resolveSecrets: true, env: secretEnv }, ctx);
        expect(checked.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const { topology, files, secrets } = checked.loaded;
        const desired = renderDesiredState({ topology, files, secrets: secrets ?? new Map() });
        const plan = computePlan({
          topology: { file: 'x', sha256: 'x' },
          backend: { type: 'dir' },
          desired,
          actual,
        });
        expect({
          changes: plan.changes.map((c) => [
            c.server,
            c.action,
            changedNeighbor(c),
            changedFieldNames(c),
          ]),
          notes: imported.notes,
        }).toEqual({
          changes: [],
          notes: imported.notes,
        });
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
