/**
 * The picture of the network: servers as boxes in a left-to-right tree of parent → child links,
 * peer links as dashed arcs, every line coloured and marked by its state. Subtrees fold into
 * one box (+N) so that thousands of servers stay legible; zoom and pan with d3-zoom. One tab
 * stop: arrow keys walk the tree, Enter selects, + and − open and close subtrees.
 */
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import type { TargetedKeyboardEvent, TargetedMouseEvent } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LinkStatusEntry, ServeStatus, ServerStatus } from './api-types.js';
import {
  LINK_MARK,
  SYNC_MARK,
  explainReason,
  linkKindWord,
  linkTitle,
  localTime,
  plural,
  reasonWords,
} from './format.js';
import {
  LABEL_X,
  NODE_HEIGHT,
  edgeShape,
  hiddenMarks,
  layoutGraph,
  marksX,
  nodeLabel,
  type PlacedNode,
} from './layout.js';
import { memo } from './memo.js';
import {
  allExpandable,
  ancestorsOf,
  buildForest,
  defaultExpanded,
  linkKey,
  structureKey,
  visibleGraph,
  type HiddenSummary,
  type VisibleEdge,
  type VisibleNode,
} from './network-model.js';
import type { Selection } from './selection.js';
import { matchesSearch } from './server-list.js';

/** How many boxes the first picture shows at most (whole levels of the tree). */
export const FIRST_PICTURE_BUDGET = 120;

/** Below this zoom the labels are hidden: the picture is a map of colours then. */
const FAR_ZOOM = 0.45;

/** The tooltip (and accessible description) of one link. */
export function linkTooltip(l: LinkStatusEntry): string {
  let text = `${linkTitle(l)}, ${linkKindWord(l.type)}: ${l.state}`;
  if (l.state === 'offline' && l.reason !== null) {
    text += `: ${reasonWords(l.reason)}`;
    const why = explainReason(l.reason);
    if (why) text += ` (${why})`;
    if (l.detail) text += `. ${l.detail}`;
  }
  if (l.since) text += `. Since ${localTime(l.since)}`;
  return text;
}

function edgeTooltip(e: VisibleEdge): string {
  if (!e.aggregated) return linkTooltip(e.links[0]!);
  const count = { online: 0, offline: 0, unknown: 0 };
  for (const l of e.links) count[l.state]++;
  const parts = [`${count.online} online`, `${count.offline} offline`, `${count.unknown} unknown`];
  const offline = e.links.filter((l) => l.state === 'offline').slice(0, 5);
  let text = `${plural(e.links.length, `${e.type === 'peer' ? 'peer' : 'parent → child'} link`)} between ${e.from} and ${e.to} (with their closed subtrees): ${parts.join(', ')}`;
  if (offline.length > 0)
    text += `. ${offline.map((l) => `${linkTitle(l)}: ${reasonWords(l.reason)}`).join('; ')}`;
  return text;
}

function hiddenWords(h: HiddenSummary): string {
  const parts = [plural(h.servers, 'more server')];
  if (h.offline) parts.push(plural(h.offline, 'offline link'));
  if (h.unknown) parts.push(plural(h.unknown, 'link', 'links') + ' in unknown state');
  if (h.outOfSync) parts.push(`${h.outOfSync} out of sync`);
  if (h.unreadable) parts.push(`${h.unreadable} unreadable`);
  if (h.matches) parts.push(`${h.matches} matching the search`);
  return parts.join(', ');
}

function nodeDescription(v: VisibleNode, s: ServerStatus | undefined): string {
  let text = `${v.name}: ${s ? s.sync : 'not in the status'}`;
  if (s?.error) text += `, unreadable (${s.error})`;
  if (s && s.pending > 0) text += `, ${plural(s.pending, 'pending change')}`;
  if (v.collapsed) text += `. Closed subtree: ${hiddenWords(v.hidden)}`;
  return text;
}

interface NodeProps {
  readonly v: VisibleNode;
  readonly p: PlacedNode;
  readonly server: ServerStatus | undefined;
  readonly selected: boolean;
  readonly focusable: boolean;
  readonly match: boolean;
  /** Changes whenever the hidden summary does (memo key). */
  readonly hiddenKey: string;
}

const NodeBox = memo(
  function NodeBox({ v, p, server, selected, focusable, match }: NodeProps) {
    const sync = server?.sync ?? 'Unknown';
    const unreadable = server?.error != null;
    const mark = unreadable ? '!' : SYNC_MARK[sync];
    const description = nodeDescription(v, server);
    const label = nodeLabel(v);
    const h = v.hidden;
    const cls = [
      'node',
      `sync-${sync}`,
      unreadable ? 'unreadable' : '',
      v.collapsed ? 'collapsed' : '',
      selected ? 'selected' : '',
      match ? 'match' : '',
    ]
      .filter(Boolean)
      .join(' ');
    return (
      <g
        class={cls}
        data-server={v.name}
        transform={`translate(${p.x},${p.y})`}
        role="button"
        tabindex={focusable ? 0 : -1}
        aria-label={description}
        aria-pressed={selected}
        aria-expanded={v.hasChildren ? !v.collapsed : undefined}
      >
        <title>{description}</title>
        {v.collapsed && (
          <rect
            class="stack"
            x={3}
            y={-NODE_HEIGHT / 2 + 3}
            width={p.width}
            height={NODE_HEIGHT}
            rx={4}
          />
        )}
        <rect class="box" x={0} y={-NODE_HEIGHT / 2} width={p.width} height={NODE_HEIGHT} rx={4} />
        <text x={LABEL_X} y={4}>
          <tspan class="mark">{mark}</tspan> {label}
        </text>
        {v.collapsed && (h.offline > 0 || h.outOfSync > 0 || h.unreadable > 0 || h.matches > 0) && (
          <text class="hidden-marks" x={marksX(label)} y={4}>
            {h.offline > 0 && <tspan class="m-offline">✕{h.offline} </tspan>}
            {h.unreadable > 0 && <tspan class="m-unreadable">!{h.unreadable} </tspan>}
            {h.outOfSync > 0 && <tspan class="m-sync">≠{h.outOfSync} </tspan>}
            {h.matches > 0 && <tspan class="m-match">⌕{h.matches}</tspan>}
          </text>
        )}
        {v.hasChildren && (
          <g class="toggle" data-toggle={v.name} transform={`translate(${p.width - 11},0)`}>
            <circle r={7} />
            <text y={4}>{v.collapsed ? '+' : '−'}</text>
          </g>
        )}
      </g>
    );
  },
  (a, b) =>
    a.v.name === b.v.name &&
    a.v.collapsed === b.v.collapsed &&
    a.hiddenKey === b.hiddenKey &&
    a.p === b.p &&
    a.server?.sync === b.server?.sync &&
    a.server?.error === b.server?.error &&
    a.server?.pending === b.server?.pending &&
    a.selected === b.selected &&
    a.focusable === b.focusable &&
    a.match === b.match,
);

interface EdgeProps {
  readonly id: string;
  readonly d: string;
  readonly midX: number;
  readonly midY: number;
  readonly type: VisibleEdge['type'];
  readonly state: VisibleEdge['state'];
  readonly aggregated: boolean;
  readonly count: number;
  readonly title: string;
  readonly linkKey: string | undefined;
  readonly selected: boolean;
}

const EdgeLine = memo(
  function EdgeLine(e: EdgeProps) {
    const cls = `edge ${e.type === 'peer' ? 'peer' : 'pc'} ${e.state}${e.aggregated ? ' agg' : ''}${e.selected ? ' selected' : ''}`;
    return (
      <g class={cls} data-edge={e.id} data-link={e.linkKey} data-state={e.state}>
        <title>{e.title}</title>
        <path class="hit" d={e.d} />
        <path
          class="line"
          d={e.d}
          marker-end={e.type === 'peer' ? undefined : `url(#arrow-${e.state})`}
          stroke-width={e.aggregated ? Math.min(5, 1.5 + Math.log2(e.count)) : undefined}
        />
        {e.state !== 'online' && (
          <g class="state-mark" transform={`translate(${e.midX},${e.midY})`}>
            <circle r={7} />
            <text y={4}>{LINK_MARK[e.state]}</text>
          </g>
        )}
      </g>
    );
  },
  (a, b) =>
    a.d === b.d &&
    a.state === b.state &&
    a.title === b.title &&
    a.selected === b.selected &&
    a.count === b.count &&
    a.aggregated === b.aggregated,
);

function hiddenKeyOf(h: HiddenSummary): string {
  return `${h.servers},${h.offline},${h.unknown},${h.outOfSync},${h.unreadable},${h.matches}`;
}

/** The network panel. */
export function GraphView(props: {
  status: ServeStatus;
  search: string;
  selection: Selection | null;
  onSelect: (s: Selection) => void;
}) {
  const { status, search, selection, onSelect } = props;
  const skey = useMemo(() => structureKey(status.servers, status.links), [status]);
  // The forest is rebuilt only when servers or links come or go, not when states change.
  const forest = useMemo(() => buildForest(status.servers, status.links), [skey]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() =>
    defaultExpanded(forest, FIRST_PICTURE_BUDGET),
  );
  const firstForest = useRef(forest);
  useEffect(() => {
    if (firstForest.current === forest) return;
    setExpanded((prev) => new Set([...prev].filter((n) => forest.nodes.has(n))));
  }, [forest]);

  const servers = useMemo(() => new Map(status.servers.map((s) => [s.name, s])), [status.servers]);
  const q = search.trim();
  const matcher = useMemo(
    () => (q === '' ? () => false : (name: string) => matchesSearch(name, q)),
    [q],
  );
  const graph = useMemo(
    () => visibleGraph(forest, expanded, status.servers, status.links, matcher),
    [forest, expanded, status, matcher],
  );
  // Positions depend on the boxes shown and their labels only, not on states.
  // Folded nodes' marks set their widths: lay out again when they change (rarely: a link inside
  // a folded subtree goes offline, or the search finds servers in it).
  const marksKey = graph.nodes
    .filter((v) => v.collapsed)
    .map((v) => `${v.name}:${hiddenMarks(v)}`)
    .join('|');
  const layout = useMemo(() => {
    const start = performance.now();
    const l = layoutGraph(forest, graph.nodes);
    // Visible in the browser's performance timeline (and read by the benchmark).
    performance.measure('avnet:layout', { start, detail: { boxes: graph.nodes.length } });
    return l;
  }, [forest, expanded, marksKey]);

  const svgRef = useRef<SVGSVGElement>(null);
  const viewportRef = useRef<SVGGElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const transformRef = useRef<ZoomTransform>(zoomIdentity);
  const anchorRef = useRef<{ name: string; x: number; y: number } | null>(null);
  const revealRef = useRef<string | null>(null);
  const fittedRef = useRef(false);
  const [focusName, setFocusName] = useState<string | null>(null);
  const focusAfterRender = useRef(false);

  // A layout effect, so that the behaviour exists before the first fit below runs.
  useLayoutEffect(() => {
    const svg = svgRef.current;
    const vp = viewportRef.current;
    if (!svg || !vp) return;
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.02, 4])
      .on('zoom', (e: { transform: ZoomTransform }) => {
        transformRef.current = e.transform;
        vp.setAttribute('transform', e.transform.toString());
        svg.classList.toggle('far', e.transform.k < FAR_ZOOM);
      });
    select(svg).call(z).on('dblclick.zoom', null);
    zoomRef.current = z;
    return () => {
      select(svg).on('.zoom', null);
    };
  }, []);

  /**
   * Zooms to show the whole picture. With `readable` (the first picture), never so far out that
   * the names vanish: a picture too big for that shows the top of the tree at a readable size.
   */
  const fit = useCallback(
    (readable = false) => {
      const svg = svgRef.current;
      const z = zoomRef.current;
      if (!svg || !z || layout.width === 0) return;
      const w = svg.clientWidth || 800;
      const h = svg.clientHeight || 500;
      const pad = 24;
      const k = Math.max(
        0.02,
        Math.min(1.25, (w - 2 * pad) / (layout.width + 60), (h - 2 * pad) / layout.height),
      );
      const root = forest.roots[0] !== undefined ? layout.nodes.get(forest.roots[0]) : undefined;
      const READABLE = 0.6;
      const t =
        readable && k < READABLE && root
          ? zoomIdentity.translate(pad, h / 2 - root.y * READABLE).scale(READABLE)
          : zoomIdentity
              .translate(
                Math.max(pad, (w - layout.width * k) / 2),
                Math.max(pad, (h - layout.height * k) / 2),
              )
              .scale(k);
      select(svg).call(z.transform, t);
    },
    [layout, forest],
  );

  /** Pans so that a node is in view (centred if it was not). */
  const reveal = useCallback(
    (name: string) => {
      const svg = svgRef.current;
      const z = zoomRef.current;
      const p = layout.nodes.get(name);
      if (!svg || !z || !p) return;
      const t = transformRef.current;
      const w = svg.clientWidth;
      const h = svg.clientHeight;
      const sx = t.applyX(p.x);
      const sy = t.applyY(p.y);
      const margin = 30;
      if (sx >= margin && sx + p.width * t.k <= w - margin && sy >= margin && sy <= h - margin)
        return;
      if (t.k < FAR_ZOOM) {
        // Too far out to read the name: come close enough.
        select(svg).call(
          z.transform,
          zoomIdentity.translate(w / 2 - (p.x + p.width / 2), h / 2 - p.y),
        );
        return;
      }
      select(svg).call(z.translateTo, p.x + p.width / 2, p.y);
    },
    [layout],
  );

  useLayoutEffect(() => {
    if (!fittedRef.current && layout.width > 0) {
      fittedRef.current = true;
      fit(true);
    }
    const anchor = anchorRef.current;
    if (anchor) {
      anchorRef.current = null;
      const p = layout.nodes.get(anchor.name);
      const svg = svgRef.current;
      if (p && svg && zoomRef.current)
        select(svg).call(zoomRef.current.translateBy, anchor.x - p.x, anchor.y - p.y);
    }
    const r = revealRef.current;
    if (r !== null && layout.nodes.has(r)) {
      revealRef.current = null;
      reveal(r);
    }
  }, [layout, fit, reveal]);

  // A selection made elsewhere opens the subtrees around it and brings it into view.
  useEffect(() => {
    if (selection === null || selection.kind === 'links') return;
    const names =
      selection.kind === 'server'
        ? [selection.name]
        : status.links.filter((l) => linkKey(l) === selection.key).flatMap((l) => [l.a, l.b]);
    const need = names.flatMap((n) => ancestorsOf(forest, n)).filter((a) => !expanded.has(a));
    const target = names[0];
    if (target === undefined) return;
    revealRef.current = target;
    if (need.length > 0) setExpanded(new Set([...expanded, ...need]));
    else if (layout.nodes.has(target)) {
      revealRef.current = null;
      reveal(target);
    }
    // Only when the selection changes, not on every status.
  }, [selection]);

  const toggle = useCallback(
    (name: string, open?: boolean) => {
      const p = layout.nodes.get(name);
      if (p) anchorRef.current = { name, x: p.x, y: p.y };
      setExpanded((prev) => {
        const next = new Set(prev);
        const isOpen = next.has(name);
        if (open ?? !isOpen) next.add(name);
        else next.delete(name);
        return next;
      });
    },
    [layout],
  );

  const rows = useMemo(() => {
    const list = graph.nodes.map((v) => ({ name: v.name, p: layout.nodes.get(v.name)! }));
    return list.filter((r) => r.p).sort((a, b) => a.p.y - b.p.y || a.p.x - b.p.x);
  }, [graph.nodes, layout]);

  const selectedServer = selection?.kind === 'server' ? selection.name : null;
  const selectedEdges = useMemo(() => {
    const keys = new Set(
      selection?.kind === 'link'
        ? [selection.key]
        : selection?.kind === 'links'
          ? selection.keys
          : [],
    );
    return keys;
  }, [selection]);
  const tabStop =
    (focusName !== null && layout.nodes.has(focusName) && focusName) ||
    (selectedServer !== null && layout.nodes.has(selectedServer) && selectedServer) ||
    rows[0]?.name ||
    null;

  useEffect(() => {
    if (!focusAfterRender.current || tabStop === null) return;
    focusAfterRender.current = false;
    const el = svgRef.current?.querySelector<SVGGElement>(`[data-server="${CSS.escape(tabStop)}"]`);
    el?.focus({ preventScroll: true });
    reveal(tabStop);
  });

  const moveFocus = (name: string) => {
    setFocusName(name);
    // Focus now when the box exists (a held-down arrow key must not outrun the render).
    const el = svgRef.current?.querySelector<SVGGElement>(`[data-server="${CSS.escape(name)}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      reveal(name);
    } else focusAfterRender.current = true;
  };

  const onKeyDown = (e: TargetedKeyboardEvent<SVGSVGElement>) => {
    const target = e.target instanceof Element ? e.target.closest('[data-server]') : null;
    const name = target?.getAttribute('data-server');
    if (!name) return;
    const i = rows.findIndex((r) => r.name === name);
    const node = forest.nodes.get(name);
    const v = graph.nodes.find((n) => n.name === name);
    switch (e.key) {
      case 'ArrowDown':
        if (rows[i + 1]) moveFocus(rows[i + 1]!.name);
        break;
      case 'ArrowUp':
        if (i > 0) moveFocus(rows[i - 1]!.name);
        break;
      case 'Home':
        // The top of the tree, not the top row (a root sits in the middle of its subtree).
        if (forest.roots[0] !== undefined) moveFocus(forest.roots[0]);
        break;
      case 'End':
        if (rows.length > 0) moveFocus(rows[rows.length - 1]!.name);
        break;
      case 'ArrowRight':
        if (v?.collapsed) toggle(name, true);
        else if (node && node.children.length > 0) moveFocus(node.children[0]!);
        break;
      case 'ArrowLeft':
        if (v?.hasChildren && !v.collapsed) toggle(name, false);
        else if (node?.parent) moveFocus(node.parent);
        break;
      case '+':
      case '=':
        if (v?.hasChildren) toggle(name, true);
        break;
      case '-':
        if (v?.hasChildren) toggle(name, false);
        break;
      case 'Enter':
      case ' ':
        onSelect({ kind: 'server', name });
        break;
      default:
        return;
    }
    e.preventDefault();
    if (focusName === null) setFocusName(name);
  };

  const onClick = (e: TargetedMouseEvent<SVGSVGElement>) => {
    const el = e.target instanceof Element ? e.target : null;
    const tog = el?.closest('[data-toggle]')?.getAttribute('data-toggle');
    if (tog) {
      toggle(tog);
      return;
    }
    const name = el?.closest('[data-server]')?.getAttribute('data-server');
    if (name) {
      setFocusName(name);
      onSelect({ kind: 'server', name });
      return;
    }
    const edgeId = el?.closest('[data-edge]')?.getAttribute('data-edge');
    const edge = edgeId ? graph.edges.find((x) => x.id === edgeId) : undefined;
    if (!edge) return;
    if (!edge.aggregated) onSelect({ kind: 'link', key: linkKey(edge.links[0]!) });
    else
      onSelect({
        kind: 'links',
        title: `Links between ${edge.from} and ${edge.to}`,
        keys: edge.links.map(linkKey),
      });
  };

  const zoomBy = (factor: number) => {
    const svg = svgRef.current;
    if (svg && zoomRef.current) select(svg).call(zoomRef.current.scaleBy, factor);
  };

  const showProblems = () => {
    const next = new Set(expanded);
    for (const l of status.links)
      if (l.state !== 'online')
        for (const end of [l.a, l.b]) for (const a of ancestorsOf(forest, end)) next.add(a);
    for (const s of status.servers)
      if (s.sync !== 'Synced' || s.error !== null)
        for (const a of ancestorsOf(forest, s.name)) next.add(a);
    setExpanded(next);
  };

  const showMatches = () => {
    if (q === '') return;
    const next = new Set(expanded);
    for (const name of forest.nodes.keys())
      if (matcher(name)) for (const a of ancestorsOf(forest, name)) next.add(a);
    setExpanded(next);
  };

  const hiddenMatches = graph.nodes.reduce((n, v) => n + v.hidden.matches, 0);

  return (
    <section class="panel network" aria-labelledby="network-h">
      <div class="panel-head">
        <h2 id="network-h">Network</h2>
        <div class="toolbar" role="toolbar" aria-label="Picture">
          <button type="button" onClick={() => zoomBy(1.4)} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={() => zoomBy(1 / 1.4)} aria-label="Zoom out">
            −
          </button>
          <button type="button" onClick={() => fit()}>
            Fit
          </button>
          <button type="button" onClick={showProblems}>
            Open problems
          </button>
          {hiddenMatches > 0 && (
            <button type="button" onClick={showMatches}>
              Open {plural(hiddenMatches, 'match', 'matches')}
            </button>
          )}
          <button type="button" onClick={() => setExpanded(allExpandable(forest))}>
            Open all
          </button>
          <button
            type="button"
            onClick={() => setExpanded(defaultExpanded(forest, FIRST_PICTURE_BUDGET))}
          >
            Close to overview
          </button>
        </div>
      </div>
      <p id="network-help" class="hint">
        {plural(graph.nodes.length, 'box', 'boxes')} for {plural(forest.nodes.size, 'server')}. Tab
        into the picture, then arrow keys move between servers (Home: the top of the tree), Enter
        selects, + and − open and close a subtree. Drag to pan, wheel to zoom.
      </p>
      <Legend />
      {forest.nodes.size === 0 && (
        <p class="empty">
          No servers yet: the status lists none (before the first cycle, or an empty topology).
        </p>
      )}
      <svg
        ref={svgRef}
        class="graph"
        role="group"
        aria-label={`Network picture: ${plural(forest.nodes.size, 'server')}, ${plural(status.links.length, 'link')}`}
        aria-describedby="network-help"
        onKeyDown={onKeyDown}
        onClick={onClick}
      >
        <defs>
          {(['online', 'offline', 'unknown'] as const).map((s) => (
            <marker
              key={s}
              id={`arrow-${s}`}
              viewBox="0 0 10 10"
              refX={9}
              refY={5}
              markerUnits="userSpaceOnUse"
              markerWidth={9}
              markerHeight={9}
              orient="auto-start-reverse"
            >
              <path class={`arrowhead ${s}`} d="M0,0L10,5L0,10z" />
            </marker>
          ))}
        </defs>
        <g ref={viewportRef}>
          <g class="edges">
            {graph.edges.map((e) => {
              const from = layout.nodes.get(e.from);
              const to = layout.nodes.get(e.to);
              if (!from || !to) return null;
              const shape = edgeShape(from, to);
              const single = e.aggregated ? undefined : linkKey(e.links[0]!);
              return (
                <EdgeLine
                  key={e.id}
                  id={e.id}
                  d={shape.d}
                  midX={Math.round(shape.mid.x)}
                  midY={Math.round(shape.mid.y)}
                  type={e.type}
                  state={e.state}
                  aggregated={e.aggregated}
                  count={e.links.length}
                  title={edgeTooltip(e)}
                  linkKey={single}
                  selected={e.links.some((l) => selectedEdges.has(linkKey(l)))}
                />
              );
            })}
          </g>
          <g class="nodes">
            {graph.nodes.map((v) => {
              const p = layout.nodes.get(v.name);
              if (!p) return null;
              return (
                <NodeBox
                  key={v.name}
                  v={v}
                  p={p}
                  server={servers.get(v.name)}
                  selected={v.name === selectedServer}
                  focusable={v.name === tabStop}
                  match={q !== '' && matcher(v.name)}
                  hiddenKey={hiddenKeyOf(v.hidden)}
                />
              );
            })}
          </g>
        </g>
      </svg>
    </section>
  );
}

/** What the marks and lines mean. */
function Legend() {
  return (
    <ul class="legend" aria-label="Legend">
      <li>
        <svg width="34" height="10" aria-hidden="true">
          <path class="legend-line pc" d="M1,5H28" marker-end="url(#arrow-online)" />
        </svg>
        parent → child
      </li>
      <li>
        <svg width="34" height="10" aria-hidden="true">
          <path class="legend-line peer" d="M1,5H33" />
        </svg>
        peer ↔ peer (dashed)
      </li>
      <li>
        <span class="swatch online" aria-hidden="true" /> ✓ online
      </li>
      <li>
        <span class="swatch offline" aria-hidden="true" /> ✕ offline (hover or select for the
        reason)
      </li>
      <li>
        <span class="swatch unknown" aria-hidden="true" /> ? unknown
      </li>
      <li>≠ out of sync, ! unreadable</li>
      <li>+N: N servers folded in (✕ offline links, ≠ out of sync, ⌕ search matches among them)</li>
    </ul>
  );
}
