/**
 * Every server with its sync state and pending changes, filtered by a search box. The list is
 * one tab stop (a listbox): arrow keys move between servers, Enter or Space selects one.
 */
import { memo } from './memo.js';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TargetedKeyboardEvent, TargetedMouseEvent } from 'preact';
import type { ServerStatus } from './api-types.js';
import { SYNC_MARK, domId, plural } from './format.js';
import type { Selection } from './selection.js';

/** True when a server's name matches the search text (case-insensitive substring). */
export function matchesSearch(name: string, search: string): boolean {
  const q = search.trim().toLowerCase();
  return q === '' || name.toLowerCase().includes(q);
}

function needsAttention(s: ServerStatus): boolean {
  return s.sync !== 'Synced' || s.pending > 0 || s.error !== null;
}

/** A row's id in the document (names may hold any character). */
export function serverRowId(name: string): string {
  return domId('server', name);
}

interface RowProps {
  readonly server: ServerStatus;
  readonly selected: boolean;
  readonly active: boolean;
}

const Row = memo(
  function Row({ server: s, selected, active }: RowProps) {
    return (
      <li
        role="option"
        id={serverRowId(s.name)}
        class={`server-row sync-${s.sync}${s.error !== null ? ' unreadable' : ''}`}
        aria-selected={selected}
        tabIndex={active ? 0 : -1}
        data-server={s.name}
      >
        <span class="name">{s.name}</span>
        <span class="row-badges">
          {s.error !== null ? (
            <span class="badge tone-bad" title={s.error}>
              <span aria-hidden="true">!</span> unreadable
            </span>
          ) : (
            <span class={`badge tone-${s.sync}`}>
              <span aria-hidden="true">{SYNC_MARK[s.sync]}</span> {s.sync}
            </span>
          )}
          {s.pending > 0 && <span class="badge tone-warn">{s.pending} pending</span>}
        </span>
      </li>
    );
  },
  (a, b) =>
    a.selected === b.selected &&
    a.active === b.active &&
    a.server.name === b.server.name &&
    a.server.sync === b.server.sync &&
    a.server.pending === b.server.pending &&
    a.server.error === b.server.error,
);

/** The server list panel. */
export function ServerList(props: {
  servers: readonly ServerStatus[];
  search: string;
  onSearch: (s: string) => void;
  selection: Selection | null;
  onSelect: (s: Selection) => void;
}) {
  const [onlyAttention, setOnlyAttention] = useState(false);
  const [active, setActive] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const focusAfterRender = useRef(false);
  const selectedName = props.selection?.kind === 'server' ? props.selection.name : null;

  const sorted = useMemo(
    () => [...props.servers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    [props.servers],
  );
  const shown = useMemo(
    () =>
      sorted.filter(
        (s) => matchesSearch(s.name, props.search) && (!onlyAttention || needsAttention(s)),
      ),
    [sorted, props.search, onlyAttention],
  );
  const attention = useMemo(() => props.servers.filter(needsAttention).length, [props.servers]);

  // The tab stop: the active row if still shown, else the selected one, else the first.
  const tabStop =
    (active !== null && shown.some((s) => s.name === active) && active) ||
    (selectedName !== null && shown.some((s) => s.name === selectedName) && selectedName) ||
    shown[0]?.name ||
    null;

  useEffect(() => {
    if (!focusAfterRender.current || tabStop === null) return;
    focusAfterRender.current = false;
    const el = document.getElementById(serverRowId(tabStop));
    el?.focus();
  });

  // A selection made elsewhere (picture, links) scrolls the list to it.
  useEffect(() => {
    if (selectedName === null) return;
    const el = document.getElementById(serverRowId(selectedName));
    if (el && listRef.current && !listRef.current.contains(document.activeElement)) {
      el.scrollIntoView({ block: 'nearest' });
    }
  }, [selectedName]);

  const rowOf = (target: EventTarget | null): HTMLElement | null =>
    target instanceof Element ? target.closest<HTMLElement>('[data-server]') : null;

  const onClick = (e: TargetedMouseEvent<HTMLUListElement>) => {
    const row = rowOf(e.target);
    const name = row?.dataset.server;
    if (name === undefined) return;
    setActive(name);
    props.onSelect({ kind: 'server', name });
  };

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLUListElement>) => {
    const row = rowOf(e.target);
    const name = row?.dataset.server;
    if (name === undefined) return;
    const i = shown.findIndex((s) => s.name === name);
    let next: number;
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(shown.length - 1, i + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, i - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = shown.length - 1;
        break;
      case 'PageDown':
        next = Math.min(shown.length - 1, i + 10);
        break;
      case 'PageUp':
        next = Math.max(0, i - 10);
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        props.onSelect({ kind: 'server', name });
        return;
      default:
        return;
    }
    e.preventDefault();
    const target = shown[next];
    if (target) {
      setActive(target.name);
      // Focus now, not after the render: a held-down arrow key must not outrun the list.
      const el = document.getElementById(serverRowId(target.name));
      if (el) el.focus();
      else focusAfterRender.current = true;
    }
  };

  return (
    <section class="panel servers" aria-labelledby="servers-h">
      <h2 id="servers-h" tabIndex={-1}>
        Servers
      </h2>
      <div class="search">
        <label for="server-search">Find a server</label>
        <input
          id="server-search"
          type="search"
          autocomplete="off"
          spellcheck={false}
          placeholder="Name"
          value={props.search}
          onInput={(e) => props.onSearch(e.currentTarget.value)}
        />
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={onlyAttention}
          onChange={(e) => setOnlyAttention(e.currentTarget.checked)}
        />{' '}
        Only servers needing attention ({attention})
      </label>
      <p class="muted list-count" aria-live="polite">
        {shown.length === props.servers.length
          ? plural(shown.length, 'server')
          : `${shown.length.toLocaleString('en-US')} of ${plural(props.servers.length, 'server')}`}
      </p>
      {shown.length === 0 ? (
        <p class="empty">{props.servers.length === 0 ? 'No servers yet.' : 'No server matches.'}</p>
      ) : (
        <ul
          ref={listRef}
          class="server-list"
          role="listbox"
          aria-label="Servers"
          onClick={onClick}
          onKeyDown={onKeyDown}
        >
          {shown.map((s) => (
            <Row
              key={s.name}
              server={s}
              selected={s.name === selectedName}
              active={s.name === tabStop}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
