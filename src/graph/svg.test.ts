import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROKEN_NAMES,
  BROKEN_YAML,
  ENV_SECRET,
  FILE_SECRET,
  INLINE_SECRET,
  NETWORK_NAMES,
  NETWORK_YAML,
  graphFixture,
  type FixtureDir,
} from '../../test/graph/fixtures.js';
import type { TopologyGraph } from './graph-model.js';
import { renderSvg } from './svg.js';

/** How a text appears in SVG: XML special characters as entities. */
function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The `<g>` of each SVG node or edge, by class (Graphviz writes `-` there as `&#45;`). */
function groups(svg: string, cls: RegExp): string[] {
  return [...svg.matchAll(/<g id="[^"]*" class="([^"]*)">([\s\S]*?)<\/g>\n(?=<!--|<\/g>)/g)]
    .filter((m) => cls.test(m[1]!.replace(/&#45;/g, '-')))
    .map((m) => m[2]!);
}

let network: TopologyGraph;
let broken: TopologyGraph;
const fixtures: FixtureDir[] = [];

beforeAll(async () => {
  // Passwords resolved on purpose: they are in memory, and still must not reach the SVG.
  const n = await graphFixture(NETWORK_YAML, true);
  const b = await graphFixture(BROKEN_YAML, true);
  fixtures.push(n.fixture, b.fixture);
  network = n.graph;
  broken = b.graph;
});

afterAll(async () => {
  await Promise.all(fixtures.map((f) => f.cleanup()));
});

describe('renderSvg (Graphviz in WebAssembly)', () => {
  it('draws every server, dashed peer links and solid parent/child links', async () => {
    const svg = await renderSvg(network);
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
    for (const name of NETWORK_NAMES) expect(svg).toContain(`>${xml(name)}</text>`);
    const peers = groups(svg, /\bpeer\b/);
    const parents = groups(svg, /\bparent-child\b/);
    expect(peers).toHaveLength(1);
    expect(parents).toHaveLength(2);
    expect(peers[0]).toContain('stroke-dasharray');
    // dir=none: no arrowhead polygon on peer links.
    expect(peers[0]).not.toContain('<polygon');
    for (const p of parents) {
      expect(p).not.toContain('stroke-dasharray');
      expect(p).toContain('<polygon');
    }
    expect(svg).toContain('updates EAST→WEST, events ↔');
    expect(svg).not.toMatch(/class="[^"]*\berror\b/);
  });

  it('marks servers with errors, draws unknown servers dashed and escapes every name', async () => {
    const svg = await renderSvg(broken);
    for (const name of BROKEN_NAMES) expect(svg).toContain(xml(name));
    const errors = groups(svg, /\bnode\b.*\berror\b/);
    expect(errors.length).toBe(5);
    for (const g of errors) expect(g).toContain('stroke="#d32f2f"');
    const unknown = groups(svg, /\bunknown\b/);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toContain('GHOST');
    expect(unknown[0]).toContain('stroke-dasharray');
    expect(svg).toContain('Legend');
    expect(svg).toContain('server or link with errors');
  });

  it('holds no password', async () => {
    for (const svg of [await renderSvg(network), await renderSvg(broken)]) {
      for (const secret of [INLINE_SECRET, ENV_SECRET, FILE_SECRET]) {
        expect(svg).not.toContain(secret);
      }
    }
  });
});
