/** Maps JSON pointers back to line and column in the YAML source, lazily and only on demand. */
import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';
import type { ParsedYaml } from './parse-yaml.js';
import { parseJsonPointer, type PointerTarget } from '../model/index.js';

/** A 1-based position range. */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Resolves pointers and offsets to spans in one document. */
export interface SourceMap {
  /** The span of the node at `pointer` (or of its key), or of its nearest existing ancestor. */
  locate(pointer: string, target?: PointerTarget): Span;
  /** The span starting at a character offset. */
  locateOffset(offset: number): Span;
  /** The source text the positions refer to. */
  readonly text: string;
}

/** Builds the source map of a parsed document. */
export function createSourceMap(parsed: ParsedYaml, text: string): SourceMap {
  const { doc, lineCounter } = parsed;
  // Maps with thousands of keys (servers) are indexed once, when first searched.
  const mapIndex = new WeakMap<object, Map<string, Pair>>();

  function pairOf(node: Node, key: string): Pair | undefined {
    if (!isMap(node)) return undefined;
    let index = mapIndex.get(node);
    if (!index) {
      index = new Map();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        if (!index.has(k)) index.set(k, item as Pair);
      }
      mapIndex.set(node, index);
    }
    return index.get(key);
  }

  function span(range: readonly number[] | null | undefined): Span {
    const start = range?.[0] ?? 0;
    const end = range?.[1] ?? start;
    return spanOf(lineCounter, start, Math.max(start, end));
  }

  return {
    text,
    locateOffset: (offset) => spanOf(lineCounter, offset, offset),
    locate(pointer, target = 'value') {
      let node: Node | null | undefined = doc.contents as Node | null;
      let best: readonly number[] | null | undefined = node?.range ?? [0, 0];
      const segments = parseJsonPointer(pointer);
      for (let i = 0; i < segments.length; i++) {
        const seg = segments[i] as string;
        const last = i === segments.length - 1;
        if (!node) break;
        if (isMap(node)) {
          const pair = pairOf(node, seg);
          if (!pair) break;
          const keyNode = pair.key as Node | null;
          if (last && target === 'key' && keyNode?.range) return span(keyNode.range);
          const value = pair.value as Node | null;
          // A key with no value (`address:`) is located at its key: yaml gives it an empty
          // null scalar placed after the colon, which is not a position worth pointing at.
          const empty = isScalar(value) && value.range && value.range[0] === value.range[1];
          best = (empty ? undefined : value?.range) ?? keyNode?.range ?? best;
          node = value;
        } else if (isSeq(node)) {
          const idx = Number(seg);
          const item: Node | undefined = Number.isInteger(idx)
            ? (node.items[idx] as Node | undefined)
            : undefined;
          if (!item) break;
          best = item.range ?? best;
          node = item;
        } else {
          break;
        }
      }
      return span(best);
    },
  };
}

function spanOf(lineCounter: LineCounter, start: number, end: number): Span {
  const a = lineCounter.linePos(start);
  const b = lineCounter.linePos(end);
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}
