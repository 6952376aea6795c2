/**
 * The emulator serves its management APIs on every loopback host the topology names (the docs
 * allow all of 127.0.0.0/8, ::1 and localhost), so its certificate must name each of them: with
 * servers on 127.0.0.21, 127.0.0.22 and `localhost`, `avnet apply --backend http --ca` trusts every
 * one of them and the links come online; in-process, a simulation given an identity made for
 * other hosts serves these with a certificate from the same CA.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quietContext } from '../../src/model/index.js';
import {
  ADMIN,
  generateTopology,
  httpBackendFor,
  simulate,
  type GeneratedTopology,
} from './helpers.js';
import { cliEnv, runAvnet, startSimProcess, type SimProcess } from './cli-helpers.js';

const SECRETS = { AVNET_A_B: 'a-b-secret-41c7e2', AVNET_A_C: 'a-c-secret-93d0aa' };

let topo: GeneratedTopology | undefined;
let sim: SimProcess | undefined;

afterAll(async () => {
  await sim?.stop();
  await topo?.cleanup();
});

/** Moves a `127.0.0.1:PORT` (or URL) onto another loopback host. */
const onHost = (hostPort: string, host: string) => hostPort.replace('127.0.0.1', host);

/** Servers A on 127.0.0.21, B on 127.0.0.22 and C's api on localhost. */
function threeHosts(): Promise<GeneratedTopology> {
  return generateTopology(['A', 'B', 'C'], (t) =>
    [
      'apiVersion: avnet/v1',
      'kind: Topology',
      'servers:',
      '  A:',
      `    address: ${onHost(t.address('A'), '127.0.0.21')}`,
      `    api: ${onHost(t.api('A'), '127.0.0.21')}`,
      `    certificates: [${t.cert('A')}]`,
      '  B:',
      `    address: ${onHost(t.address('B'), '127.0.0.22')}`,
      `    api: ${onHost(t.api('B'), '127.0.0.22')}`,
      `    certificates: [${t.cert('B')}]`,
      '  C:',
      `    address: ${t.address('C')}`,
      `    api: ${onHost(t.api('C'), 'localhost')}`,
      `    certificates: [${t.cert('C')}]`,
      'links:',
      '  - parent: A',
      '    child: B',
      '    password: { env: AVNET_A_B }',
      '  - parent: A',
      '    child: C',
      '    password: { env: AVNET_A_C }',
      '',
    ].join('\n'),
  );
}

describe('avnet sim on several loopback hosts', { timeout: 90_000 }, () => {
  it('names every api host in its certificate, so apply --ca --wait succeeds', async () => {
    topo = await threeHosts();
    const env = cliEnv(SECRETS);
    const tlsDir = path.join(topo.dir, 'tls');
    sim = await startSimProcess(topo.file, tlsDir, [], env);
    expect(sim.stdout()).toMatch(/^A\s+server protocol 127\.0\.0\.21:\d+/m);

    const applied = await runAvnet(
      [
        'apply',
        topo.file,
        '--backend',
        'http',
        '--ca',
        path.join(tlsDir, 'ca.pem'),
        '--yes',
        '--wait',
        '30s',
      ],
      env,
    );
    expect(applied.stdout + applied.stderr).not.toMatch(/not trusted/);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/All 2 links are online/);
    for (const secret of [...Object.values(SECRETS), ADMIN.password]) {
      expect(applied.stdout + applied.stderr + sim.stdout() + sim.stderr()).not.toContain(secret);
    }
    // The CA file is the only trust needed: it signed the certificate every api host presents.
    const ca = new X509Certificate(await readFile(path.join(tlsDir, 'ca.pem'), 'utf8'));
    expect(ca.ca).toBe(true);
  });

  it('in-process, serves those hosts with an identity made for others, from the same CA', async () => {
    const local = await threeHosts();
    const sim = await simulate(local.file); // the shared identity names only the defaults
    const backend = await httpBackendFor(sim, local.file);
    try {
      for (const name of ['A', 'B', 'C']) {
        const state = await backend.readServer(name, quietContext());
        expect(state?.name).toBe(name);
      }
    } finally {
      await backend.close();
      await sim.stop();
      await local.cleanup();
    }
  });
});
