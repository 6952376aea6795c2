/** Graph helpers for the cycle rules: strongly connected components and one cycle in each. */

/** A directed edge carrying a payload. */
export interface Edge<T> {
  readonly from: string;
  readonly to: string;
  readonly link: T;
}

/** Strongly connected components (Tarjan, iterative so deep hierarchies cannot overflow the stack). */
export function stronglyConnected<T>(edges: readonly Edge<T>[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, []);
    if (!adj.has(e.to)) adj.set(e.to, []);
    adj.get(e.from)!.push(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const start of adj.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = adj.get(frame.node)!;
      if (frame.next < succ.length) {
        const w = succ[frame.next++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== frame.node);
        out.push(comp);
      }
    }
  }
  return out;
}

/** One simple cycle per strongly connected component that has one (self-loops included). */
export function findCycles<T>(edges: readonly Edge<T>[]): Edge<T>[][] {
  const cycles: Edge<T>[][] = [];
  const components = stronglyConnected(edges);
  const insideOf = edgesInside(edges, components);
  for (const [i, comp] of components.entries()) {
    const inside = insideOf[i]!;
    const selfLoop = inside.find((e) => e.from === e.to);
    if (selfLoop) {
      cycles.push([selfLoop]);
      continue;
    }
    if (comp.length < 2) continue;
    cycles.push(cycleFrom(comp[0]!, inside));
  }
  return cycles;
}

/**
 * The edges whose two ends lie in the same component, grouped by component, in one pass (a tree
 * of N servers has N components: filtering every edge per component would be quadratic).
 */
export function edgesInside<E extends { readonly from: string; readonly to: string }>(
  edges: readonly E[],
  components: readonly (readonly string[])[],
): E[][] {
  const componentOf = new Map<string, number>();
  components.forEach((comp, i) => {
    for (const node of comp) componentOf.set(node, i);
  });
  const out = components.map(() => [] as E[]);
  for (const e of edges) {
    const c = componentOf.get(e.from);
    if (c !== undefined && c === componentOf.get(e.to)) out[c]!.push(e);
  }
  return out;
}

/** Finds a cycle through `start` by breadth-first search inside one component. */
function cycleFrom<T>(start: string, edges: readonly Edge<T>[]): Edge<T>[] {
  const out = new Map<string, Edge<T>[]>();
  for (const e of edges) {
    const list = out.get(e.from) ?? [];
    list.push(e);
    out.set(e.from, list);
  }
  const via = new Map<string, Edge<T>>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const e of out.get(node) ?? []) {
      if (e.to === start) {
        // Walk back to the start, then reverse: unshift would make long cycles quadratic.
        const back: Edge<T>[] = [];
        let cur = node;
        while (cur !== start) {
          const b = via.get(cur)!;
          back.push(b);
          cur = b.from;
        }
        return [...back.reverse(), e];
      }
      if (!via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return [];
}
