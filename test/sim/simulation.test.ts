/** startSimulation in-process: seeding from state files, refusals, both sides dialing, a server going down. */
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { reconcileOnce } from '../../src/engine/index.js';
import type { Logger } from '../../src/model/index.js';
import { quietContext } from '../../src/model/index.js';
import { DirBackend } from '../../src/backends/index.js';
import { SimConfigError, type Simulation } from '../../src/sim/index.js';
import {
  REPO,
  copyExample,
  eventually,
  generateTopology,
  httpBackendFor,
  serverYaml,
  simulate,
  type TopologyCopy,
  type GeneratedTopology,
} from './helpers.js';

let sim: Simulation | undefined;
let copy: TopologyCopy | GeneratedTopology | undefined;

afterEach(async () => {
  await sim?.stop();
  await copy?.cleanup();
  sim = copy = undefined;
});

function online(s: Simulation, server: string, neighbor: string): boolean {
  return (
    s
      .linkViews()
      .get(server)
      ?.find((v) => v.neighbor === neighbor)?.state === 'online'
  );
}

function recorder(lines: string[]): Logger {
  const rec = (obj: object, msg?: string) => void lines.push(JSON.stringify({ ...obj, msg }));
  const l: Logger = { debug: rec, info: rec, warn: rec, error: rec, child: () => l };
  return l;
}

describe('startSimulation', () => {
  it('seeds servers from dir-backend state files, whose links then come up', async () => {
    copy = await copyExample('basic');
    const stateDir = path.join(copy.dir, 'state');
    const applied = await reconcileOnce(
      {
        file: copy.file,
        mode: 'apply',
        env: {},
        backend: async (endpoints) => new DirBackend({ dir: stateDir, endpoints }),
      },
      quietContext(),
    );
    expect(applied.outcome).toBe('applied');
    const lines: string[] = [];
    sim = await simulate(copy.file, { stateDir, logger: recorder(lines) });
    expect(sim.servers.get('MAIN')!.state.revision).toBe(3);
    expect(sim.servers.get('AUXILIARY')!.state.neighbors.map((e) => e.name)).toEqual(['MAIN']);
    await eventually(() =>
      online(sim!, 'MAIN', 'AUXILIARY') && online(sim!, 'AUXILIARY', 'MAIN') ? true : undefined,
    );
    expect(lines.join('\n')).toContain('link online');
    expect(lines.join('\n')).not.toContain('demo-only-main-auxiliary-link-password');
  });

  it('keeps a peer link up once when both sides dial, and logs the duplicate activation', async () => {
    copy = await generateTopology(['EAST', 'WEST'], (t) =>
      [
        'apiVersion: avnet/v1',
        'kind: Topology',
        'servers:',
        serverYaml(t, 'EAST'),
        serverYaml(t, 'WEST'),
        'links:',
        '  - peers: [EAST, WEST]',
        '    password: link-pw-both-dial',
        '    dial: both',
        '    flows: { updates: both, events: none, licenses: none }',
        '',
      ].join('\n'),
    );
    const lines: string[] = [];
    sim = await simulate(copy.file, { logger: recorder(lines) });
    const backend = await httpBackendFor(sim, copy.file);
    try {
      const r = await reconcileOnce(
        { file: copy.file, mode: 'apply', env: {}, backend: async () => backend },
        quietContext(),
      );
      expect(r.outcome).toBe('applied');
      await eventually(() =>
        online(sim!, 'EAST', 'WEST') && online(sim!, 'WEST', 'EAST') ? true : undefined,
      );
      const merged = await backend.linkStatus(quietContext());
      expect(merged).toEqual([
        { a: 'EAST', b: 'WEST', type: 'peer', state: 'online', reason: null, detail: null },
      ]);
      await eventually(
        () =>
          lines.some((l) => l.includes('Link with the same key id is already activated'))
            ? true
            : undefined,
        5000,
        'the duplicate activation warning',
      );
      // It settles: no more connections lost once the warning is logged.
      await new Promise((r) => setTimeout(r, 1000));
      const settled = lines.length;
      await new Promise((r) => setTimeout(r, 1000));
      expect(lines.slice(settled).filter((l) => l.includes('connection-lost'))).toEqual([]);
      expect(online(sim, 'EAST', 'WEST') && online(sim, 'WEST', 'EAST')).toBe(true);
    } finally {
      await backend.close();
    }
  });

  it('drops the links of a server that goes down, and restores them when it is back', async () => {
    copy = await copyExample('basic');
    sim = await simulate(copy.file);
    const backend = await httpBackendFor(sim, copy.file);
    try {
      await reconcileOnce(
        { file: copy.file, mode: 'apply', env: {}, backend: async () => backend },
        quietContext(),
      );
      await eventually(() => (online(sim!, 'AUXILIARY', 'MAIN') ? true : undefined));
      await sim.setDown('MAIN', true);
      const lost = await eventually(() => {
        const v = sim!.linkViews().get('AUXILIARY')![0]!;
        return v.state === 'offline' && v.reason === 'unreachable' ? v : undefined;
      });
      expect(lost.detail).toMatch(/ECONNREFUSED/);
      const [status] = await backend.linkStatus(quietContext());
      expect(status?.reason).toBe('unreachable');
      expect(status?.detail).toMatch(/^connect ECONNREFUSED/);
      await sim.setDown('MAIN', false);
      await eventually(() =>
        online(sim!, 'AUXILIARY', 'MAIN') && online(sim!, 'MAIN', 'AUXILIARY') ? true : undefined,
      );
    } finally {
      await backend.close();
    }
  });

  it('links servers with EC and Ed25519 identities, and never dials off loopback', async () => {
    const fixtures = path.join(REPO, 'test/fixtures/certs');
    copy = await generateTopology(['EC', 'ED', 'FAR'], (t) =>
      [
        'apiVersion: avnet/v1',
        'kind: Topology',
        'servers:',
        serverYaml(t, 'EC').replace(t.cert('EC'), 'certs/ec-p256.pem'),
        serverYaml(t, 'ED')
          .replace(t.cert('ED'), 'certs/ed25519.pem')
          .replace('https://127.0.0.1:', 'https://localhost:'),
        serverYaml(t, 'FAR'),
        'links:',
        '  - { parent: EC, child: ED, password: ec-ed-link-pw }',
        '  - { parent: EC, child: FAR, password: ec-far-link-pw, address: "10.0.0.5:2193" }',
        '',
      ].join('\n'),
    );
    for (const f of ['ec-p256', 'ed25519'])
      for (const ext of ['pem', 'key'])
        await writeFile(
          path.join(copy.dir, 'certs', `${f}.${ext}`),
          await readFile(path.join(fixtures, `${f}.${ext}`)),
        );
    sim = await simulate(copy.file);
    const backend = await httpBackendFor(sim, copy.file);
    try {
      const r = await reconcileOnce(
        { file: copy.file, mode: 'apply', env: {}, backend: async () => backend },
        quietContext(),
      );
      expect(r.outcome).toBe('applied');
      await eventually(() =>
        online(sim!, 'ED', 'EC') && online(sim!, 'EC', 'ED') ? true : undefined,
      );
      const far = await eventually(() => {
        const v = sim!.linkViews().get('FAR')![0]!;
        return v.reason === 'unreachable' ? v : undefined;
      });
      expect(far.detail).toBe(
        '10.0.0.5:2193 is not a loopback address; the emulator connects only to 127.0.0.0/8, ::1 or localhost',
      );
    } finally {
      await backend.close();
    }
  });

  it('refuses addresses off loopback, keys that do not match, and unknown --down servers', async () => {
    copy = await copyExample('basic');
    await copy.edit((y) => y.replace(/address: 127\.0\.0\.1:(\d+)/, 'address: 10.0.0.5:$1'));
    await expect(simulate(copy.file)).rejects.toThrow(
      /address 10\.0\.0\.5:\d+ is not a loopback address/,
    );
    await copy.edit((y) => y.replace('10.0.0.5', '127.0.0.1'));
    await writeFile(
      path.join(copy.dir, 'certs', 'MAIN.key'),
      await readFile(path.join(copy.dir, 'certs', 'AUXILIARY.key')),
    );
    const err = await simulate(copy.file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimConfigError);
    expect((err as Error).message).toMatch(
      /certs\/MAIN\.key is not the private key of certs\/MAIN\.pem/,
    );
    await expect(
      simulate(path.join(REPO, 'examples/basic/topology.yaml'), { down: ['NOPE'] }),
    ).rejects.toThrow(/--down names unknown server\(s\): NOPE/);
  });
});
