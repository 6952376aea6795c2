/**
 * The details of the selection: a server (its entries desired next to actual, differences
 * marked, secrets masked as serve masks them; its links; its pending changes), one link (state,
 * reason and what it means), or the links one line of the picture stands for.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ENTRY_FIELDS } from '../../src/model/neighbor.js';
import { AuthError, getJson } from './api.js';
import type {
  EntryComparison,
  LinkStatusEntry,
  PlanJson,
  ServeStatus,
  ServerDetail,
} from './api-types.js';
import {
  LINK_MARK,
  SYNC_MARK,
  domId,
  explainReason,
  formatValue,
  linkKindWord,
  linkTitle,
  localTime,
  plural,
  reasonWords,
} from './format.js';
import { describeChange } from './plan-view.js';
import type { Selection } from './selection.js';
import { linkKey } from './network-model.js';

type Select = (s: Selection) => void;

/** A button that selects one link, with its state in words. */
export function LinkButton(props: { link: LinkStatusEntry; onSelect: Select; from?: string }) {
  const l = props.link;
  const other = props.from === undefined ? null : l.a === props.from ? l.b : l.a;
  return (
    <button
      type="button"
      class={`link-button state-${l.state}`}
      data-link={linkKey(l)}
      onClick={() => props.onSelect({ kind: 'link', key: linkKey(l) })}
    >
      <span aria-hidden="true">{LINK_MARK[l.state]}</span>{' '}
      {other !== null ? (
        <>
          {other}{' '}
          <span class="muted">
            ({l.type === 'peer' ? 'peer' : l.a === other ? 'parent' : 'child'})
          </span>
        </>
      ) : (
        linkTitle(l)
      )}
      : <strong>{l.state}</strong>
      {l.state === 'offline' && l.reason && <>, {reasonWords(l.reason)}</>}
    </button>
  );
}

function EntryTable(props: { entry: EntryComparison }) {
  const { entry } = props;
  const differs = new Set(entry.differs);
  const known = new Set<string>(ENTRY_FIELDS);
  const extra = new Set<string>();
  for (const side of [entry.desired, entry.actual])
    for (const k of Object.keys(side ?? {})) if (!known.has(k) && k !== 'name') extra.add(k);
  const fields = [...ENTRY_FIELDS, ...extra].filter(
    (f) => (entry.desired && f in entry.desired) || (entry.actual && f in entry.actual),
  );
  const state =
    entry.desired === null
      ? entry.managed
        ? 'not in the topology: apply deletes it'
        : 'not managed by avnet: left alone'
      : entry.actual === null
        ? 'missing on the server: apply creates it'
        : differs.size > 0
          ? `${plural(differs.size, 'field differs', 'fields differ')}: apply updates it`
          : 'as desired';
  const headingId = domId('entry', entry.neighbor);
  return (
    <article
      class={`entry${differs.size > 0 || entry.desired === null || entry.actual === null ? ' entry-differs' : ''}`}
      aria-labelledby={headingId}
      data-neighbor={entry.neighbor}
    >
      <h4 id={headingId}>
        {entry.neighbor} <span class="muted">({entry.type})</span>
      </h4>
      <p class="entry-state">
        {differs.size > 0 || entry.desired === null || entry.actual === null ? (
          <span class="tone-warn-text">
            <span aria-hidden="true">≠</span> {state}
          </span>
        ) : (
          <span class="tone-good-text">
            <span aria-hidden="true">✓</span> {state}
          </span>
        )}
      </p>
      <div class="table-wrap">
        <table class="compare">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Desired</th>
              <th scope="col">Actual</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => {
              // A whole entry missing on one side differs as a whole (said above), not per field.
              const d = differs.has(f) && entry.desired !== null && entry.actual !== null;
              return (
                <tr key={f} class={d ? 'differs' : undefined} data-field={f}>
                  <th scope="row">
                    {f}
                    {d && (
                      <>
                        {' '}
                        <mark class="differs-mark">≠ differs</mark>
                      </>
                    )}
                  </th>
                  <td>{entry.desired === null ? '(none)' : formatValue(entry.desired[f])}</td>
                  <td>{entry.actual === null ? '(none)' : formatValue(entry.actual[f])}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {entry.desired !== null &&
        entry.actual !== null &&
        [...differs].filter((f) => !fields.includes(f)).length > 0 && (
          <p class="muted">
            Also differs: {[...differs].filter((f) => !fields.includes(f)).join(', ')}
          </p>
        )}
    </article>
  );
}

function ServerDetails(props: {
  name: string;
  status: ServeStatus;
  plan: PlanJson | null;
  onSelect: Select;
}) {
  const { name, status } = props;
  const [detail, setDetail] = useState<
    { name: string; value: ServerDetail } | { name: string; error: string } | null
  >(null);
  const summary = status.servers.find((s) => s.name === name);
  // Read again whenever this server's line in the status changes (a cycle, a write).
  const version = summary ? `${summary.sync}|${summary.pending}|${summary.error}` : '';
  const revision = `${status.lastCycle?.id ?? ''}|${status.sync.revision ?? ''}`;

  useEffect(() => {
    const ac = new AbortController();
    const t = setTimeout(() => {
      getJson<ServerDetail>(`api/v1/servers/${encodeURIComponent(name)}`, ac.signal).then(
        (value) => setDetail({ name, value }),
        (e: unknown) => {
          if (ac.signal.aborted) return;
          setDetail({
            name,
            error:
              e instanceof AuthError
                ? 'the token was refused'
                : e instanceof Error
                  ? e.message
                  : String(e),
          });
        },
      );
    }, 0);
    return () => {
      clearTimeout(t);
      ac.abort();
    };
  }, [name, version, revision]);

  const links = useMemo(
    () => status.links.filter((l) => l.a === name || l.b === name),
    [status.links, name],
  );
  const changes = (props.plan?.changes ?? []).filter((c) => c.server === name);
  const d = detail?.name === name ? detail : null;

  return (
    <div class="server-details" data-details-server={name}>
      <h3>
        {name}{' '}
        {summary && (
          <span class={`badge tone-${summary.error ? 'bad' : summary.sync}`}>
            <span aria-hidden="true">{summary.error ? '!' : SYNC_MARK[summary.sync]}</span>{' '}
            {summary.error ? 'unreadable' : summary.sync}
          </span>
        )}
      </h3>
      {summary?.error && (
        <p class="error-text">
          <span aria-hidden="true">!</span> Could not be read or written: {summary.error}
        </p>
      )}
      {summary && summary.pending > 0 && (
        <p>{plural(summary.pending, 'change', 'changes')} pending on this server.</p>
      )}
      {d && 'value' in d && d.value.actual && (
        <dl class="facts small">
          <div>
            <dt>Protocol</dt>
            <dd>{d.value.actual.protocol}</dd>
          </div>
          <div>
            <dt>Restart pending</dt>
            <dd>{d.value.actual.pendingRestart ? 'yes' : 'no'}</dd>
          </div>
          <div>
            <dt>Revision</dt>
            <dd>{d.value.actual.revision}</dd>
          </div>
        </dl>
      )}
      <h4>Links ({links.length})</h4>
      {links.length === 0 ? (
        <p class="muted">No links.</p>
      ) : (
        <ul class="plain">
          {links.map((l) => (
            <li key={linkKey(l)}>
              <LinkButton link={l} onSelect={props.onSelect} from={name} />
            </li>
          ))}
        </ul>
      )}
      {changes.length > 0 && (
        <>
          <h4>Pending changes ({changes.length})</h4>
          <ul class="plain changes">
            {changes.map((c, i) => (
              <li key={i}>{describeChange(c)}</li>
            ))}
          </ul>
        </>
      )}
      <h4>Neighbor entries: desired and actual</h4>
      {d === null && <p class="muted">Loading…</p>}
      {d && 'error' in d && <p class="error-text">Could not load the entries: {d.error}</p>}
      {d && 'value' in d && d.value.entries.length === 0 && (
        <p class="muted">No neighbor entries, desired or actual.</p>
      )}
      {d && 'value' in d && d.value.entries.map((e) => <EntryTable key={e.neighbor} entry={e} />)}
    </div>
  );
}

function LinkDetails(props: { link: LinkStatusEntry; onSelect: Select }) {
  const l = props.link;
  const why = explainReason(l.reason);
  return (
    <div class="link-details" data-details-link={linkKey(l)}>
      <h3>{linkTitle(l)}</h3>
      <dl class="facts small">
        <div>
          <dt>Kind</dt>
          <dd>{linkKindWord(l.type)}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd class={`state-${l.state}`}>
            <span aria-hidden="true">{LINK_MARK[l.state]}</span> <strong>{l.state}</strong>
          </dd>
        </div>
        {l.state !== 'online' && (
          <div>
            <dt>Reason</dt>
            <dd class="reason">
              {l.reason ? <strong>{reasonWords(l.reason)}</strong> : 'not reported'}
              {why && <p>{why}</p>}
              {l.detail && <p class="detail">{l.detail}</p>}
            </dd>
          </div>
        )}
        <div>
          <dt>Since</dt>
          <dd>{l.since ? localTime(l.since) : 'not seen changing yet'}</dd>
        </div>
      </dl>
      <p>
        <button type="button" onClick={() => props.onSelect({ kind: 'server', name: l.a })}>
          Show {l.a}
        </button>{' '}
        <button type="button" onClick={() => props.onSelect({ kind: 'server', name: l.b })}>
          Show {l.b}
        </button>
      </p>
    </div>
  );
}

/** The details panel. */
export function DetailsPanel(props: {
  status: ServeStatus;
  plan: PlanJson | null;
  selection: Selection | null;
  onSelect: Select;
}) {
  const { selection, status } = props;
  let body;
  if (selection === null) {
    body = (
      <p class="muted">
        Select a server in the list or the picture to see its neighbor entries, desired next to
        actual; select a link to see why it is offline.
      </p>
    );
  } else if (selection.kind === 'server') {
    body = (
      <ServerDetails
        name={selection.name}
        status={status}
        plan={props.plan}
        onSelect={props.onSelect}
      />
    );
  } else if (selection.kind === 'link') {
    const link = status.links.find((l) => linkKey(l) === selection.key);
    body = link ? (
      <LinkDetails link={link} onSelect={props.onSelect} />
    ) : (
      <p>This link is no longer in the topology.</p>
    );
  } else {
    const keys = new Set(selection.keys);
    const links = status.links
      .filter((l) => keys.has(linkKey(l)))
      .sort((a, b) => (a.state === b.state ? 0 : a.state === 'offline' ? -1 : 1));
    body = (
      <div>
        <h3>{selection.title}</h3>
        <ul class="plain">
          {links.map((l) => (
            <li key={linkKey(l)}>
              <LinkButton link={l} onSelect={props.onSelect} />
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <section class="panel details" aria-labelledby="details-h">
      <h2 id="details-h">Details</h2>
      {body}
    </section>
  );
}
