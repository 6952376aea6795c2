/** The history of cycles, newest first; a finished cycle appears at the top as it ends. */
import { useState } from 'preact/hooks';
import type { Loadable } from './api-types.js';
import type { HistoryEntry } from './api-types.js';
import { OUTCOME_MARK, ago, formatDuration, localTime, shortSha } from './format.js';
import { useNow } from './use-now.js';

const FIRST_ROWS = 50;

const OUTCOME_TONE: Record<HistoryEntry['outcome'], string> = {
  applied: 'good',
  'drift-healed': 'good',
  'no-changes': 'neutral',
  planned: 'warn',
  invalid: 'bad',
  failed: 'bad',
  'fetch-failed': 'bad',
};

/** The history panel. */
export function HistoryView(props: { history: Loadable<HistoryEntry[]> }) {
  const now = useNow(10_000);
  const [all, setAll] = useState(false);
  const h = props.history;
  let body;
  if (h.state === 'loading') body = <p class="muted">Loading…</p>;
  else if (h.state === 'error')
    body = <p class="error-text">Could not load the history: {h.message}</p>;
  else if (h.value.length === 0) body = <p class="muted">No cycle has run yet.</p>;
  else {
    const rows = all ? h.value : h.value.slice(0, FIRST_ROWS);
    body = (
      <>
        <div class="table-wrap">
          <table class="history-table">
            <thead>
              <tr>
                <th scope="col">Cycle</th>
                <th scope="col">Started</th>
                <th scope="col">Trigger</th>
                <th scope="col">Revision</th>
                <th scope="col">Outcome</th>
                <th scope="col">Changes</th>
                <th scope="col">Writes</th>
                <th scope="col">Duration</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-cycle={e.id}>
                  <td>#{e.id}</td>
                  <td>
                    <time dateTime={e.startedAt} title={localTime(e.startedAt)}>
                      {ago(e.startedAt, now)}
                    </time>
                  </td>
                  <td>{e.trigger}</td>
                  <td>
                    <code title={e.revision ?? undefined}>{shortSha(e.revision)}</code>
                  </td>
                  <td>
                    <span class={`badge tone-${OUTCOME_TONE[e.outcome]}`}>
                      <span aria-hidden="true">{OUTCOME_MARK[e.outcome]}</span> {e.outcome}
                    </span>
                  </td>
                  <td>
                    +{e.changes.add} ~{e.changes.change} −{e.changes.destroy}
                  </td>
                  <td>
                    {e.writes}
                    {e.failed > 0 && <span class="error-text"> ({e.failed} failed)</span>}
                  </td>
                  <td>{formatDuration(Date.parse(e.finishedAt) - Date.parse(e.startedAt))}</td>
                  <td class="wrap">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {!all && h.value.length > FIRST_ROWS && (
          <button type="button" onClick={() => setAll(true)}>
            Show all {h.value.length} cycles
          </button>
        )}
      </>
    );
  }
  return (
    <section class="panel history" aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      {body}
    </section>
  );
}
