import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NeighborEntry, ServerState } from '../model/index.js';
import { applyWrite, changeProblem, entryProblem, nextState, type SimChange } from './sim-state.js';

const entry = (name: string, extra: Partial<NeighborEntry> = {}): NeighborEntry =>
  ({ name, type: 'peer', password: `pw-${name}-secret`, ...extra }) as NeighborEntry;

const state = (over: Partial<ServerState> = {}): ServerState => ({
  name: 'MAIN',
  version: 13,
  protocol: 'disabled',
  pendingRestart: false,
  revision: 4,
  neighbors: [entry('A'), entry('B'), entry('C')],
  ...over,
});

const names = (s: ServerState) => s.neighbors.map((e) => e.name);

describe('nextState', () => {
  it('replaces an entry in place, adds new ones last and deletes by name', () => {
    const before = state();
    const after = nextState(before, {
      expectedRevision: 4,
      upsert: [entry('D'), entry('B', { type: 'child' }), entry('E')],
      remove: ['A'],
    });
    expect(names(after)).toEqual(['B', 'C', 'D', 'E']);
    expect(after.neighbors[0]).toEqual(entry('B', { type: 'child' }));
    // Entries named in neither list are kept as they are, the very same values.
    expect(after.neighbors[1]).toBe(before.neighbors[2]);
    expect(before.neighbors.map((e) => e.name)).toEqual(['A', 'B', 'C']);
  });

  it('bumps the revision by exactly one per write, even a write that changes nothing', () => {
    expect(nextState(state(), { expectedRevision: 4 }).revision).toBe(5);
    expect(nextState(state({ revision: 0 }), { expectedRevision: 0 }).revision).toBe(1);
  });

  it('leaves a restart pending when the protocol module is switched, and a restart clears it', () => {
    const enabled = nextState(state(), { expectedRevision: 4, protocol: 'enabled' });
    expect([enabled.protocol, enabled.pendingRestart]).toEqual(['enabled', true]);
    const same = nextState(enabled, { expectedRevision: 5, protocol: 'enabled' });
    expect(same.pendingRestart).toBe(true);
    const restarted = nextState(same, { expectedRevision: 6, restart: true });
    expect([restarted.protocol, restarted.pendingRestart]).toEqual(['enabled', false]);
    const unchanged = nextState(restarted, { expectedRevision: 7, protocol: 'enabled' });
    expect(unchanged.pendingRestart).toBe(false);
    const off = nextState(unchanged, { expectedRevision: 8, protocol: 'disabled' });
    expect([off.protocol, off.pendingRestart]).toEqual(['disabled', true]);
    const both = nextState(state(), { expectedRevision: 4, protocol: 'enabled', restart: true });
    expect([both.protocol, both.pendingRestart]).toEqual(['enabled', false]);
  });
});

describe('applyWrite', () => {
  it('applies only to the revision the write was planned against', () => {
    const s = state();
    expect(applyWrite(s, { expectedRevision: 3, remove: ['A'] })).toEqual({
      kind: 'conflict',
      revision: 4,
    });
    expect(applyWrite(s, { expectedRevision: 5, remove: ['A'] }).kind).toBe('conflict');
    const ok = applyWrite(s, { expectedRevision: 4, remove: ['A'] });
    expect(ok.kind === 'applied' && names(ok.state)).toEqual(['B', 'C']);
    expect(names(s)).toEqual(['A', 'B', 'C']);
  });

  it('checks that add creates and change and delete find their entry, after the revision', () => {
    const s = state();
    expect(
      applyWrite(s, { expectedRevision: 4, upsert: [entry('A')], mustBeAbsent: ['A'] }),
    ).toEqual({ kind: 'exists', name: 'A' });
    expect(applyWrite(s, { expectedRevision: 4, remove: ['Z'], mustExist: ['Z'] })).toEqual({
      kind: 'missing',
      name: 'Z',
    });
    expect(applyWrite(s, { expectedRevision: 1, remove: ['Z'], mustExist: ['Z'] }).kind).toBe(
      'conflict',
    );
    const added = applyWrite(s, { expectedRevision: 4, upsert: [entry('Z')], mustBeAbsent: ['Z'] });
    expect(added.kind === 'applied' && names(added.state)).toEqual(['A', 'B', 'C', 'Z']);
    // A delete of a name without an entry, in neighbors/apply.ds, is not an error.
    expect(applyWrite(s, { expectedRevision: 4, remove: ['Z'] }).kind).toBe('applied');
  });

  it('refuses an invalid change before comparing revisions', () => {
    const cases: [SimChange, RegExp][] = [
      [{ expectedRevision: 0, upsert: [entry('MAIN')] }, /upsert\[0\]: .*its own neighbor/],
      [{ expectedRevision: 0, upsert: [entry('A'), entry('A')] }, /names one neighbor twice/],
      [{ expectedRevision: 0, upsert: [entry('A')], remove: ['A'] }, /remove\[0\] .*upsert/],
      [{ expectedRevision: 0, remove: [''] }, /remove\[0\] must be a non-empty/],
      [
        { expectedRevision: 0, upsert: [entry('A', { encryption: 'maybe' as 'no' })] },
        /upsert\[0\]\.encryption must be yes, possible or no/,
      ],
    ];
    for (const [change, message] of cases) {
      const out = applyWrite(state(), change);
      expect(out.kind).toBe('invalid');
      expect(out.kind === 'invalid' && out.message).toMatch(message);
      expect(changeProblem('MAIN', change)).toMatch(message);
    }
  });
});

describe('entryProblem', () => {
  it('names the field and never quotes a value', () => {
    const cases: [unknown, string][] = [
      [null, 'e must be an object'],
      [[], 'e must be an object'],
      [{ type: 'peer' }, 'e.name must be a non-empty string'],
      [{ name: '', type: 'peer' }, 'e.name must be a non-empty string'],
      [{ name: 'A', type: 'sibling' }, 'e.type must be parent, child or peer'],
      [{ name: 'A', type: 'peer', password: 12345678 }, 'e.password must be a string'],
      [
        { name: 'A', type: 'peer', ownCertificates: 'x' },
        'e.ownCertificates must be a list of strings',
      ],
      [{ name: 'A', type: 'peer', address: 5 }, 'e.address must be a string or null'],
      [
        { name: 'A', type: 'peer', connection: 'sometimes' },
        'e.connection must be permanent or periodic',
      ],
      [{ name: 'A', type: 'peer', notify: 'yes' }, 'e.notify must be a boolean'],
      [{ name: 'A', type: 'peer', licenses: [] }, 'e.licenses must be an object'],
      [
        { name: 'A', type: 'peer', flows: { events: 'up' } },
        'e.flows.events must be send, receive, both or none',
      ],
      [
        { name: 'A', type: 'peer', restrictions: { updates: [1] } },
        'e.restrictions.updates must be a list of strings',
      ],
      [
        { name: 'A', type: 'peer', licenses: { validity: 30 } },
        'e.licenses.validity must be a string',
      ],
    ];
    for (const [value, message] of cases) expect(entryProblem(value, 'e')).toBe(message);
    expect(entryProblem({ name: 'A', type: 'peer', password: 'hunter2-x' }, 'e')).toBeUndefined();
    expect(entryProblem({ name: 'A', type: 'peer', password: 7 }, 'e')).not.toContain('7');
  });

  it('accepts exactly the entries the documented schema accepts', () => {
    const schema = JSON.parse(
      readFileSync(
        path.resolve(import.meta.dirname, '../../schemas/server-state.schema.json'),
        'utf8',
      ),
    ) as object;
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(schema);
    const valid = ajv.getSchema(
      'https://avnet.dev/schemas/server-state.schema.json#/$defs/neighborEntry',
    )!;
    const any = fc.jsonValue({ maxDepth: 2 });
    const str = fc.string({ maxLength: 6 });
    // Each field: absent, a well-formed value, or anything at all.
    const field = (good: fc.Arbitrary<unknown>) => fc.oneof(good, good, any);
    const strings = fc.array(str, { maxLength: 2 });
    const nullable = fc.option(str, { nil: null });
    const tri = fc.constantFrom('yes', 'possible', 'no');
    const flow = fc.constantFrom('send', 'receive', 'both', 'none');
    const entries = fc.oneof(
      any,
      fc.record(
        {
          name: field(fc.string({ minLength: 1, maxLength: 6 })),
          type: field(fc.constantFrom('parent', 'child', 'peer')),
          password: field(str),
          ownCertificates: field(strings),
          neighborCertificates: field(strings),
          neighborPublicKey: field(nullable),
          address: field(nullable),
          consoleUrl: field(nullable),
          reconnectPeriod: field(nullable),
          managedBy: field(nullable),
          connection: field(fc.constantFrom('permanent', 'periodic')),
          encryption: field(tri),
          compression: field(tri),
          notify: field(fc.boolean()),
          licenses: field(
            fc.record({ validity: str, syncPeriod: field(str) }, { requiredKeys: [] }),
          ),
          flows: field(fc.record({ updates: flow, events: field(flow) }, { requiredKeys: [] })),
          restrictions: field(
            fc.record({ updates: strings, events: field(strings) }, { requiredKeys: [] }),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(entries, (e) => {
        expect(entryProblem(e, 'e') === undefined, JSON.stringify(e)).toBe(valid(e));
      }),
      { numRuns: 2000 },
    );
  });
});
