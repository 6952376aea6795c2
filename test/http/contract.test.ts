/** The backend contract suite, run against the http backend talking to emulated servers. */
import { afterAll, beforeAll } from 'vitest';
import { HttpBackend } from '../../src/backends/index.js';
import { describeBackendContract } from '../backends/contract.js';
import {
  ADMIN,
  generateTopology,
  serverYaml,
  sharedTls,
  simulate,
  type GeneratedTopology,
} from '../sim/helpers.js';

const NAMES = ['MAIN', 'Branch Office/Ü', 'ÜBER-2'] as const;
let topo: GeneratedTopology;

beforeAll(async () => {
  sharedTls();
  topo = await generateTopology(NAMES, (t) =>
    [
      'apiVersion: avnet/v1',
      'kind: Topology',
      'servers:',
      ...NAMES.map((n) => serverYaml(t, n)),
      'links: []',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await topo?.cleanup();
});

describeBackendContract('http (emulated servers)', async () => {
  const sim = await simulate(topo.file);
  const endpoints = NAMES.map((n) => ({ name: n, version: 13, api: topo.api(n) }));
  const make = (owner: string) =>
    new HttpBackend({
      endpoints,
      owner,
      client: { ...ADMIN, ca: sim.caPem, retries: 2, timeoutMs: 5000 },
    });
  const backend = make('me@here');
  const second = make('someone-else@elsewhere');
  return {
    backend,
    second,
    servers: NAMES,
    async cleanup() {
      await backend.close();
      await second.close();
      await sim.stop();
    },
  };
});
