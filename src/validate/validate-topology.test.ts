import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAD, Workspace, fixture, lines, summarize } from '../../test/helpers/topology.js';
import { loadTopology, loadTopologyText } from '../load/index.js';
import { validateTopology } from './validate-topology.js';
import { TOPOLOGY_RULES, duplicateAddressRule } from './rules/index.js';

let ws: Workspace;
beforeAll(async () => {
  ws = await Workspace.create();
});
afterAll(async () => {
  await ws.cleanup();
});

/** Every fixture key type on its own server, with v10 interop over the RSA key. */
const MIXED = {
  yaml:
    HEAD +
    lines(
      'name: mixed-keys',
      'defaults: {encryption: yes, connection: periodic}',
      'servers:',
      '  HQ: {address: hq.example, certificates: [tls/ec-p256.pem], publicKey: tls/ec-p256.pub}',
      '  EAST: {address: "[2001:db8::1]:2193", version: 12, certificates: [tls/ec-p384.pem]}',
      '  WEST: {address: west.example, version: 11, certificates: [tls/ed25519.pem]}',
      '  OLD: {address: old.example, version: 10, certificates: [tls/rsa2048.pem], publicKey: tls/rsa2048.pub}',
      'links:',
      '  - parent: HQ',
      '    child: EAST',
      '    password: {env: AVNET_HQ_EAST}',
      '    reconnectPeriod: 15m',
      '    notify: [HQ]',
      '    licenses: {validity: 30d, renewBefore: 7d, syncPeriod: 1h}',
      '    restrictions: {updates: ["mon-fri 09:00-18:00"], events: ["daily 00:00-24:00"]}',
      '  - peers: [EAST, WEST]',
      '    password: {file: secrets/east-west}',
      '    dial: WEST',
      '    flows: {updates: EAST->WEST, events: both, licenses: none}',
      '  - {parent: HQ, child: OLD, password: {env: AVNET_HQ_OLD}}',
    ),
  files: {
    'tls/ec-p256.pem': fixture('ec-p256.pem'),
    'tls/ec-p256.pub': fixture('ec-p256.pub'),
    'tls/ec-p384.pem': fixture('ec-p384.pem'),
    'tls/ed25519.pem': fixture('ed25519.pem'),
    'tls/rsa2048.pem': fixture('rsa2048.pem'),
    'tls/rsa2048.pub': fixture('rsa2048.pub'),
    'secrets/east-west': 'ew-password\n',
  },
};

describe('validateTopology', () => {
  it('validates a topology of EC P-256, EC P-384, Ed25519 and RSA certificates clean', async () => {
    const run = await ws.run(MIXED, {
      load: {
        resolveSecrets: true,
        env: { AVNET_HQ_EAST: 'hq-east-k3J9vQ2x', AVNET_HQ_OLD: 'hq-old-Lm8tWr5z' },
      },
    });
    expect(run.diagnostics).toEqual([]);
    expect([run.result.errors, run.result.warnings]).toEqual([0, 0]);
    const certs = run.result.certificates.certificates;
    expect([...certs.keys()].sort()).toEqual([
      'tls/ec-p256.pem',
      'tls/ec-p384.pem',
      'tls/ed25519.pem',
      'tls/rsa2048.pem',
    ]);
    for (const info of certs.values()) expect(info.ok).toBe(true);
    expect([...run.result.certificates.publicKeys.values()].every((k) => k.ok)).toBe(true);
  });

  it('gives the same diagnostics for text in memory and the file on disk', async () => {
    const broken = {
      yaml: MIXED.yaml
        .replace('hq.example', 'west.example')
        .replace('renewBefore: 7d', 'renewBefore: 30d'),
      files: MIXED.files,
    };
    const onDisk = await ws.run(broken);
    const text = await readFile(onDisk.file, 'utf8');
    const inMemory = validateTopology(
      await loadTopologyText(text, onDisk.file, { rootDir: path.dirname(onDisk.file) }),
    );
    expect(summarize(onDisk.diagnostics)).toEqual([
      {
        rule: 'duplicate-address',
        severity: 'error',
        pointer: '/servers/WEST/address',
        at: '8:19',
        related: ['6:17'],
      },
      {
        rule: 'license-periods',
        severity: 'error',
        pointer: '/links/0/licenses/renewBefore',
        at: '16:44',
        related: ['16:26'],
      },
    ]);
    expect(inMemory.diagnostics).toEqual(onDisk.diagnostics);
    expect([onDisk.result.errors, onDisk.result.warnings]).toEqual([2, 0]);
  });

  it('sorts diagnostics by position and counts errors and warnings', async () => {
    const run = await ws.run(
      HEAD +
        lines(
          'servers:',
          '  A: {address: a.example, certificates: [certs/A.pem]}',
          '  B: {address: b.example, certificates: [certs/B.pem]}',
          'links:',
          '  - peers: [A, B]',
          '    password: inline-pw',
          '    flows: {updates: none}',
          '    dial: both',
        ),
    );
    expect(summarize(run.diagnostics).map((d) => `${d.at} ${d.rule}`)).toEqual([
      '8:15 plaintext-secret',
      '9:12 no-dataflow',
      '10:11 peer-address-both-sides',
    ]);
    expect([run.result.errors, run.result.warnings]).toEqual([1, 2]);
  });

  it('runs only the given rules', async () => {
    const yaml =
      HEAD +
      lines(
        'servers:',
        '  A: {address: x.example}',
        '  B: {address: "x.example:0"}',
        '  C: {address: x.example}',
      );
    const all = await ws.run(yaml);
    expect(all.diagnostics.map((d) => d.rule).sort()).toEqual([
      'duplicate-address',
      'invalid-address',
    ]);
    const one = await ws.run(yaml, { validate: { rules: [duplicateAddressRule] } });
    expect(one.diagnostics.map((d) => d.rule)).toEqual(['duplicate-address']);
  });

  it('runs no rule on a file that does not parse', async () => {
    const run = await ws.run(HEAD + 'servers:\n  A: {address: "x.example:0"}\n  A: {}\n');
    expect(summarize(run.diagnostics)).toEqual([
      { rule: 'yaml-syntax', severity: 'error', pointer: '', at: '5:3' },
    ]);
  });

  it('reports a missing topology file as missing, without a source map', async () => {
    const loaded = await loadTopology(path.join(ws.root, 'no-such-topology.yaml'));
    expect(loaded.missing).toBe(true);
    const result = validateTopology(loaded);
    expect(summarize(result.diagnostics)).toEqual([
      { rule: 'yaml-syntax', severity: 'error', pointer: '', at: '1:1' },
    ]);
    expect(result.diagnostics[0]!.message).toContain('does not exist');
  });

  it('reports a binary topology file', async () => {
    const { file } = await ws.write({ yaml: 'apiVersion: avnet/v1\u0000\n' });
    const result = validateTopology(await loadTopology(file));
    expect(result.diagnostics.map((d) => [d.rule, d.message])).toEqual([
      ['yaml-syntax', 'file is binary, not YAML text (NUL byte at offset 20)'],
    ]);
  });

  it('has every topology rule registered once', () => {
    const ids = TOPOLOGY_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows invisible and bidirectional characters of names escaped in every message', async () => {
    const run = await ws.run(
      HEAD +
        lines(
          'servers:',
          '  "MAIN\\u202EX": {address: main.example, certificates: [certs/MAIN.pem]}',
          '  "AU\\u200BX": {address: main.example, certificates: [certs/AUX.pem]}',
          'links:',
          '  - {parent: "MAIN\\u202EX", child: "MAIN\\u202EX", password: {env: P}}',
          '  - {parent: "AU\\u200BX", child: "B\\u2066", password: {env: P}}',
        ),
    );
    const rules = new Set(run.diagnostics.map((d) => d.rule));
    for (const r of ['self-link', 'duplicate-address', 'unknown-server', 'invisible-character'])
      expect(rules).toContain(r);
    const texts = run.diagnostics.flatMap((d) => [
      d.message,
      ...(d.related ?? []).map((r) => r.message),
    ]);
    for (const t of texts) expect(t).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b]/);
    expect(texts.join('\n')).toContain('MAIN⟨U+202E⟩X');
    expect(texts.join('\n')).toContain('AU⟨U+200B⟩X');
  });
});
