/**
 * The dashboard: loads status, history and plan from `avnet serve`, follows its event stream,
 * and lays the page out (source and badges, the picture, the server list, details, plan,
 * links, history). State lives here; the parts below only draw it.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { AuthError, followEvents, getJson, storeToken, type StreamState } from './api.js';
import type { HistoryEntry, PlanJson, ServeStatus } from './api-types.js';
import { ConnectionBanner, SourcePanel, TopBar } from './header.js';
import { DetailsPanel } from './details-panel.js';
import { GraphView } from './graph-view.js';
import { HistoryView } from './history-view.js';
import { InvalidCommit } from './invalid-commit.js';
import { LinksView } from './links-view.js';
import { PlanView } from './plan-view.js';
import type { Loadable } from './api-types.js';
import type { Selection } from './selection.js';
import { ServerList } from './server-list.js';
import { TokenPrompt } from './token-prompt.js';

type Auth = 'ok' | 'needed' | 'refused';

const HISTORY_KEPT = 1000;

function parseHistory(body: unknown): HistoryEntry[] {
  if (Array.isArray(body)) return body as HistoryEntry[];
  const b = body as { history?: unknown; entries?: unknown; items?: unknown };
  const list = b?.history ?? b?.entries ?? b?.items;
  return Array.isArray(list) ? (list as HistoryEntry[]) : [];
}

/** The whole page. */
export function App() {
  const [auth, setAuth] = useState<Auth>('ok');
  const [session, setSession] = useState(0);
  const [status, setStatus] = useState<ServeStatus | null>(null);
  const [statusError, setStatusError] = useState<string | null>(null);
  const [history, setHistory] = useState<Loadable<HistoryEntry[]>>({ state: 'loading' });
  const [plan, setPlan] = useState<Loadable<PlanJson>>({ state: 'loading' });
  const [stream, setStream] = useState<StreamState>({ kind: 'connecting' });
  const [selection, setSelection] = useState<Selection | null>(null);
  const [search, setSearch] = useState('');
  const abortRef = useRef<AbortController | null>(null);

  const onAuthError = useCallback((e: AuthError) => {
    if (e.hadToken) storeToken(null);
    setAuth(e.hadToken ? 'refused' : 'needed');
    abortRef.current?.abort();
  }, []);

  const guard = useCallback(
    async <T,>(load: () => Promise<T>, onError: (message: string) => void): Promise<T | null> => {
      try {
        return await load();
      } catch (e) {
        if (e instanceof AuthError) onAuthError(e);
        else if (!(e instanceof DOMException && e.name === 'AbortError'))
          onError(e instanceof Error ? e.message : String(e));
        return null;
      }
    },
    [onAuthError],
  );

  const loadPlan = useCallback(
    async (signal: AbortSignal) => {
      const p = await guard(
        () => getJson<PlanJson>('api/v1/plan', signal),
        (message) => setPlan({ state: 'error', message }),
      );
      if (p !== null) setPlan({ state: 'ready', value: p });
    },
    [guard],
  );

  const loadAll = useCallback(
    async (signal: AbortSignal) => {
      await Promise.all([
        guard(
          () => getJson<ServeStatus>('api/v1/status', signal),
          (message) => {
            setStatusError(message);
            // Not answering yet (starting, restarting): ask again rather than wait for events.
            setTimeout(() => {
              if (!signal.aborted) void loadAll(signal);
            }, 3000);
          },
        ).then((s) => {
          if (s !== null) {
            setStatus(s);
            setStatusError(null);
          }
        }),
        guard(
          () => getJson<unknown>('api/v1/history?limit=50', signal),
          (message) => setHistory({ state: 'error', message }),
        ).then((h) => {
          if (h !== null) setHistory({ state: 'ready', value: parseHistory(h) });
        }),
        loadPlan(signal),
      ]);
    },
    [guard, loadPlan],
  );

  useEffect(() => {
    if (auth !== 'ok') return;
    const ac = new AbortController();
    abortRef.current = ac;
    let everLive = false;
    let wasDown = false;
    void loadAll(ac.signal);
    void followEvents(
      'api/v1/events',
      {
        onState(state) {
          if (ac.signal.aborted) return;
          if (state.kind === 'unauthorized') {
            onAuthError(new AuthError(state.hadToken));
            return;
          }
          if (state.kind === 'disconnected') wasDown = true;
          // Back after a loss: events may have been missed, so read everything again.
          if (state.kind === 'live' && everLive && wasDown) void loadAll(ac.signal);
          if (state.kind === 'live') {
            everLive = true;
            wasDown = false;
          }
          setStream(state);
        },
        onEvent(event) {
          if (ac.signal.aborted) return;
          try {
            if (event.type === 'status') {
              setStatus(JSON.parse(event.data) as ServeStatus);
              setStatusError(null);
            } else if (event.type === 'cycle') {
              const entry = JSON.parse(event.data) as HistoryEntry;
              setHistory((h) => ({
                state: 'ready',
                value: [
                  entry,
                  ...(h.state === 'ready' ? h.value.filter((x) => x.id !== entry.id) : []),
                ].slice(0, HISTORY_KEPT),
              }));
              void loadPlan(ac.signal);
            }
          } catch {
            // A malformed event is skipped; the next status carries everything again.
          }
        },
      },
      ac.signal,
    );
    return () => ac.abort();
  }, [auth, session, loadAll, loadPlan, onAuthError]);

  useEffect(() => {
    const words = status ? `${status.sync.status}, ${status.health.status}` : 'loading';
    document.title = `avnet: ${words}`;
  }, [status?.sync.status, status?.health.status]);

  const submitToken = useCallback((token: string) => {
    storeToken(token);
    setAuth('ok');
    setSession((s) => s + 1);
  }, []);

  const select = useCallback((sel: Selection | null) => setSelection(sel), []);

  const planValue = plan.state === 'ready' ? plan.value : null;

  if (auth !== 'ok') {
    return (
      <>
        <TopBar status={null} />
        <main id="main">
          <TokenPrompt refused={auth === 'refused'} onSubmit={submitToken} />
        </main>
      </>
    );
  }

  return (
    <>
      <a class="skip" href="#servers-h">
        Skip to the server list
      </a>
      <TopBar status={status} />
      <ConnectionBanner stream={stream} />
      <main id="main">
        {status === null ? (
          <section class="panel loading" aria-labelledby="loading-h">
            <h2 id="loading-h">{statusError ? 'avnet serve did not answer' : 'Loading…'}</h2>
            {statusError && (
              <p>{statusError}. The page keeps trying while it waits for the event stream.</p>
            )}
          </section>
        ) : (
          <>
            <SourcePanel status={status} />
            {status.sync.invalid && <InvalidCommit status={status} />}
            <div class="workspace">
              <ServerList
                servers={status.servers}
                search={search}
                onSearch={setSearch}
                selection={selection}
                onSelect={select}
              />
              <GraphView status={status} search={search} selection={selection} onSelect={select} />
              <DetailsPanel
                status={status}
                plan={planValue}
                selection={selection}
                onSelect={select}
              />
            </div>
            <PlanView plan={plan} onSelect={select} />
            <LinksView links={status.links} selection={selection} onSelect={select} />
            <HistoryView history={history} />
          </>
        )}
      </main>
    </>
  );
}
