/**
 * The backend contract: every backend (dir, http against the sim, ...) runs this same suite.
 * A subject provides a backend over three servers that have no state yet.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backends/index.js';
import { ConflictError, LockedError } from '../../src/backends/index.js';
import type { NeighborEntry, ServerState } from '../../src/model/index.js';
import { quietContext } from '../../src/model/index.js';

/** A backend under test and how to tear it down. */
export interface ContractSubject {
  readonly backend: Backend;
  /** Three servers the backend can hold state for, all fresh. */
  readonly servers: readonly [string, string, string];
  /** A second backend instance over the same state (another process, another operator). */
  readonly second?: Backend;
  cleanup(): Promise<void>;
}

/** A complete, avnet-managed entry. */
export function sampleEntry(name: string, overrides: Partial<NeighborEntry> = {}): NeighborEntry {
  return {
    name,
    type: 'peer',
    password: `pässwörd-${name}-✓`,
    ownCertificates: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'],
    neighborCertificates: ['-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n'],
    neighborPublicKey: null,
    address: '127.0.0.1:2193',
    consoleUrl: null,
    connection: 'permanent',
    reconnectPeriod: null,
    encryption: 'possible',
    compression: 'no',
    licenses: { syncPeriod: '1h' },
    flows: { updates: 'send', events: 'receive', licenses: 'none' },
    notify: false,
    restrictions: { updates: ['mon-fri 09:00-18:00'] },
    managedBy: 'avnet',
    ...overrides,
  };
}

function isFresh(state: ServerState | null): boolean {
  return (
    state === null ||
    (state.revision === 0 && state.neighbors.length === 0 && state.protocol === 'disabled')
  );
}

/** Registers the contract tests for one backend. */
export function describeBackendContract(
  name: string,
  makeSubject: () => Promise<ContractSubject>,
): void {
  describe(`backend contract: ${name}`, () => {
    let subject: ContractSubject;
    let backend: Backend;
    let a: string;
    let b: string;
    let c: string;
    const ctx = quietContext();

    beforeEach(async () => {
      subject = await makeSubject();
      backend = subject.backend;
      [a, b, c] = subject.servers;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('reports a server it has no record of as fresh', async () => {
      expect(isFresh(await backend.readServer(a, ctx))).toBe(true);
    });

    it('creates, reads back and bumps the revision by one per change', async () => {
      const s1 = await backend.applyChange(
        a,
        { expectedRevision: 0, upsert: [sampleEntry(b)] },
        ctx,
      );
      expect(s1.revision).toBe(1);
      expect(s1.name).toBe(a);
      const read = await backend.readServer(a, ctx);
      expect(read?.revision).toBe(1);
      expect(read?.neighbors).toEqual([sampleEntry(b)]);
      const s2 = await backend.applyChange(
        a,
        { expectedRevision: 1, upsert: [sampleEntry(c)] },
        ctx,
      );
      expect(s2.revision).toBe(2);
      expect((await backend.readServer(a, ctx))?.neighbors.map((e) => e.name).sort()).toEqual(
        [b, c].sort(),
      );
    });

    it('keeps passwords exactly, unicode included', async () => {
      await backend.applyChange(
        a,
        {
          expectedRevision: 0,
          upsert: [sampleEntry(b, { password: 'p@ss "quoted" \\ ünïcødé 🔑' })],
        },
        ctx,
      );
      expect((await backend.readServer(a, ctx))?.neighbors[0]?.password).toBe(
        'p@ss "quoted" \\ ünïcødé 🔑',
      );
    });

    it('replaces an entry by name and deletes by name, leaving other entries untouched', async () => {
      const unmanaged = {
        ...sampleEntry(c),
        managedBy: null,
        consoleUrl: 'https://legacy.example/',
      };
      await backend.applyChange(
        a,
        { expectedRevision: 0, upsert: [sampleEntry(b), unmanaged] },
        ctx,
      );
      const changed = sampleEntry(b, { encryption: 'yes' });
      await backend.applyChange(a, { expectedRevision: 1, upsert: [changed] }, ctx);
      let state = await backend.readServer(a, ctx);
      expect(state?.neighbors.find((e) => e.name === b)).toEqual(changed);
      expect(state?.neighbors.find((e) => e.name === c)).toEqual(unmanaged);
      await backend.applyChange(a, { expectedRevision: 2, remove: [b] }, ctx);
      state = await backend.readServer(a, ctx);
      expect(state?.neighbors).toEqual([unmanaged]);
      expect(state?.revision).toBe(3);
    });

    it('switches the protocol on with a pending restart, and a restart clears it', async () => {
      const on = await backend.applyChange(a, { expectedRevision: 0, protocol: 'enabled' }, ctx);
      expect(on.protocol).toBe('enabled');
      expect(on.pendingRestart).toBe(true);
      const restarted = await backend.applyChange(
        a,
        { expectedRevision: on.revision, restart: true },
        ctx,
      );
      expect(restarted.pendingRestart).toBe(false);
      expect(restarted.protocol).toBe('enabled');
      expect((await backend.readServer(a, ctx))?.pendingRestart).toBe(false);
    });

    it('refuses a change planned against an old revision, and changes nothing', async () => {
      await backend.applyChange(a, { expectedRevision: 0, upsert: [sampleEntry(b)] }, ctx);
      await expect(
        backend.applyChange(a, { expectedRevision: 0, remove: [b] }, ctx),
      ).rejects.toBeInstanceOf(ConflictError);
      const state = await backend.readServer(a, ctx);
      expect(state?.revision).toBe(1);
      expect(state?.neighbors.map((e) => e.name)).toEqual([b]);
    });

    it('lets exactly one of two concurrent writers at the same revision win', async () => {
      const other = subject.second ?? backend;
      const results = await Promise.allSettled([
        backend.applyChange(a, { expectedRevision: 0, upsert: [sampleEntry(b)] }, ctx),
        other.applyChange(a, { expectedRevision: 0, upsert: [sampleEntry(c)] }, ctx),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
      expect((await backend.readServer(a, ctx))?.revision).toBe(1);
    });

    it('keeps servers independent', async () => {
      await backend.applyChange(a, { expectedRevision: 0, upsert: [sampleEntry(b)] }, ctx);
      expect(isFresh(await backend.readServer(b, ctx))).toBe(true);
      await backend.applyChange(
        b,
        { expectedRevision: 0, upsert: [sampleEntry(a, { type: 'peer' })] },
        ctx,
      );
      expect((await backend.readServer(a, ctx))?.revision).toBe(1);
      expect((await backend.readServer(b, ctx))?.revision).toBe(1);
    });

    it('lists the servers it holds state for', async () => {
      await backend.applyChange(a, { expectedRevision: 0, upsert: [sampleEntry(b)] }, ctx);
      expect(await backend.listServers(ctx)).toContain(a);
    });

    it('hands out one lock at a time and names its holder, if it has locks', async () => {
      if (!backend.acquireLock) return;
      const lock = await backend.acquireLock('apply', ctx);
      expect(lock.info.operation).toBe('apply');
      expect(lock.info.id).toBeTruthy();
      const other = subject.second ?? backend;
      await expect(other.acquireLock!('apply', ctx)).rejects.toBeInstanceOf(LockedError);
      await lock.release();
      const again = await other.acquireLock!('watch', ctx);
      await again.release();
    });

    it('describes where each server lives', () => {
      expect(backend.describeServer(a)).toBeTruthy();
    });
  });
}
