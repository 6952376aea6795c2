/** The top of the page: badges, the source, and the event stream's state. */
import type { StreamState } from './api.js';
import type { ServeStatus } from './api-types.js';
import {
  HEALTH_MARK,
  OUTCOME_MARK,
  SYNC_MARK,
  ago,
  formatDuration,
  localTime,
  plural,
  shortSha,
} from './format.js';
import { useNow } from './use-now.js';

/** A state badge: a mark, a label and the state's word. */
function Badge(props: { label: string; value: string; mark: string; tone: string }) {
  return (
    <span class={`badge big tone-${props.tone}`}>
      <span class="badge-label">{props.label}</span> <span aria-hidden="true">{props.mark}</span>{' '}
      <strong>{props.value}</strong>
    </span>
  );
}

const SYNC_TONE = { Synced: 'good', OutOfSync: 'warn', Unknown: 'neutral' } as const;
const HEALTH_TONE = {
  Healthy: 'good',
  Progressing: 'info',
  Degraded: 'bad',
  Unknown: 'neutral',
} as const;

/** Title and the sync/health badges. */
export function TopBar(props: { status: ServeStatus | null }) {
  const s = props.status;
  return (
    <header class="topbar">
      <h1>
        avnet <span class="subtitle">anti-virus network</span>
      </h1>
      {s && (
        <div class="badges">
          <Badge
            label="Sync"
            value={s.sync.status}
            mark={SYNC_MARK[s.sync.status]}
            tone={SYNC_TONE[s.sync.status]}
          />
          <Badge
            label="Health"
            value={s.health.status}
            mark={HEALTH_MARK[s.health.status]}
            tone={HEALTH_TONE[s.health.status]}
          />
          <span class="counts">
            <span class="count-online">
              <span aria-hidden="true">✓</span> {s.health.online} online
            </span>
            <span class={s.health.offline > 0 ? 'count-offline' : ''}>
              <span aria-hidden="true">✕</span> {s.health.offline} offline
            </span>
            <span>
              <span aria-hidden="true">?</span> {s.health.unknown} unknown
            </span>
          </span>
        </div>
      )}
    </header>
  );
}

/** Where the topology comes from, the head commit and the last cycle. */
export function SourcePanel(props: { status: ServeStatus }) {
  const now = useNow(10_000);
  const { source, sync, lastCycle } = props.status;
  return (
    <section class="panel source" aria-labelledby="source-h">
      <h2 id="source-h" class="sr-only">
        Source
      </h2>
      <dl class="facts">
        <div>
          <dt>{source.type === 'git' ? 'Repository' : 'File'}</dt>
          <dd class="wrap">
            {source.url}
            {source.type === 'git' && source.ref !== null && (
              <>
                {' '}
                <span class="muted">ref</span> <code>{source.ref}</code>
              </>
            )}
            {source.type === 'git' && (
              <>
                {' '}
                <span class="muted">path</span> <code>{source.path}</code>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{source.type === 'git' ? 'Head commit' : 'Content digest'}</dt>
          <dd class="wrap" data-testid="head">
            <code title={source.head ?? undefined}>{shortSha(source.head)}</code>
            {source.commit && (
              <>
                {' '}
                <span class="commit-message">{source.commit.message}</span>{' '}
                <span class="muted">
                  by {source.commit.author},{' '}
                  <time dateTime={source.commit.date} title={localTime(source.commit.date)}>
                    {ago(source.commit.date, now)}
                  </time>
                </span>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Fetched</dt>
          <dd>
            {source.fetchedAt ? (
              <time dateTime={source.fetchedAt} title={localTime(source.fetchedAt)}>
                {ago(source.fetchedAt, now)}
              </time>
            ) : (
              'not yet'
            )}
            {source.error && (
              <span class="fetch-error">
                {' '}
                <span aria-hidden="true">✕</span> fetch failed: {source.error}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Applied</dt>
          <dd>
            <code title={sync.revision ?? undefined}>{shortSha(sync.revision)}</code>
            {sync.appliedAt && (
              <>
                {' '}
                <time dateTime={sync.appliedAt} title={localTime(sync.appliedAt)}>
                  {ago(sync.appliedAt, now)}
                </time>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Last cycle</dt>
          <dd data-testid="last-cycle">
            {lastCycle ? (
              <>
                #{lastCycle.id} {lastCycle.trigger}:{' '}
                <span aria-hidden="true">{OUTCOME_MARK[lastCycle.outcome]}</span>{' '}
                {lastCycle.outcome}, {formatDuration(lastCycle.durationMs)},{' '}
                <time dateTime={lastCycle.startedAt} title={localTime(lastCycle.startedAt)}>
                  {ago(lastCycle.startedAt, now)}
                </time>
              </>
            ) : (
              'none yet'
            )}
          </dd>
        </div>
        <div>
          <dt>Network</dt>
          <dd>
            {plural(props.status.servers.length, 'server')},{' '}
            {plural(props.status.links.length, 'link')}
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** Says when the live updates are interrupted, and that the page is reconnecting. */
export function ConnectionBanner(props: { stream: StreamState }) {
  const down = props.stream.kind === 'disconnected';
  const now = useNow(down ? 1000 : null);
  const s = props.stream;
  return (
    <div class="connection" role="status" data-state={s.kind}>
      {s.kind === 'live' && (
        <span class="live">
          <span aria-hidden="true">●</span> Live: updates as they happen
        </span>
      )}
      {s.kind === 'connecting' && <span class="muted">Connecting to the event stream…</span>}
      {s.kind === 'disconnected' && (
        <span class="disconnected">
          <span aria-hidden="true">✕</span> Disconnected from avnet serve ({s.reason}): reconnecting
          {s.retryAt > now ? ` in ${Math.ceil((s.retryAt - now) / 1000)} s` : ' now'}…
        </span>
      )}
    </div>
  );
}
