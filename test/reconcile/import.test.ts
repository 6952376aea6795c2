import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { basicYaml, makeNetwork, pool, runCli, type TestNetwork } from './network.js';

const RICH = `apiVersion: avnet/v1
kind: Topology
servers:
  HQ: { address: hq.example, certificates: [certs/HQ.pem], publicKey: certs/HQ.pub, encryption: yes, consoleUrl: "https://hq.example:9081/" }
  EU: { address: "eu.example:2200", certificates: [certs/EU.pem] }
  US: { address: us.example, certificates: [certs/US.pem], compression: no }
  OLD: { address: old.example, version: 10, certificates: [certs/OLD.pem], publicKey: certs/OLD.pub }
links:
  - parent: HQ
    child: EU
    password: { env: P1 }
    licenses: { validity: 30d, renewBefore: 7d, syncPeriod: 1h }
    notify: [HQ]
    restrictions: { updates: ["mon-fri 09:00-18:00"] }
  - parent: HQ
    child: US
    password: { env: P2 }
    address: "10.0.0.1:2193"
    connection: periodic
    reconnectPeriod: 30m
  - peers: [EU, US]
    password: { env: P3 }
    dial: US
    flows: { updates: EU->US, events: both, licenses: none }
    notify: [US]
    compression: possible
  - parent: HQ
    child: OLD
    password: { env: P4 }
`;
const ENV = {
  P1: 'secret-one-1111',
  P2: 'secret-two-2222',
  P3: 'secret-three-3333',
  P4: 'secret-four-4444',
};

let net: TestNetwork;
beforeAll(() => void pool.warm('HQ', 'EU', 'US', 'OLD'));
afterEach(async () => net?.cleanup());

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/'\\''/g, "'");
  }
  return out;
}

describe('import', () => {
  it('writes a topology whose plan against the same state is empty', async () => {
    net = await makeNetwork(['HQ', 'EU', 'US', 'OLD'], RICH, ENV);
    expect((await net.reconcile('apply')).outcome).toBe('applied');
    const imported = await net.cli([
      'import',
      '--state',
      'state',
      '--out',
      'imported',
      '--write-secrets',
      '--format',
      'json',
    ]);
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout);
    expect(report.links).toBe(4);
    expect(report.secrets.map((s: { env: string }) => s.env).sort()).toHaveLength(4);
    expect(imported.stdout).not.toMatch(/secret-(one|two|three|four)/);
    const envFile = path.join(net.dir, 'imported', 'secrets.env');
    const secrets = parseEnvFile(await readFile(envFile, 'utf8'));
    expect(Object.values(secrets).sort()).toEqual(Object.values(ENV).sort());
    const topo = path.join(net.dir, 'imported', 'topology.yaml');
    const validate = await runCli(['validate', topo, '--strict'], { cwd: net.dir });
    expect(validate.code).toBe(0);
    const plan = await runCli(['plan', topo, '--state', 'state', '--format', 'json'], {
      cwd: net.dir,
      env: secrets,
    });
    expect(plan.stderr).toBe('');
    expect(JSON.parse(plan.stdout).changes).toEqual([]);
  });

  it('adopts a hand-configured network: empty plan first, then changes take the entries over', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: 'hand-made-secret' });
    await net.reconcile('apply');
    // Make it look configured by hand in the Control Center: no managedBy marker.
    for (const f of ['MAIN.json', 'AUX.json']) {
      const file = path.join(net.state, f);
      const s = JSON.parse(await readFile(file, 'utf8'));
      for (const e of s.neighbors) delete e.managedBy;
      await writeFile(file, JSON.stringify(s));
    }
    const imported = await net.cli(['import', '--state', 'state', '--out', 'imported']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/AVNET_AUX_MAIN/);
    const topo = path.join(net.dir, 'imported', 'topology.yaml');
    const env = { AVNET_AUX_MAIN: 'hand-made-secret' };
    const plan = await runCli(['plan', topo, '--state', 'state', '--format', 'json'], {
      cwd: net.dir,
      env,
    });
    expect(JSON.parse(plan.stdout).changes).toEqual([]);
    await writeFile(
      topo,
      (await readFile(topo, 'utf8')).replace(
        'password: { env: AVNET_AUX_MAIN }',
        'password: { env: AVNET_AUX_MAIN }\n    encryption: yes',
      ),
    );
    const changed = await runCli(['plan', topo, '--state', 'state', '--format', 'json'], {
      cwd: net.dir,
      env,
    });
    const fields = JSON.parse(changed.stdout).changes.map((c: { fields: { field: string }[] }) =>
      c.fields.map((f) => f.field),
    );
    expect(fields).toEqual([
      ['encryption', 'managedBy'],
      ['encryption', 'managedBy'],
    ]);
  });

  it('fills in port 2193 where hand-made entries hold an address without one', async () => {
    const yaml = `apiVersion: avnet/v1
kind: Topology
servers:
  MAIN: { address: main.example, certificates: [certs/MAIN.pem] }
  AUX: { address: aux.example, certificates: [certs/AUX.pem] }
  AUX2: { address: aux2.example, certificates: [certs/AUX2.pem] }
links:
  - { parent: MAIN, child: AUX, password: { env: PW_A } }
  - { parent: MAIN, child: AUX2, password: { env: PW_B } }
`;
    net = await makeNetwork(['MAIN', 'AUX', 'AUX2'], yaml, {
      PW_A: 'pw-a-1234',
      PW_B: 'pw-b-5678',
    });
    await net.reconcile('apply');
    // AUX's entry was typed by hand without a port (the server then dials the default 2193).
    const file = path.join(net.state, 'AUX.json');
    const s = JSON.parse(await readFile(file, 'utf8'));
    expect(s.neighbors[0].address).toBe('main.example:2193');
    s.neighbors[0].address = 'main.example';
    await writeFile(file, JSON.stringify(s));
    const imported = await net.cli(['import', '--state', 'state', '--out', 'imported']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(
      `AUX's entry for MAIN holds the address "main.example" without a port; the next apply writes "main.example:2193" (the Dr.Web default port)`,
    );
    const topo = path.join(net.dir, 'imported', 'topology.yaml');
    const text = await readFile(topo, 'utf8');
    // One address for MAIN, with its port; no per-link address for the same endpoint.
    expect(text).toMatch(/^ {2}MAIN:\n {4}address: main\.example:2193$/m);
    expect(text.match(/^ {4}address:/gm)).toHaveLength(1);
    const plan = await runCli(['plan', topo, '--state', 'state', '--format', 'json'], {
      cwd: net.dir,
      env: { AVNET_AUX_MAIN: 'pw-a-1234', AVNET_AUX2_MAIN: 'pw-b-5678' },
    });
    const changes = JSON.parse(plan.stdout).changes as {
      server: string;
      fields: { field: string; before: unknown; after: unknown }[];
    }[];
    expect(
      changes.map((c) => [c.server, c.fields.map((f) => [f.field, f.before, f.after])]),
    ).toEqual([['AUX', [['address', 'main.example', 'main.example:2193']]]]);
  });

  it('reports what it cannot import', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: 'pw-12345678' });
    await net.reconcile('apply');
    const file = path.join(net.state, 'AUX.json');
    const s = JSON.parse(await readFile(file, 'utf8'));
    s.neighbors = [];
    await writeFile(file, JSON.stringify(s));
    const audit = await net.cli(['audit', '--state', 'state', '--format', 'json']);
    expect(audit.code).toBe(1);
    expect(JSON.parse(audit.stdout).diagnostics.map((d: { rule: string }) => d.rule)).toContain(
      'one-sided-link',
    );
    const imported = await net.cli(['import', '--state', 'state', '--out', 'imported']);
    expect(imported.stdout).toMatch(/one-sided/);
  });

  it('audits a certificate mismatch: the entry and the neighbor it does not match', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: 'pw-12345678' });
    await net.reconcile('apply');
    // AUX's entry for MAIN pins a certificate MAIN does not hold (a reinstalled MAIN, say).
    const file = path.join(net.state, 'AUX.json');
    const s = JSON.parse(await readFile(file, 'utf8'));
    s.neighbors[0].neighborCertificates = [pool.get('OTHER').certificatePem];
    await writeFile(file, JSON.stringify(s));
    const audit = await net.cli(['audit', '--state', 'state', '--format', 'json']);
    expect(audit.code).toBe(1);
    const diagnostics = JSON.parse(audit.stdout).diagnostics as {
      rule: string;
      message: string;
      related?: { message: string }[];
    }[];
    expect(diagnostics.map((d) => d.rule)).toEqual(['certificate-mismatch']);
    expect(diagnostics[0]!.message).toMatch(
      /^AUX's entry for MAIN lists none of the certificates MAIN holds as its own/,
    );
    expect(diagnostics[0]!.related?.map((r) => r.message)).toEqual([
      "MAIN's own certificates, in its entry for AUX",
    ]);
  });

  it('calls an audit that could not read a server incomplete, not valid', async () => {
    net = await makeNetwork(['MAIN', 'AUX'], basicYaml(), { PW_MAIN_AUX: 'pw-12345678' });
    await net.reconcile('apply');
    await writeFile(path.join(net.state, 'AUX.json'), '{ not json');
    const text = await net.cli(['audit', '--state', 'state']);
    expect(text.code).toBe(1);
    expect(text.stdout).not.toMatch(/valid/);
    expect(text.stdout).toMatch(/state: incomplete: 1 server could not be read \(AUX\)/);
    expect(text.stderr).toMatch(/^avnet: AUX: /m);
    expect(text.stderr).not.toMatch(/AUX: AUX/);
    const json = await net.cli(['audit', '--state', 'state', '--format', 'json']);
    expect(json.code).toBe(1);
    // MAIN's entry for AUX cannot be judged without AUX's state: no one-sided-link for it.
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      unreadable: ['AUX'],
      diagnostics: [],
    });
  });
});
