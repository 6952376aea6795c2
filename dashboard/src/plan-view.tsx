/** The pending plan: what the next apply would do, per server, as `avnet plan` says it. */
import { useState } from 'preact/hooks';
import type { Loadable } from './api-types.js';
import type { PlanChangeJson, PlanFieldJson, PlanJson } from './api-types.js';
import { formatValue, plural } from './format.js';
import type { Selection } from './selection.js';

/** Changes shown before "show all": enough for a review, cheap at any size. */
const FIRST_ROWS = 200;

const ACTION_MARK: Record<PlanChangeJson['action'], string> = {
  create: '+',
  update: '~',
  delete: '−',
  'enable-protocol': '~',
  restart: '↻',
};

function fieldText(f: PlanFieldJson): string {
  if (f.sensitive) return `${f.field}: (sensitive) ${f.changed ? 'changes' : 'unchanged'}`;
  if (!('before' in f) || f.before === null || f.before === undefined)
    return `${f.field}: ${formatValue(f.after)}`;
  return `${f.field}: ${formatValue(f.before)} → ${formatValue(f.after)}`;
}

/** One change as a line: `+ create child SITE-7 (encryption: yes; …)`. */
export function describeChange(c: PlanChangeJson): string {
  const target =
    c.neighbor !== undefined ? ` ${c.type ?? ''} ${c.neighbor}`.replace(/\s+/g, ' ') : '';
  const fields =
    c.action === 'update' && c.fields && c.fields.length > 0
      ? ` (${c.fields.map(fieldText).join('; ')})`
      : '';
  return `${ACTION_MARK[c.action]} ${c.action}${target}${fields}`;
}

/** The plan panel. */
export function PlanView(props: { plan: Loadable<PlanJson>; onSelect: (s: Selection) => void }) {
  const [all, setAll] = useState(false);
  const p = props.plan;
  let body;
  if (p.state === 'loading') body = <p class="muted">Loading…</p>;
  else if (p.state === 'error') body = <p class="muted">No plan to show: {p.message}.</p>;
  else {
    const plan = p.value;
    const s = plan.summary;
    const rows = all ? plan.changes : plan.changes.slice(0, FIRST_ROWS);
    body = (
      <>
        <p class="plan-summary" data-testid="plan-summary">
          {plan.changes.length === 0 && (plan.errors?.length ?? 0) === 0 ? (
            <strong>No changes: the servers match the topology.</strong>
          ) : (
            <strong>
              Plan: {s.add} to add, {s.change} to change, {s.destroy} to destroy
              {s.restart > 0 ? `, ${plural(s.restart, 'restart')}` : ''}.
            </strong>
          )}
          {plan.targets && plan.targets.length > 0 && (
            <span class="muted"> Limited to {plan.targets.join(', ')}.</span>
          )}
        </p>
        {(plan.errors?.length ?? 0) > 0 && (
          <div class="plan-errors">
            <h3>Servers that could not be read (nothing planned for them)</h3>
            <ul>
              {plan.errors!.map((e) => (
                <li key={e.server}>
                  <button
                    type="button"
                    class="linkish"
                    onClick={() => props.onSelect({ kind: 'server', name: e.server })}
                  >
                    {e.server}
                  </button>
                  : {e.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {plan.changes.length > 0 && (
          <div class="table-wrap">
            <table class="plan-table">
              <thead>
                <tr>
                  <th scope="col">Server</th>
                  <th scope="col">Change</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c, i) => (
                  <tr key={i} class={`action-${c.action}`}>
                    <td>
                      <button
                        type="button"
                        class="linkish"
                        onClick={() => props.onSelect({ kind: 'server', name: c.server })}
                      >
                        {c.server}
                      </button>
                    </td>
                    <td class="wrap">{describeChange(c)}</td>
                    <td class="wrap">{c.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {!all && plan.changes.length > FIRST_ROWS && (
          <button type="button" onClick={() => setAll(true)}>
            Show all {plan.changes.length.toLocaleString('en-US')} changes
          </button>
        )}
        {(plan.unmanaged?.length ?? 0) > 0 && (
          <p class="muted">
            Left alone (not managed by avnet):{' '}
            {plan.unmanaged!.map((u) => `${u.server} → ${u.neighbor}`).join(', ')}
          </p>
        )}
      </>
    );
  }
  return (
    <section class="panel plan" aria-labelledby="plan-h">
      <h2 id="plan-h">Pending plan</h2>
      {body}
    </section>
  );
}
