/** Every link in a table, the ones that are not online first; each selectable by keyboard. */
import { useMemo, useState } from 'preact/hooks';
import type { LinkStatusEntry } from './api-types.js';
import { LINK_MARK, linkKindWord, linkTitle, plural, reasonWords } from './format.js';
import { linkKey } from './network-model.js';
import type { Selection } from './selection.js';

type Filter = 'problems' | 'all';

const RANK = { offline: 0, unknown: 1, online: 2 } as const;

/** The links panel. */
export function LinksView(props: {
  links: readonly LinkStatusEntry[];
  selection: Selection | null;
  onSelect: (s: Selection) => void;
}) {
  const [filter, setFilter] = useState<Filter>('problems');
  const problems = useMemo(() => props.links.filter((l) => l.state !== 'online'), [props.links]);
  const shown = useMemo(
    () =>
      [...(filter === 'all' ? props.links : problems)].sort(
        (x, y) => RANK[x.state] - RANK[y.state],
      ),
    [filter, props.links, problems],
  );
  const selected = props.selection?.kind === 'link' ? props.selection.key : null;
  return (
    <section class="panel links" aria-labelledby="links-h">
      <div class="panel-head">
        <h2 id="links-h">Links</h2>
        <fieldset class="segmented">
          <legend class="sr-only">Which links</legend>
          <label>
            <input
              type="radio"
              name="link-filter"
              checked={filter === 'problems'}
              onChange={() => setFilter('problems')}
            />{' '}
            Not online ({problems.length})
          </label>
          <label>
            <input
              type="radio"
              name="link-filter"
              checked={filter === 'all'}
              onChange={() => setFilter('all')}
            />{' '}
            All ({props.links.length})
          </label>
        </fieldset>
      </div>
      {shown.length === 0 ? (
        <p class="tone-good-text">
          <span aria-hidden="true">✓</span> Every link is online.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="links-table">
            <caption class="sr-only">{plural(shown.length, 'link')}</caption>
            <thead>
              <tr>
                <th scope="col">Link</th>
                <th scope="col">Kind</th>
                <th scope="col">State</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((l) => {
                const key = linkKey(l);
                return (
                  <tr
                    key={key}
                    class={`state-${l.state}${key === selected ? ' selected' : ''}`}
                    data-link={key}
                  >
                    <td>
                      <button
                        type="button"
                        class="linkish"
                        onClick={() => props.onSelect({ kind: 'link', key })}
                      >
                        {linkTitle(l)}
                      </button>
                    </td>
                    <td>{linkKindWord(l.type)}</td>
                    <td>
                      <span aria-hidden="true">{LINK_MARK[l.state]}</span> {l.state}
                    </td>
                    <td class="wrap">
                      {l.reason ? reasonWords(l.reason) : ''}
                      {l.detail ? `: ${l.detail}` : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
