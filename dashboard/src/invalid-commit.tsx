/** The head commit does not validate: its diagnostics, each with file:line:col and its rule. */
import type { DiagnosticJson, ServeStatus } from './api-types.js';
import { shortSha } from './format.js';

function place(d: DiagnosticJson): string {
  const file = typeof d.file === 'string' ? d.file : '';
  const line = typeof d.line === 'number' ? d.line : null;
  const col = typeof d.column === 'number' ? d.column : null;
  return line === null ? file : `${file}:${line}${col === null ? '' : `:${col}`}`;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The invalid-commit panel. */
export function InvalidCommit(props: { status: ServeStatus }) {
  const inv = props.status.sync.invalid;
  if (!inv) return null;
  const diagnostics = inv.diagnostics as readonly DiagnosticJson[];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return (
    <section class="panel invalid" aria-labelledby="invalid-h">
      <h2 id="invalid-h">
        <span aria-hidden="true">✕</span> Head commit{' '}
        <code title={inv.revision}>{shortSha(inv.revision)}</code> is invalid
      </h2>
      <p>
        Nothing from it is applied: the servers stay at{' '}
        <code title={props.status.sync.revision ?? undefined}>
          {shortSha(props.status.sync.revision)}
        </code>
        . Fix the {errors === 1 ? 'error' : `${errors} errors`} below and push again.
      </p>
      <ul class="diagnostics">
        {diagnostics.map((d, i) => {
          const related = Array.isArray(d.related) ? (d.related as DiagnosticJson[]) : [];
          return (
            <li key={i} class={`sev-${text(d.severity)}`}>
              <code class="where">{place(d)}</code>{' '}
              <span class={`badge tone-${d.severity === 'error' ? 'bad' : 'warn'}`}>
                {text(d.severity)}
              </span>{' '}
              <code class="rule">{text(d.rule)}</code>{' '}
              <span class="message">{text(d.message)}</span>
              {related.length > 0 && (
                <ul>
                  {related.map((r, j) => (
                    <li key={j}>
                      <code class="where">{place(r)}</code> {text(r.message)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
