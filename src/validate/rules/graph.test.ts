import { describe, expect, it } from 'vitest';
import { findCycles, stronglyConnected, type Edge } from './graph.js';

const edges = (...pairs: string[]): Edge<string>[] =>
  pairs.map((p) => {
    const [from, to] = p.split('>') as [string, string];
    return { from, to, link: p };
  });
const sorted = (comps: string[][]) => comps.map((c) => [...c].sort().join('')).sort();

describe('stronglyConnected', () => {
  it.each<[string, Edge<string>[], string[]]>([
    ['a chain', edges('a>b', 'b>c'), ['a', 'b', 'c']],
    ['a 2-cycle and a tail', edges('a>b', 'b>a', 'b>c'), ['ab', 'c']],
    ['two cycles joined one way', edges('a>b', 'b>a', 'b>c', 'c>d', 'd>c'), ['ab', 'cd']],
    ['a self-loop', edges('a>a'), ['a']],
    ['nothing', [], []],
  ])('%s', (_name, e, want) => expect(sorted(stronglyConnected(e))).toEqual(want));

  it('handles a 20,000-node cycle without overflowing the stack', () => {
    const n = 20_000;
    const e = Array.from({ length: n - 1 }, (_, i) => ({
      from: `n${i}`,
      to: `n${i + 1}`,
      link: i,
    }));
    e.push({ from: `n${n - 1}`, to: 'n0', link: n });
    const comps = stronglyConnected(e);
    expect(comps).toHaveLength(1);
    expect(comps[0]).toHaveLength(n);
    expect(findCycles(e)[0]).toHaveLength(n);
  });
});

describe('findCycles', () => {
  it.each<[string, Edge<string>[], string[][]]>([
    ['no cycle', edges('a>b', 'a>c', 'b>d', 'c>d'), []],
    ['a self-loop', edges('a>b', 'b>b'), [['b>b']]],
    ['a 2-cycle', edges('a>b', 'b>a'), [['a>b', 'b>a']]],
    ['a 3-cycle with a chord', edges('a>b', 'b>c', 'c>a', 'a>c'), [['a>c', 'c>a']]],
  ])('%s', (_name, e, want) => {
    const cycles = findCycles(e).map((c) => c.map((x) => x.link));
    // Compare as rotations: a cycle has no fixed start.
    expect(cycles.map((c) => [...c].sort())).toEqual(want.map((c) => [...c].sort()));
    for (const c of findCycles(e)) {
      c.forEach((x, i) => expect(x.to).toBe(c[(i + 1) % c.length]!.from));
    }
  });

  it('finds one cycle per strongly connected component', () => {
    expect(findCycles(edges('a>b', 'b>a', 'c>d', 'd>e', 'e>c', 'b>c'))).toHaveLength(2);
  });
});
