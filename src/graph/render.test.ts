import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerSpec, Topology } from '../model/index.js';
import { linkPointer, pairKey } from '../model/index.js';
import {
  BROKEN_NAMES,
  BROKEN_YAML,
  ENV_SECRET,
  FILE_SECRET,
  INLINE_SECRET,
  NETWORK_YAML,
  graphFixture,
  type FixtureDir,
} from '../../test/graph/fixtures.js';
import { renderDot } from './dot.js';
import { escapeDot, escapeMermaid } from './escape.js';
import { buildGraph, type TopologyGraph } from './graph-model.js';
import { renderMermaid } from './mermaid.js';

let network: TopologyGraph;
let broken: TopologyGraph;
const fixtures: FixtureDir[] = [];

beforeAll(async () => {
  const n = await graphFixture(NETWORK_YAML);
  const b = await graphFixture(BROKEN_YAML);
  fixtures.push(n.fixture, b.fixture);
  network = n.graph;
  broken = b.graph;
  // The fixtures are meant this way; a change in the rules should show here, not in a snapshot.
  expect(n.checked.validation.errors).toBe(0);
  expect(
    b.checked.validation.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule),
  ).toEqual(['protocol-disabled', 'encryption-mismatch', 'unknown-server', 'no-dataflow']);
});

afterAll(async () => {
  await Promise.all(fixtures.map((f) => f.cleanup()));
});

/** Every statement shape renderMermaid writes; anything else means a label broke out. */
const MERMAID_LINE = [
  /^flowchart TD$/,
  /^ {2}classDef (error|unknown) [^";]+$/,
  /^ {2}(s\d+|u\d+|empty)\["[^"]*"\]$/,
  /^ {2}(s|u)\d+ (-->|-\.-)\|"[^"]*"\| (s|u)\d+$/,
  /^ {2}subgraph legend\["Legend"\]$/,
  /^ {4}legend_(error|unknown)\["[^"]*"\]$/,
  /^ {2}end$/,
  /^ {2}class [a-z0-9_,]+ (error|unknown)$/,
  /^ {2}linkStyle \d+ [^";]+$/,
];

function checkMermaidShape(text: string): void {
  const lines = text.trimEnd().split('\n');
  if (lines[0] === '---') {
    expect(lines[1]).toMatch(/^title: "([^"\\%]|\\["\\nrtbfu/])*"$/);
    expect(lines[2]).toBe('---');
    lines.splice(0, 3);
  }
  for (const line of lines) {
    expect(
      MERMAID_LINE.some((re) => re.test(line)),
      `unexpected line: ${line}`,
    ).toBe(true);
    // Inside labels, only our own line breaks are markup, and every `#` starts an entity code.
    const labels = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]!.replace(/<br>/g, ''));
    for (const l of labels) {
      expect(l).not.toMatch(/[<>|`%]/);
      expect(l.replace(/#\d+;/g, '')).not.toContain('#');
    }
  }
}

describe('renderMermaid', () => {
  it('draws a valid network top-down, peers dotted', async () => {
    const text = renderMermaid(network);
    await expect(text).toMatchFileSnapshot('./__snapshots__/network.mmd');
    checkMermaidShape(text);
    expect(text).toContain('s0 -->|"updates, licenses ↓ / events ↑"| s1');
    expect(text).toContain('s2 -.-|"updates EAST→WEST, events ↔<br>WEST dials"| s3');
    expect(text).not.toContain('error');
    expect(text).not.toContain('Legend');
  });

  it('marks servers and links with errors, draws unknown servers dashed, adds a legend', async () => {
    const text = renderMermaid(broken);
    await expect(text).toMatchFileSnapshot('./__snapshots__/broken.mmd');
    checkMermaidShape(text);
    expect(text).toContain('u0["GHOST<br>unknown server"]');
    expect(text).toMatch(/^ {2}class u0,legend_unknown unknown$/m);
    // OFF (protocol disabled) and both ends of the erroneous links; the unknown server too.
    expect(text).toMatch(/^ {2}class s0,s1,s2,s3,u0,legend_error error$/m);
    expect(text).toContain('linkStyle 1 stroke:#d32f2f');
    expect(text).not.toMatch(/linkStyle 2 /);
    for (const name of BROKEN_NAMES) expect(text).toContain(escapeMermaid(name));
  });

  it('highlights chosen links and can draw only them, without a legend', () => {
    const text = renderMermaid(network, { highlight: new Set([2]) });
    expect(text).toMatch(/^ {2}linkStyle 2 stroke:#ef6c00,stroke-width:4px$/m);
    expect(text.match(/linkStyle/g)).toHaveLength(1);

    const only = renderMermaid(broken, {
      only: new Set<number | string>([pairKey('GHOST', 'MAIN')]),
      highlight: new Set([1]),
      legend: false,
    });
    checkMermaidShape(only);
    expect(only).toContain('s0 -->|"updates, licenses ↓ / events ↑"| u0');
    expect(only.match(/-->|-\.-/g)).toHaveLength(1);
    expect(only).not.toContain('東京');
    expect(only).not.toContain('legend');
    // linkStyle counts the links drawn, so the only link is number 0.
    expect(only).toMatch(/^ {2}linkStyle 0 stroke:#d32f2f,stroke-width:4px$/m);
  });

  it('keeps its shape whatever the server names', () => {
    const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
    const nasty = fc.string({
      unit: fc.constantFrom(...'#"%&<>|`\\;:[](){}-.\n '.split('')),
      minLength: 1,
      maxLength: 20,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(name, nasty), { minLength: 2, maxLength: 4 }),
        (names) => {
          const servers = new Map<string, ServerSpec>(
            names.map((n) => [n, { name: n, version: 13, certificates: [], protocol: 'enabled' }]),
          );
          const topology: Topology = {
            name: names[0],
            defaults: {},
            servers,
            links: [
              {
                kind: 'parent-child',
                index: 0,
                parent: names[0]!,
                child: names[1]!,
                hasFlows: false,
              },
              {
                kind: 'peer',
                index: 1,
                peers: [names[1]!, names.at(-1)! + '?'],
                dial: 'both',
                flows: { updates: { kind: 'one-way', from: names[1]!, to: names.at(-1)! + '?' } },
              },
            ],
          };
          const graph = buildGraph(topology, [
            { rule: 'schema', severity: 'error', message: 'm', pointer: linkPointer({ index: 1 }) },
          ]);
          checkMermaidShape(renderMermaid(graph));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('renderDot', () => {
  it('draws a valid network top to bottom, peers dashed without arrowheads', async () => {
    const text = renderDot(network);
    await expect(text).toMatchFileSnapshot('./__snapshots__/network.dot');
    expect(text).toContain('rankdir=TB');
    expect(text).toMatch(
      /^ {2}s0 -> s1 \[label="updates, licenses ↓ \/ events ↑", class="parent-child"\];$/m,
    );
    expect(text).toMatch(/^ {2}s2 -> s3 \[.*style=dashed, dir=none, constraint=false/m);
    expect(text).not.toContain('#d32f2f');
  });

  it('marks servers and links with errors red, unknown servers dashed, adds a legend', async () => {
    const text = renderDot(broken);
    await expect(text).toMatchFileSnapshot('./__snapshots__/broken.dot');
    expect(text).toMatch(/^ {2}s3 \[.*color="#d32f2f".*class="server error"\];$/m);
    expect(text).toMatch(/^ {2}u0 \[.*style="rounded,dashed".*class="server unknown error"\];$/m);
    expect(text).toMatch(
      /^ {2}s2 -> s3 \[.*style=dashed.*color="#d32f2f".*class="peer error"\];$/m,
    );
    expect(text).toContain('subgraph cluster_legend');
    for (const name of BROKEN_NAMES) expect(text).toContain(escapeDot(name));
  });

  it('keeps every quoted string closed', () => {
    for (const text of [renderDot(network), renderDot(broken)]) {
      for (const line of text.split('\n')) {
        const unescaped = line.replace(/\\["\\]/g, '');
        expect(unescaped.split('"').length % 2, line).toBe(1);
      }
    }
  });

  it('highlights chosen links and can draw only them', () => {
    const text = renderDot(network, { highlight: new Set([pairKey('WEST', 'EAST')]) });
    expect(text).toMatch(
      /^ {2}s2 -> s3 \[.*color="#ef6c00", penwidth=3, class="peer highlight"\];$/m,
    );
    const only = renderDot(network, { only: new Set([0]) });
    expect(only.match(/->/g)).toHaveLength(1);
    expect(only).not.toContain('WEST');
  });
});

describe('no secret in any drawing', () => {
  it('draws neither inline, env nor file passwords, even when they are loaded', async () => {
    for (const yaml of [NETWORK_YAML, BROKEN_YAML]) {
      const { graph, checked, fixture } = await graphFixture(yaml, true);
      fixtures.push(fixture);
      // The passwords really were loaded, so a leak would show.
      const loaded = [...(checked.loaded.secrets?.values() ?? [])].join('\n');
      if (yaml === NETWORK_YAML) {
        expect(loaded).toContain(ENV_SECRET);
        expect(loaded).toContain(FILE_SECRET);
      }
      const outputs = [renderMermaid(graph), renderDot(graph), JSON.stringify(graph)];
      for (const out of outputs) {
        for (const secret of [INLINE_SECRET, ENV_SECRET, FILE_SECRET]) {
          expect(out).not.toContain(secret);
        }
      }
    }
  });
});
