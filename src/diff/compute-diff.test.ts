import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServerCertificate } from '../certs/index.js';
import { loadTopologyText, type LoadedTopology } from '../load/index.js';
import { computeTopologyDiff } from './compute-diff.js';
import type { FieldChange, TopologyDiff } from './diff-model.js';
import { formatDiffJson } from './format-json.js';
import { formatDiffMarkdown } from './format-markdown.js';
import { formatDiffText } from './format-text.js';

const HEAD = 'apiVersion: avnet/v1\nkind: Topology\n';

const SERVERS = `
servers:
  MAIN:
    address: main.example
    certificates: [certs/main.pem]
  AUX:
    address: aux.example
  EAST:
    address: east.example
  WEST:
    address: west.example
`;

const LINKS = `
links:
  - parent: MAIN
    child: AUX
    password: { env: MAIN_AUX }
  - peers: [EAST, WEST]
    password: { env: EAST_WEST }
    flows: { updates: EAST->WEST, events: both, licenses: none }
`;

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'avnet-diff-unit-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let dirs = 0;
/** Loads topology text with its own folder, holding the given files. */
async function load(text: string, files: Record<string, string> = {}): Promise<LoadedTopology> {
  const dir = path.join(tmp, `t${dirs++}`);
  await mkdir(dir, { recursive: true });
  for (const [p, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
    await writeFile(path.join(dir, p), content);
  }
  return loadTopologyText(text, 'topology.yaml', { rootDir: dir });
}

async function diffOf(
  before: string,
  after: string,
  files: { before?: Record<string, string>; after?: Record<string, string> } = {},
): Promise<TopologyDiff> {
  const [o, n] = await Promise.all([load(before, files.before), load(after, files.after)]);
  expect(o.parsedOk && n.parsedOk).toBe(true);
  return computeTopologyDiff(o, n);
}

function fields(diff: TopologyDiff, label: string): readonly FieldChange[] {
  const s = diff.servers.changed.find((c) => c.name === label);
  if (s) return s.fields;
  const l = diff.links.changed.find((c) => c.label === label);
  if (l) return l.fields;
  throw new Error(`no change for ${label}`);
}

function allFormats(diff: TopologyDiff): string {
  return formatDiffText(diff) + formatDiffJson(diff) + formatDiffMarkdown(diff);
}

describe('computeTopologyDiff', () => {
  it('finds nothing between equal topologies', async () => {
    const text = HEAD + SERVERS + LINKS;
    const diff = await diffOf(text, text);
    expect(diff.summary).toEqual({
      topology: { changed: 0 },
      servers: { added: 0, removed: 0, changed: 0 },
      links: { added: 0, removed: 0, changed: 0 },
      differences: false,
    });
    expect(formatDiffText(diff)).toContain('No differences.');
  });

  it('reports servers added, removed and changed field by field', async () => {
    const after =
      HEAD +
      SERVERS.replace(
        '  AUX:\n    address: aux.example\n',
        [
          '  AUX:',
          '    address: aux2.example:4000',
          '    version: 12',
          '    consoleUrl: https://aux/',
          '    api: https://aux:9081',
          '    encryption: "yes"',
          '    compression: "no"',
          '    protocol: disabled',
          '  NEW:',
          '    address: new.example',
          '',
        ].join('\n'),
      ).replace('  WEST:\n    address: west.example\n', '');
    const diff = await diffOf(HEAD + SERVERS, after);
    expect(diff.servers.added.map((s) => s.name)).toEqual(['NEW']);
    expect(diff.servers.added[0]).toMatchObject({ address: 'new.example', version: 13 });
    expect(diff.servers.removed.map((s) => s.name)).toEqual(['WEST']);
    expect(diff.servers.changed.map((s) => s.name)).toEqual(['AUX']);
    expect(fields(diff, 'AUX')).toEqual([
      { field: 'address', before: 'aux.example', after: 'aux2.example:4000' },
      { field: 'version', before: 13, after: 12 },
      { field: 'consoleUrl', before: null, after: 'https://aux/' },
      { field: 'api', before: null, after: 'https://aux:9081' },
      { field: 'encryption', before: null, after: 'yes', affectedLinks: 0 },
      { field: 'compression', before: null, after: 'no', affectedLinks: 0 },
      { field: 'protocol', before: 'enabled', after: 'disabled' },
    ]);
    expect(diff.summary.servers).toEqual({ added: 1, removed: 1, changed: 1 });
    const text = formatDiffText(diff);
    expect(text).toContain('  + NEW (address new.example, version 13)');
    expect(text).toContain('  - WEST');
    expect(text).toContain('  ~ AUX\n      address: aux.example → aux2.example:4000');
    expect(text).toContain(
      'Servers: 1 added, 1 removed, 1 changed. Links: 0 added, 0 removed, 0 changed.',
    );
  });

  it('treats equal endpoints, durations and reordered sets as unchanged', async () => {
    const before =
      HEAD +
      SERVERS +
      `
links:
  - parent: MAIN
    child: AUX
    password: { env: P }
    connection: periodic
    reconnectPeriod: 60m
    licenses: { validity: 7d }
    notify: [MAIN]
    restrictions: { updates: ["mon-fri 09:00-18:00", "sat 00:00-01:00"] }
`;
    const after = before
      .replace('address: main.example', 'address: MAIN.example:2193')
      .replace('60m', '1h')
      .replace('7d', '1w')
      .replace(
        '["mon-fri 09:00-18:00", "sat 00:00-01:00"]',
        '["sat 00:00-01:00", "mon,tue,wed,thu,fri 09:00-18:00"]',
      );
    const diff = await diffOf(before, after);
    expect(diff.summary.differences).toBe(false);
  });

  it('shows a parent/child direction flip as a type change of one link', async () => {
    const after = (HEAD + SERVERS + LINKS).replace(
      'parent: MAIN\n    child: AUX',
      'parent: AUX\n    child: MAIN',
    );
    const diff = await diffOf(HEAD + SERVERS + LINKS, after);
    expect(diff.links.added).toEqual([]);
    expect(diff.links.removed).toEqual([]);
    expect(diff.links.changed).toEqual([
      {
        a: 'AUX',
        b: 'MAIN',
        type: 'parent-child',
        label: 'AUX->MAIN',
        fields: [
          {
            field: 'type',
            before: { type: 'parent-child', parent: 'MAIN', child: 'AUX' },
            after: { type: 'parent-child', parent: 'AUX', child: 'MAIN' },
          },
        ],
      },
    ]);
    expect(formatDiffText(diff)).toContain(
      '  ~ AUX->MAIN\n      type: parent-child MAIN->AUX → parent-child AUX->MAIN',
    );
  });

  it('shows a parent/child link becoming a peer link with its dial side and flows', async () => {
    const after = (HEAD + SERVERS + LINKS).replace(
      'parent: MAIN\n    child: AUX',
      'peers: [MAIN, AUX]\n    dial: AUX\n    flows: { updates: MAIN->AUX, events: both, licenses: none }',
    );
    const diff = await diffOf(HEAD + SERVERS + LINKS, after);
    expect(diff.summary.links).toEqual({ added: 0, removed: 0, changed: 1 });
    const change = diff.links.changed[0];
    expect(change).toMatchObject({ a: 'MAIN', b: 'AUX', type: 'peer', label: 'MAIN<->AUX' });
    // The child dialled before and AUX dials now; updates keep their direction.
    expect(change?.fields).toEqual([
      {
        field: 'type',
        before: { type: 'parent-child', parent: 'MAIN', child: 'AUX' },
        after: { type: 'peer' },
      },
      { field: 'flows.events', before: 'AUX->MAIN', after: 'both' },
      { field: 'flows.licenses', before: 'MAIN->AUX', after: 'none' },
    ]);
    expect(formatDiffText(diff)).toContain('type: parent-child MAIN->AUX → peer');
  });

  it('reports peer flow and dial changes, and ignores the order of the peers', async () => {
    const before = HEAD + SERVERS + LINKS.replace('flows:', 'dial: EAST\n    flows:');
    const reordered = before.replace('peers: [EAST, WEST]', 'peers: [WEST, EAST]');
    expect((await diffOf(before, reordered)).summary.differences).toBe(false);

    const after = before
      .replace('updates: EAST->WEST', 'updates: WEST->EAST')
      .replace('events: both', 'events: none')
      .replace('dial: EAST', 'dial: both');
    const diff = await diffOf(before, after);
    expect(fields(diff, 'EAST<->WEST')).toEqual([
      { field: 'dial', before: 'EAST', after: 'both' },
      { field: 'flows.updates', before: 'EAST->WEST', after: 'WEST->EAST' },
      { field: 'flows.events', before: 'both', after: 'none' },
    ]);
  });

  it('reports the other link fields', async () => {
    const before = HEAD + SERVERS + LINKS;
    const after = before.replace(
      '    password: { env: MAIN_AUX }\n',
      [
        '    password: { env: MAIN_AUX }',
        '    address: 10.0.0.5',
        '    encryption: "no"',
        '    compression: "yes"',
        '    connection: periodic',
        '    reconnectPeriod: 15m',
        '    licenses: { validity: 30d, renewBefore: 7d, syncPeriod: 1h }',
        '    notify: [MAIN]',
        '    restrictions: { updates: ["mon-fri 09:00-18:00"], events: [daily 00:00-01:00] }',
        '',
      ].join('\n'),
    );
    const diff = await diffOf(before, after);
    expect(fields(diff, 'MAIN->AUX').map((f) => [f.field, f.before, f.after])).toEqual([
      ['address', null, '10.0.0.5'],
      ['encryption', null, 'no'],
      ['compression', null, 'yes'],
      ['connection', null, 'periodic'],
      ['reconnectPeriod', null, '15m'],
      ['licenses.validity', null, '30d'],
      ['licenses.renewBefore', null, '7d'],
      ['licenses.syncPeriod', null, '1h'],
      ['notify', null, ['MAIN']],
      ['restrictions.updates', null, ['mon-fri 09:00-18:00']],
      ['restrictions.events', null, ['daily 00:00-01:00']],
    ]);
  });

  it('reports password reference changes by reference', async () => {
    const before = HEAD + SERVERS + LINKS;
    const after = before
      .replace('{ env: MAIN_AUX }', '{ env: MAIN_AUX_2 }')
      .replace('{ env: EAST_WEST }', '{ file: secrets/east-west }');
    const diff = await diffOf(before, after);
    expect(fields(diff, 'MAIN->AUX')).toEqual([
      { field: 'password', before: 'env MAIN_AUX', after: 'env MAIN_AUX_2' },
    ]);
    expect(fields(diff, 'EAST<->WEST')).toEqual([
      { field: 'password', before: 'env EAST_WEST', after: 'file secrets/east-west' },
    ]);
    expect(formatDiffText(diff)).toContain('password: env MAIN_AUX → env MAIN_AUX_2');
  });

  it('shows an inline password change as sensitive and never prints either value', async () => {
    const oldSecret = 'old-Secret-Value-1';
    const newSecret = 'new-Secret-Value-2';
    const before = (HEAD + SERVERS + LINKS).replace('{ env: MAIN_AUX }', `"${oldSecret}"`);
    const after = before
      .replace(oldSecret, newSecret)
      .replace('{ env: EAST_WEST }', `"${newSecret}"`);
    const diff = await diffOf(before, after);
    expect(fields(diff, 'MAIN->AUX')).toEqual([
      { field: 'password', before: 'inline value', after: 'inline value', sensitive: true },
    ]);
    expect(fields(diff, 'EAST<->WEST')).toEqual([
      { field: 'password', before: 'env EAST_WEST', after: 'inline value' },
    ]);
    const out = allFormats(diff);
    expect(out).toContain('password: (sensitive) changed');
    expect(out).not.toContain(oldSecret);
    expect(out).not.toContain(newSecret);
    expect(out).not.toContain('Secret-Value');

    const same = await diffOf(before, before);
    expect(same.summary.differences).toBe(false);
  });

  it('reports a certificate rotation by fingerprint, and a move of the same file as paths only', async () => {
    const a = generateServerCertificate('MAIN', { bits: 1024 }).certificatePem;
    const b = generateServerCertificate('MAIN', { bits: 1024 }).certificatePem;
    const text = HEAD + SERVERS;
    const rotated = await diffOf(text, text, {
      before: { 'certs/main.pem': a },
      after: { 'certs/main.pem': b },
    });
    const [change] = fields(rotated, 'MAIN');
    expect(change?.field).toBe('certificates');
    const fpA = (change?.before as { sha256: string[] }[])[0]?.sha256[0] ?? '';
    const fpB = (change?.after as { sha256: string[] }[])[0]?.sha256[0] ?? '';
    expect(fpA).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fpB).not.toBe(fpA);
    expect(formatDiffText(rotated)).toContain(
      `certificates: changed (sha256 ${fpA.slice(0, 23)}… → ${fpB.slice(0, 23)}…)`,
    );

    const unchanged = await diffOf(text, text, {
      before: { 'certs/main.pem': a },
      after: { 'certs/main.pem': a },
    });
    expect(unchanged.summary.differences).toBe(false);

    const moved = await diffOf(text, text.replace('certs/main.pem', 'certs/main-2.pem'), {
      before: { 'certs/main.pem': a },
      after: { 'certs/main-2.pem': a },
    });
    expect(formatDiffText(moved)).toContain(
      `certificates: certs/main.pem → certs/main-2.pem (same certificates, sha256 ${fpA.slice(0, 23)}…)`,
    );
  });

  it('compares an unreadable certificate by path and says so in a note', async () => {
    const a = generateServerCertificate('MAIN', { bits: 1024 }).certificatePem;
    const text = HEAD + SERVERS;
    const diff = await diffOf(text, text, { before: { 'certs/main.pem': a } });
    expect(diff.summary.differences).toBe(false);
    expect(diff.notes).toEqual([
      'topology.yaml: certificate certs/main.pem of server MAIN does not exist; compared by path only',
    ]);
  });

  it('reports a public key change by content', async () => {
    const k1 = generateServerCertificate('MAIN', { bits: 1024 }).publicKeyPem;
    const k2 = generateServerCertificate('MAIN', { bits: 1024 }).publicKeyPem;
    const text = (HEAD + SERVERS).replace(
      'certificates: [certs/main.pem]',
      'certificates: []\n    publicKey: keys/main.pub',
    );
    const diff = await diffOf(text, text, {
      before: { 'keys/main.pub': k1 },
      after: { 'keys/main.pub': k2 },
    });
    const [change] = fields(diff, 'MAIN');
    expect(change?.field).toBe('publicKey');
    expect(formatDiffText(diff)).toMatch(
      /publicKey: keys\/main\.pub \(sha256 [0-9A-F:]+…\) → keys\/main\.pub \(sha256 [0-9A-F:]+…\)/,
    );
  });

  it('reports topology name and defaults, with the links a default affects', async () => {
    const before = HEAD + 'name: a\n' + SERVERS + LINKS;
    const after =
      HEAD +
      'name: b\ndefaults:\n  encryption: "yes"\n  connection: periodic\n' +
      SERVERS.replace('  MAIN:\n', '  MAIN:\n    encryption: "no"\n') +
      LINKS;
    const diff = await diffOf(before, after);
    expect(diff.topology.fields).toEqual([
      { field: 'name', before: 'a', after: 'b' },
      // AUX takes the new default on MAIN->AUX, both sides of EAST<->WEST do.
      { field: 'defaults.encryption', before: null, after: 'yes', affectedLinks: 2 },
      { field: 'defaults.connection', before: null, after: 'periodic', affectedLinks: 2 },
    ]);
    expect(fields(diff, 'MAIN')).toEqual([
      { field: 'encryption', before: null, after: 'no', affectedLinks: 1 },
    ]);
    expect(formatDiffText(diff)).toContain(
      'Topology:\n  ~ name: a → b\n  ~ defaults.encryption: (none) → yes (affects 2 links)',
    );
    expect(diff.summary.topology.changed).toBe(3);
  });

  it('matches duplicate links of one pair in file order', async () => {
    const dup = LINKS + '  - parent: MAIN\n    child: AUX\n    password: { env: DUP }\n';
    const before = HEAD + SERVERS + dup;
    const after = before.replace('{ env: DUP }', '{ env: DUP2 }');
    const diff = await diffOf(before, after);
    expect(diff.links.changed.map((l) => l.label)).toEqual(['MAIN->AUX #2']);
    const removed = await diffOf(before, HEAD + SERVERS + LINKS);
    expect(removed.links.removed.map((l) => l.label)).toEqual(['MAIN->AUX #2']);
  });

  it('reports links added and removed with their identity', async () => {
    const after = (HEAD + SERVERS + LINKS).replace(
      / {2}- peers: \[EAST, WEST\][\s\S]*$/,
      '  - parent: MAIN\n    child: EAST\n    password: { env: X }\n',
    );
    const diff = await diffOf(HEAD + SERVERS + LINKS, after);
    expect(diff.links.added).toEqual([
      { a: 'MAIN', b: 'EAST', type: 'parent-child', label: 'MAIN->EAST' },
    ]);
    expect(diff.links.removed).toEqual([
      { a: 'EAST', b: 'WEST', type: 'peer', label: 'EAST<->WEST' },
    ]);
    const text = formatDiffText(diff);
    expect(text).toContain('  + MAIN->EAST (parent-child)');
    expect(text).toContain('  - EAST<->WEST (peer)');
  });
});
