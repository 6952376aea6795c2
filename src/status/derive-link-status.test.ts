import { describe, expect, it } from 'vitest';
import { generateServerCertificate } from '../certs/index.js';
import type { NeighborEntry, ServerState } from '../model/index.js';
import { deriveLinkStatus } from './derive-link-status.js';

const certs = Object.fromEntries(
  ['P', 'C', 'D'].map((n) => [n, generateServerCertificate(n, { bits: 1024 }).certificatePem]),
) as Record<'P' | 'C' | 'D', string>;

function entry(
  self: 'P' | 'C' | 'D',
  name: 'P' | 'C' | 'D',
  patch: Partial<NeighborEntry> = {},
): NeighborEntry {
  return {
    name,
    type: 'peer',
    password: `pw-${[self, name].sort().join('')}`,
    ownCertificates: [certs[self]],
    neighborCertificates: [certs[name]],
    neighborPublicKey: null,
    address: null,
    consoleUrl: null,
    connection: 'permanent',
    reconnectPeriod: null,
    encryption: 'possible',
    compression: 'possible',
    licenses: {},
    flows: { updates: 'none', events: 'none', licenses: 'none' },
    notify: false,
    restrictions: {},
    managedBy: 'avnet',
    ...patch,
  };
}

function server(
  name: string,
  neighbors: NeighborEntry[],
  patch: Partial<ServerState> = {},
): [string, ServerState] {
  return [
    name,
    {
      name,
      version: 13,
      protocol: 'enabled',
      pendingRestart: false,
      revision: 3,
      neighbors,
      ...patch,
    },
  ];
}

/** P is the parent of C; C dials. */
function pc(
  p: Partial<NeighborEntry> = {},
  c: Partial<NeighborEntry> = {},
  ps: Partial<ServerState> = {},
) {
  return new Map([
    server('P', [entry('P', 'C', { type: 'child', ...p })], ps),
    server('C', [entry('C', 'P', { type: 'parent', address: '127.0.0.1:1', ...c })]),
  ]);
}

describe('deriveLinkStatus', () => {
  it('reports a consistent pair as online', () => {
    expect(deriveLinkStatus(pc())).toEqual([
      { a: 'P', b: 'C', type: 'parent-child', state: 'online', reason: null, detail: null },
    ]);
  });

  it.each([
    ['one-sided', new Map([server('P', [entry('P', 'C', { type: 'child' })]), server('C', [])])],
    ['type-mismatch', pc({ type: 'peer' })],
    ['protocol-disabled', pc({}, {}, { protocol: 'disabled' })],
    ['restart-pending', pc({}, {}, { pendingRestart: true })],
    ['no-dialer', pc({}, { address: null })],
    ['certificate-mismatch', pc({ neighborCertificates: [certs.D] })],
    ['wrong-password', pc({}, { password: 'other' })],
    ['encryption-mismatch', pc({ encryption: 'yes' }, { encryption: 'no' })],
    ['compression-mismatch', pc({ compression: 'no' }, { compression: 'yes' })],
  ])('finds %s', (reason, states) => {
    const [l] = deriveLinkStatus(states);
    expect(l?.state).toBe('offline');
    expect(l?.reason).toBe(reason);
    expect(l?.detail).not.toMatch(/pw-/);
  });

  it('flags the second link of a server that reuses a password with its certificate', () => {
    const pw = 'shared';
    const states = new Map([
      server('P', [
        entry('P', 'C', { type: 'child', password: pw }),
        entry('P', 'D', { type: 'child', password: pw }),
      ]),
      server('C', [entry('C', 'P', { type: 'parent', address: 'x:1', password: pw })]),
      server('D', [entry('D', 'P', { type: 'parent', address: 'x:1', password: pw })]),
    ]);
    const links = deriveLinkStatus(states);
    expect(links.find((l) => l.b === 'C')?.state).toBe('online');
    const d = links.find((l) => l.b === 'D');
    expect(d?.reason).toBe('duplicate-key-id');
    expect(d?.detail).toMatch(/^P's link with C/);
  });
});
