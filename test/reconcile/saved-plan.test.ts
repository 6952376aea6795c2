import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DirBackend } from '../../src/backends/index.js';
import { quietContext } from '../../src/model/index.js';
import { basicYaml, makeNetwork, pool, type TestNetwork } from './network.js';

const PW = 'Saved-Plan-Secret-9f8e7d';
let net: TestNetwork;
beforeAll(() => void pool.warm('MAIN', 'AUX'));
afterEach(async () => net?.cleanup());

describe('saved plans', () => {
  it('saves a plan without secrets and applies exactly it', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    const planned = await net.cli(['plan', 'topology.yaml', '--out', 'plan.json']);
    expect(planned.code).toBe(0);
    const saved = await readFile(path.join(net.dir, 'plan.json'), 'utf8');
    expect(saved).not.toContain(PW);
    const json = JSON.parse(saved);
    expect(json.format_version).toBe('1.0');
    expect(json.summary).toEqual({ add: 2, change: 2, destroy: 0, restart: 2 });
    expect(json.saved.topologyPath).toBe(net.file);
    expect((await net.rawStates()).size).toBe(0);
    const applied = await net.cli(['apply', 'plan.json', '--yes']);
    expect(applied.code).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain(PW);
    const states = await net.states();
    expect(states.get('MAIN')?.neighbors[0]?.password).toBe(PW);
    expect((await net.reconcile('plan')).outcome).toBe('in-sync');
  });

  it('refuses a saved plan when a server changed since', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    await net.cli(['plan', 'topology.yaml', '--out', 'plan.json']);
    await new DirBackend({ dir: net.state }).applyChange(
      'AUX',
      { expectedRevision: 0, protocol: 'enabled' },
      quietContext(),
    );
    const before = await net.rawStates();
    const applied = await net.cli(['apply', 'plan.json', '--yes']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/stale plan/);
    expect(applied.stderr).toMatch(/AUX/);
    expect(await net.rawStates()).toEqual(before);
  });

  it('refuses a saved plan when the topology changed since', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    await net.cli(['plan', 'topology.yaml', '--out', 'plan.json']);
    await net.write(basicYaml('    encryption: yes\n'));
    const applied = await net.cli(['apply', 'plan.json', '--yes']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/stale plan: .*changed since the plan was made/);
    expect((await net.rawStates()).size).toBe(0);
  });

  it('refuses a saved plan when a secret changed since (planning again differs)', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    await net.reconcile('apply');
    await net.write(basicYaml('    encryption: yes\n'));
    await net.cli(['plan', 'topology.yaml', '--out', 'plan.json']);
    const before = await net.rawStates();
    const applied = await net.cli(['apply', 'plan.json', '--yes'], {
      env: { PW_MAIN_AUX: 'a-different-secret' },
    });
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/stale plan: planning again gives different changes/);
    expect(applied.stdout + applied.stderr).not.toContain('a-different-secret');
    expect(await net.rawStates()).toEqual(before);
  });

  it('rejects a file that is not a saved plan', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    await writeFile(path.join(net.dir, 'bad.json'), '{"format_version": "1.0", "changes": 3}');
    const applied = await net.cli(['apply', 'bad.json', '--yes']);
    expect(applied.code).toBe(64);
    expect(applied.stderr).toMatch(/not a saved avnet plan/);
  });

  it('exits 2 with --detailed-exitcode only while changes are pending', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: PW });
    expect((await net.cli(['plan', 'topology.yaml', '--detailed-exitcode'])).code).toBe(2);
    expect((await net.cli(['plan', 'topology.yaml'])).code).toBe(0);
    await net.reconcile('apply');
    expect((await net.cli(['plan', 'topology.yaml', '--detailed-exitcode'])).code).toBe(0);
    await net.write(basicYaml().replace('child: AUX', 'child: NOPE'));
    expect((await net.cli(['plan', 'topology.yaml', '--detailed-exitcode'])).code).toBe(1);
  });
});

describe('secrets never leak', () => {
  it('appears in no output of plan, apply, audit, import or logs, in any format', async () => {
    const inline = 'Inline-Plaintext-Secret-42';
    net = await makeNetwork(
      ['MAIN', 'AUX', 'EAST'],
      basicYaml(
        `  - peers: [EAST, MAIN]\n    password: ${inline}\n    flows: { updates: both, events: none, licenses: none }\n`,
      ).replace(
        '  AUX:',
        '  EAST: { address: east.example, certificates: [certs/EAST.pem] }\n  AUX:',
      ),
      { PW_MAIN_AUX: PW },
    );
    const outputs: string[] = [];
    const run = async (args: string[]) => {
      const r = await net.cli([...args, '--log-level', 'debug']);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    for (const format of ['text', 'json', 'markdown', 'runbook']) {
      expect((await run(['plan', 'topology.yaml', '--format', format])).code).toBe(0);
    }
    await run(['plan', 'topology.yaml', '--out', 'plan.json']);
    outputs.push(await readFile(path.join(net.dir, 'plan.json'), 'utf8'));
    expect((await run(['apply', 'plan.json', '--yes', '--format', 'json'])).code).toBe(0);
    await net.write(
      (await readFile(net.file, 'utf8')).replace('updates: both', 'updates: EAST->MAIN'),
    );
    await run(['apply', 'topology.yaml', '--yes']);
    await run(['apply', 'topology.yaml', '--yes', '--format', 'json']);
    for (const format of ['text', 'json', 'github', 'sarif'])
      await run(['audit', 'topology.yaml', '--format', format]);
    await run(['import', '--state', 'state', '--out', 'imported', '--format', 'json']);
    await run(['import', '--state', 'state', '--out', 'imported2']);
    await run(['validate', 'topology.yaml', '--secrets']);
    outputs.push(await readFile(path.join(net.dir, 'imported', 'topology.yaml'), 'utf8'));
    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(PW);
    expect(all).not.toContain(inline);
  });
});
