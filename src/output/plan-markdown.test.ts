import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldChange, NeighborEntry, Plan, PlanChange, ServerState } from '../model/index.js';
import { ENTRY_FIELDS, freshServerState, MANAGED_BY_AVNET } from '../model/index.js';
import { computePlan } from '../plan/compute-plan.js';
import {
  changedLinks,
  changedLinksMermaid,
  markdownCodeSpan,
  escapeMarkdownText,
  formatPlanMarkdown,
  PLAN_MARKDOWN_MAX_CHARS,
} from './plan-markdown.js';

const SECRET = 'md-secret-value-7Hq2';

function entry(name: string, type: NeighborEntry['type'], over: Partial<NeighborEntry> = {}) {
  return {
    name,
    type,
    password: SECRET,
    ownCertificates: [],
    neighborCertificates: [],
    neighborPublicKey: null,
    address: type === 'parent' ? `${name.toLowerCase()}.example:2193` : null,
    consoleUrl: null,
    connection: 'permanent',
    reconnectPeriod: null,
    encryption: 'possible',
    compression: 'possible',
    licenses: {},
    flows:
      type === 'parent'
        ? { updates: 'receive', events: 'send', licenses: 'receive' }
        : { updates: 'send', events: 'receive', licenses: 'send' },
    notify: false,
    restrictions: {},
    managedBy: MANAGED_BY_AVNET,
    ...over,
  } satisfies NeighborEntry;
}

function server(name: string, neighbors: NeighborEntry[], over: Partial<ServerState> = {}) {
  return { ...freshServerState(name, 13), protocol: 'enabled', neighbors, ...over } as ServerState;
}

/** A plan made by the real planner from desired and actual states. */
function planOf(
  desired: Record<string, NeighborEntry[]>,
  actual: ServerState[],
  extra: Partial<Plan> = {},
): Plan {
  const plan = computePlan({
    topology: { file: 'topology.yaml', sha256: 'ab'.repeat(32) },
    backend: { type: 'dir' },
    desired: new Map(
      Object.entries(desired).map(([name, neighbors]) => [
        name,
        { name, version: 13, protocol: 'enabled' as const, neighbors },
      ]),
    ),
    actual: new Map(
      [
        ...actual,
        ...Object.keys(desired)
          .filter((n) => !actual.some((s) => s.name === n))
          .map((n) => freshServerState(n, 13)),
      ].map((s) => [s.name, s]),
    ),
  });
  return { ...plan, ...extra };
}

/** A plan of `servers` × `perServer` entry creations, built directly (computePlan is not the subject). */
function bigPlan(servers: number, perServer: number): Plan {
  const changes: PlanChange[] = [];
  for (let s = 0; s < servers; s++) {
    for (let i = 0; i < perServer; i++) {
      const e = entry(`N${s}-${i}`, 'child');
      const fields: FieldChange[] = ENTRY_FIELDS.map((field) =>
        field === 'password'
          ? { field, sensitive: true, changed: true }
          : { field, before: null, after: e[field] },
      );
      changes.push({
        server: `SERVER-${String(s).padStart(4, '0')}`,
        action: 'create',
        neighbor: e.name,
        type: 'child',
        fields,
        reason: 'missing on server',
        entry: e,
      });
    }
  }
  return {
    topology: { file: 'topology.yaml', sha256: 'cd'.repeat(32) },
    backend: { type: 'dir' },
    changes,
    unmanaged: Array.from({ length: 300 }, (_, i) => ({
      server: 'SERVER-0000',
      neighbor: `L${i}`,
    })),
    summary: { add: changes.length, change: 0, destroy: 0, restart: 0 },
    revisions: {},
    errors: Array.from({ length: 80 }, (_, i) => ({
      server: `DOWN-${i}`,
      message: 'connect ECONNREFUSED '.repeat(40),
    })),
  };
}

const CHANGE_LINE = /^- \*\*(create|update|delete|enable|restart)\*\*/;

describe('formatPlanMarkdown', () => {
  it('shows a summary table, field changes and sensitive fields without their values', () => {
    const plan = planOf(
      { MAIN: [entry('AUX', 'child', { encryption: 'yes', password: 'new-' + SECRET })] },
      [server('MAIN', [entry('AUX', 'child')])],
    );
    const md = formatPlanMarkdown(plan);
    expect(md).toContain('**Plan: 0 to add, 1 to change, 0 to destroy.**');
    expect(md).toContain('| MAIN | 0 | 1 | 0 | 0 |');
    expect(md).toContain('- **update** neighbor `AUX` (child) — differs from the topology');
    expect(md).toContain('  - `password`: (sensitive) changed');
    expect(md).toContain('  - `encryption`: `"possible"` → `"yes"`');
    expect(md).not.toContain(SECRET);
    expect(md.length).toBeLessThan(PLAN_MARKDOWN_MAX_CHARS);
  });

  it('says "No changes" only for an empty plan of servers that were all read', () => {
    const complete = planOf({ MAIN: [] }, [
      server('MAIN', [entry('LEGACY', 'child', { managedBy: null })]),
    ]);
    expect(formatPlanMarkdown(complete)).toContain(
      '**No changes.** The actual state matches the topology.',
    );
  });

  it('calls an empty plan with unread servers incomplete, and lists unmanaged entries and read errors', () => {
    const plan = planOf(
      { MAIN: [] },
      [server('MAIN', [entry('LEGACY', 'child', { managedBy: null })])],
      {
        errors: [{ server: 'DOWN', message: 'connect ECONNREFUSED 127.0.0.1:9' }],
      },
    );
    const md = formatPlanMarkdown(plan);
    expect(md).not.toContain('No changes');
    expect(md).not.toContain('matches');
    expect(md).toContain('**Incomplete: 1 server could not be read');
    expect(md).not.toContain('| Server |');
    expect(md).not.toContain('mermaid');
    expect(md).toContain('- `MAIN`: `LEGACY`');
    expect(md).toContain('- `DOWN`: connect ECONNREFUSED 127.0.0.1:9');
  });

  it('stays under 65,000 characters for a plan of 10,000 changes, and counts what it leaves out', () => {
    const plan = bigPlan(400, 25);
    expect(plan.changes).toHaveLength(10_000);
    const started = performance.now();
    const md = formatPlanMarkdown(plan);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(md.length).toBeLessThan(65_000);
    expect(md).not.toContain(SECRET);

    const shown = md.split('\n').filter((l) => CHANGE_LINE.test(l)).length;
    expect(shown).toBeGreaterThan(10);
    const note = /_… and ([\d,]+) more changes on ([\d,]+) servers not shown here/.exec(md);
    expect(note).not.toBeNull();
    expect(shown + Number(note![1]!.replace(/,/g, ''))).toBe(10_000);
    // Servers are shown in order; the note counts the partly shown one and every later one.
    const sections = md.match(/(^#### SERVER-\d+$|<b>SERVER-\d+<\/b>)/gm) ?? [];
    const fullyShown = shown % 25 === 0 ? sections.length : sections.length - 1;
    expect(Number(note![2]!.replace(/,/g, ''))).toBe(400 - fullyShown);

    expect(md).toContain('| … 350 more servers | 8,750 | 0 | 0 | 0 |');
    expect(md).toContain('| **Total** | 10,000 | 0 | 0 | 0 |');
    expect(md).toMatch(/- … and \d+ more\n/); // unmanaged / errors lists elided with a count
    const edges = md.split('\n').filter((l) => / -->\|/.test(l)).length;
    expect(edges).toBeGreaterThan(0);
    expect(edges).toBeLessThanOrEqual(100);
    expect(md).toMatch(/_… and [\d,]+ more changed links not drawn\._/);
  });

  it('folds a long server section into <details>', () => {
    const plan = bigPlan(1, 3);
    const md = formatPlanMarkdown(plan);
    expect(md).toContain(
      '<details>\n<summary><b>SERVER-0000</b>: 3 to add</summary>\n\n- **create**',
    );
    expect(md).toContain('\n</details>\n');
    const small = formatPlanMarkdown(bigPlan(1, 1));
    expect(small).toContain('#### SERVER-0000\n\n_1 to add_');
    expect(small).not.toContain('<details>');
  });

  it('never exceeds the cap, whatever the plan and the names', () => {
    const name = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, fc.array(name, { maxLength: 40 })), { maxLength: 60 }),
        fc.array(fc.tuple(name, fc.string({ maxLength: 400 })), { maxLength: 70 }),
        fc.integer({ min: 3_000, max: 65_000 }),
        (servers, errors, maxChars) => {
          const changes: PlanChange[] = servers.flatMap(([s, ns]) =>
            ns.map((n) => ({
              server: s,
              action: 'update' as const,
              neighbor: n,
              type: 'peer' as const,
              fields: [{ field: 'address', before: n, after: s }],
              reason: 'differs from the topology',
              entry: entry(n, 'peer', { address: s }),
            })),
          );
          const plan: Plan = {
            topology: { file: 'topology.yaml', sha256: '' },
            backend: { type: 'dir' },
            changes,
            unmanaged: servers.map(([s]) => ({ server: s, neighbor: s })),
            summary: { add: 0, change: changes.length, destroy: 0, restart: 0 },
            revisions: {},
            errors: errors.map(([server, message]) => ({ server, message })),
          };
          expect(formatPlanMarkdown(plan, { maxChars }).length).toBeLessThanOrEqual(maxChars);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('escapes names so they cannot break the table, the markup or the code spans', () => {
    const nasty = 'A|B<script>`x`*_';
    const plan = planOf({ [nasty]: [entry('N`1', 'child', { encryption: 'yes' })] }, [
      server(nasty, [entry('N`1', 'child')]),
    ]);
    const md = formatPlanMarkdown(plan);
    expect(md).not.toContain('<script>');
    const row = md.split('\n').find((l) => l.startsWith('| A'))!;
    expect(row).toBe('| A\\|B&lt;script&gt;\\`x\\`\\*\\_ | 0 | 1 | 0 | 0 |');
    expect(md).toContain('neighbor ``N`1`` (child)');
  });
});

describe('markdown helpers', () => {
  it('markdownCodeSpan fences any text', () => {
    expect(markdownCodeSpan('plain')).toBe('`plain`');
    expect(markdownCodeSpan('a`b')).toBe('``a`b``');
    expect(markdownCodeSpan('`x')).toBe('`` `x ``');
  });

  it('escapeMarkdownText neutralises markup', () => {
    expect(escapeMarkdownText('<b>|*x*|</b>\n#1')).toBe('&lt;b&gt;\\|\\*x\\*\\|&lt;/b&gt; \\#1');
  });
});

describe('changedLinks and the diagram', () => {
  const plan = planOf(
    {
      HQ: [entry('NEW', 'child'), entry('MOVED', 'child', { encryption: 'yes' })],
      NEW: [entry('HQ', 'parent')],
      MOVED: [entry('HQ', 'parent')],
    },
    [
      server('HQ', [entry('MOVED', 'child'), entry('GONE', 'child')]),
      server('MOVED', [entry('HQ', 'parent')]),
      server('GONE', [entry('HQ', 'parent')]),
      server('P1', [entry('P2', 'peer')]),
    ],
  );

  it('classifies links as added, changed or removed, parents first, from the entry types', () => {
    const links = changedLinks(plan).map((l) => [l.from, l.to, l.kind, l.status, l.fields]);
    expect(links).toEqual([
      ['HQ', 'GONE', 'parent-child', 'removed', []],
      ['HQ', 'MOVED', 'parent-child', 'changed', ['encryption']],
      ['HQ', 'NEW', 'parent-child', 'added', []],
      ['P1', 'P2', 'peer', 'removed', []],
    ]);
  });

  it('draws the changed links with the graph renderer, one colour per status', () => {
    const text = changedLinksMermaid(changedLinks(plan));
    expect(text.split('\n')[0]).toBe('flowchart TD');
    expect(text).toMatch(/ -->\|"removed"\| /);
    expect(text).toMatch(/ -->\|"changed: encryption"\| /);
    expect(text).toMatch(/ -\.-\|"removed"\| /); // peers dotted
    expect(text).toContain('linkStyle 2 stroke:#2e7d32');
    expect(text).toContain('linkStyle 1 stroke:#ef6c00');
    expect(text).toContain('linkStyle 0,3 stroke:#c62828');
    expect(text).not.toContain(SECRET);
  });
});
