/**
 * Positions of the picture: a left-to-right tidy tree (d3-hierarchy's Reingold–Tilford layout)
 * of the visible nodes, one row per leaf, so that names never overlap whatever the size, and
 * columns as wide as their longest label. Pure arithmetic: no DOM, cheap at 2,000 nodes.
 */
import { hierarchy, tree } from 'd3-hierarchy';
import type { Forest, VisibleNode } from './network-model.js';

/** Height of one row of the picture (user units). */
export const ROW_HEIGHT = 30;
/** Height of a node's box. */
export const NODE_HEIGHT = 22;
/** Width of one character of a node label (the labels use a monospace font of 12 px). */
export const CHAR_WIDTH = 7.3;
/** Horizontal gap between columns, where the branches run. */
export const COLUMN_GAP = 64;

/** One placed node: its box's left edge, vertical centre and width. */
export interface PlacedNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

/** The placed picture and its extent. */
export interface Layout {
  readonly nodes: ReadonlyMap<string, PlacedNode>;
  readonly width: number;
  readonly height: number;
}

/** The text a node shows (also what its width is measured from). */
export function nodeLabel(n: VisibleNode): string {
  return n.collapsed ? `${n.name} +${n.hidden.servers}` : n.name;
}

/** What a folded node says about the servers it holds: `✕2 !1 ≠3 ⌕1`, or '' when nothing. */
export function hiddenMarks(n: VisibleNode): string {
  if (!n.collapsed) return '';
  const h = n.hidden;
  const parts: string[] = [];
  if (h.offline > 0) parts.push(`✕${h.offline}`);
  if (h.unreadable > 0) parts.push(`!${h.unreadable}`);
  if (h.outOfSync > 0) parts.push(`≠${h.outOfSync}`);
  if (h.matches > 0) parts.push(`⌕${h.matches}`);
  return parts.join(' ');
}

/** Where a node's marks start: after the state mark, a space, the label and a space. */
export function marksX(label: string): number {
  return LABEL_X + (label.length + 3) * CHAR_WIDTH;
}

/** Where a node's text starts. */
export const LABEL_X = 6;

/** Width of a node's box: state mark, label, marks, and room for the open/close toggle. */
export function nodeWidth(label: string, marks = ''): number {
  const text = marksX(label) + (marks === '' ? 0 : (marks.length + 0.5) * CHAR_WIDTH);
  return Math.ceil(text) + 24;
}

interface TreeItem {
  readonly name: string | null;
  readonly children: TreeItem[];
}

/**
 * Lays out the visible nodes (in row order, parents before children). Widths follow the labels
 * and a folded node's marks, so the caller lays out again when those marks change.
 */
export function layoutGraph(forest: Forest, visible: readonly VisibleNode[]): Layout {
  const items = new Map<string, TreeItem>();
  const root: TreeItem = { name: null, children: [] };
  for (const v of visible) {
    const item: TreeItem = { name: v.name, children: [] };
    items.set(v.name, item);
    const parent = forest.nodes.get(v.name)?.parent;
    const parentItem = parent != null ? items.get(parent) : undefined;
    (parentItem ?? root).children.push(item);
  }
  const h = hierarchy<TreeItem>(root, (d) => d.children);
  // nodeSize [row, 1]: d3's x is our vertical axis; depth gives the column.
  tree<TreeItem>()
    .nodeSize([ROW_HEIGHT, 1])
    .separation((a, b) => (a.parent === b.parent ? 1 : 1.4))(h);

  const widths = new Map<string, number>();
  const columnWidth: number[] = [];
  for (const v of visible) {
    const w = nodeWidth(nodeLabel(v), hiddenMarks(v));
    widths.set(v.name, w);
    columnWidth[v.depth] = Math.max(columnWidth[v.depth] ?? 0, w);
  }
  const columnX: number[] = [];
  let x = 0;
  for (let d = 0; d < columnWidth.length; d++) {
    columnX[d] = x;
    x += (columnWidth[d] ?? 0) + COLUMN_GAP;
  }
  let minY = Infinity;
  let maxY = -Infinity;
  h.each((n) => {
    if (n.data.name === null) return;
    const y = n.x ?? 0;
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  });
  if (!Number.isFinite(minY)) return { nodes: new Map(), width: 0, height: 0 };
  const placed = new Map<string, PlacedNode>();
  h.each((n) => {
    if (n.data.name === null) return;
    const depth = n.depth - 1;
    placed.set(n.data.name, {
      x: columnX[depth] ?? 0,
      y: (n.x ?? 0) - minY + ROW_HEIGHT / 2,
      width: widths.get(n.data.name) ?? 0,
    });
  });
  return { nodes: placed, width: Math.max(0, x - COLUMN_GAP), height: maxY - minY + ROW_HEIGHT };
}

/** A point. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An edge's path (SVG `d`) and the point of its curve where a state mark sits. */
export interface EdgeShape {
  readonly d: string;
  readonly mid: Point;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

function at(a: number, b: number, c: number, d: number, t: number): number {
  const u = 1 - t;
  return u * u * u * a + 3 * u * u * t * b + 3 * u * t * t * c + t * t * t * d;
}

function cubic(p0: Point, p1: Point, p2: Point, p3: Point): EdgeShape {
  return {
    d: `M${r1(p0.x)},${r1(p0.y)}C${r1(p1.x)},${r1(p1.y)} ${r1(p2.x)},${r1(p2.y)} ${r1(p3.x)},${r1(p3.y)}`,
    // At t = 0.7, nearer the target: marks of links that fan out of one server do not pile up.
    mid: { x: at(p0.x, p1.x, p2.x, p3.x, 0.7), y: at(p0.y, p1.y, p2.y, p3.y, 0.7) },
  };
}

/**
 * The curve between two placed nodes: from the right side of the left one to the left side of
 * the right one; nodes in the same column (peers, usually) are joined by an arc on their right.
 */
export function edgeShape(from: PlacedNode, to: PlacedNode): EdgeShape {
  const sameColumn = Math.abs(from.x - to.x) < 1;
  if (sameColumn) {
    const right = Math.max(from.x + from.width, to.x + to.width);
    const bulge = 24 + Math.min(200, Math.abs(to.y - from.y) * 0.25);
    return cubic(
      { x: from.x + from.width, y: from.y },
      { x: right + bulge, y: from.y },
      { x: right + bulge, y: to.y },
      { x: to.x + to.width, y: to.y },
    );
  }
  const [l, r] = from.x < to.x ? [from, to] : [to, from];
  const start = { x: l.x + l.width, y: l.y };
  const end = { x: r.x, y: r.y };
  const mx = (start.x + end.x) / 2;
  const a = from.x < to.x ? start : end;
  const b = from.x < to.x ? end : start;
  return cubic(a, { x: mx, y: a.y }, { x: mx, y: b.y }, b);
}
