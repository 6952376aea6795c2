/**
 * A stand-in for `avnet serve` for the dashboard's browser tests and benchmark: a real loopback
 * node:http server that serves the built dashboard through src/serve/dashboard-assets.ts (the
 * same answers and headers serve gives) and answers the API of the serve contract
 * (/api/v1/status, /history, /plan, /servers/NAME, /events as Server-Sent Events) from a
 * fixture, with optional bearer auth, methods that change the network and push events, and a
 * switch that drops the event stream.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  answerDashboard,
  loadDashboardAssets,
  type DashboardAssets,
} from '../../src/serve/dashboard-assets.js';
import type {
  HistoryEntry,
  InvalidRevision,
  LinkStatusEntry,
  ServeStatus,
} from '../../src/serve/serve-model.js';
import type { DashboardFixture, Mutable } from './fixtures.js';

/** Options of the fake serve. */
export interface FakeServeOptions {
  readonly fixture: DashboardFixture;
  /** When set, every /api/ request needs `Authorization: Bearer TOKEN`. */
  readonly token?: string;
  /** The built dashboard (default: the package's dist/dashboard). */
  readonly assets?: DashboardAssets;
}

/** One request the fake answered. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The running fake. */
export class FakeServe {
  readonly requests: FakeRequest[] = [];
  private readonly streams = new Set<ServerResponse>();
  private eventsRefused = false;
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly fixture: DashboardFixture,
    private readonly token: string | undefined,
  ) {
    this.heartbeat = setInterval(() => {
      for (const res of this.streams) res.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  /** Starts on a free loopback port. */
  static async start(options: FakeServeOptions): Promise<FakeServe> {
    const assets = options.assets ?? loadDashboardAssets();
    // The server exists before the fake that answers through it (its port is the fake's URL).
    const holder: { fake?: FakeServe } = {};
    const server = createServer((req, res) => holder.fake!.handle(assets, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeServe(
      server,
      `http://127.0.0.1:${port}/`,
      options.fixture,
      options.token,
    );
    return holder.fake;
  }

  /** The status as it is now. */
  get status(): ServeStatus {
    return this.fixture.status;
  }

  /** Event-stream connections open now. */
  get eventClients(): number {
    return this.streams.size;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  }

  private handle(assets: DashboardAssets, req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    res.on('finish', () =>
      this.requests.push({ method, path: url.pathname, status: res.statusCode }),
    );
    if (!url.pathname.startsWith('/api/')) {
      if (url.pathname === '/healthz') {
        res.end('ok');
        return;
      }
      const answer = answerDashboard(assets, method, url.pathname, {
        'if-none-match': req.headers['if-none-match'],
        'accept-encoding': req.headers['accept-encoding'],
      });
      if (answer === null) {
        this.send(res, 404, { error: { code: 'not-found', message: `no ${url.pathname}` } });
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    if (this.token !== undefined) {
      const auth = req.headers.authorization ?? '';
      const m = /^Bearer (.+)$/.exec(auth);
      if (!m || !sameToken(m[1]!, this.token)) {
        this.send(res, 401, {
          error: { code: 'unauthorized', message: 'a valid bearer token is required' },
        });
        return;
      }
    }
    const f = this.fixture;
    const p = url.pathname;
    if (method !== 'GET') {
      this.send(res, 405, { error: { code: 'method-not-allowed', message: `${method} ${p}` } });
      return;
    }
    if (p === '/api/v1/status') return this.send(res, 200, f.status);
    if (p === '/api/v1/history') {
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
      return this.send(res, 200, f.history.slice(0, limit));
    }
    if (p === '/api/v1/plan') return this.send(res, 200, f.plan);
    if (p.startsWith('/api/v1/servers/')) {
      const name = decodeURIComponent(p.slice('/api/v1/servers/'.length));
      const d = f.details.get(name);
      if (!d)
        return this.send(res, 404, { error: { code: 'not-found', message: `no server ${name}` } });
      const s = f.status.servers.find((x) => x.name === name)!;
      return this.send(res, 200, { ...d, sync: s.sync, pending: s.pending, error: s.error });
    }
    if (p === '/api/v1/events') {
      if (this.eventsRefused) {
        this.send(res, 503, { error: { code: 'unavailable', message: 'events are switched off' } });
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`event: status\ndata: ${JSON.stringify(f.status)}\n\n`);
      this.streams.add(res);
      req.on('close', () => this.streams.delete(res));
      return;
    }
    this.send(res, 404, { error: { code: 'not-found', message: `no ${p}` } });
  }

  /** Sends one event to every open stream. */
  emit(type: 'status' | 'cycle', data: unknown): void {
    const text = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.streams) res.write(text);
  }

  private recount(): void {
    const links = this.fixture.status.links;
    const online = links.filter((l) => l.state === 'online').length;
    const offline = links.filter((l) => l.state === 'offline').length;
    this.fixture.status.health = {
      status: offline > 0 ? 'Degraded' : links.length === online ? 'Healthy' : 'Unknown',
      online,
      offline,
      unknown: links.length - online - offline,
    };
  }

  /** Changes a link's state (as serve sees a link go offline or come back) and emits the status. */
  setLinkState(
    a: string,
    b: string,
    state: LinkStatusEntry['state'],
    reason: LinkStatusEntry['reason'] = null,
    detail: string | null = null,
  ): void {
    const link = this.fixture.status.links.find((l) => l.a === a && l.b === b) as
      Mutable<LinkStatusEntry> | undefined;
    if (!link) throw new Error(`no link ${a} – ${b} in the fixture`);
    Object.assign(link, {
      state,
      reason: state === 'online' ? null : reason,
      detail: state === 'online' ? null : detail,
      since: new Date().toISOString(),
    });
    this.recount();
    this.fixture.status = { ...this.fixture.status, links: [...this.fixture.status.links] };
    this.emit('status', this.fixture.status);
  }

  /** A new commit on the ref (fetched now): the status changes. */
  newCommit(head: string, message: string, author = 'Jeanne Admin'): void {
    const now = new Date().toISOString();
    this.fixture.status = {
      ...this.fixture.status,
      source: {
        ...this.fixture.status.source,
        head,
        commit: { message, author, date: now },
        fetchedAt: now,
      },
    };
    this.emit('status', this.fixture.status);
  }

  /** Marks the head commit invalid (or valid again with null) and emits the status. */
  setInvalid(invalid: InvalidRevision | null): void {
    this.fixture.status = {
      ...this.fixture.status,
      sync: {
        ...this.fixture.status.sync,
        status: invalid ? 'OutOfSync' : this.fixture.status.sync.status,
        invalid,
      },
    };
    this.emit('status', this.fixture.status);
  }

  /** A cycle ends: added to the history, emitted as `cycle`, and the status's last cycle follows. */
  pushCycle(partial: Partial<HistoryEntry> = {}): HistoryEntry {
    const last = this.fixture.history[0];
    const startedAt = new Date(Date.now() - 900).toISOString();
    const entry: HistoryEntry = {
      id: (last?.id ?? 0) + 1,
      revision: this.fixture.status.source.head,
      trigger: 'manual',
      startedAt,
      finishedAt: new Date().toISOString(),
      outcome: 'no-changes',
      changes: { add: 0, change: 0, destroy: 0 },
      writes: 0,
      failed: 0,
      message: 'no changes',
      ...partial,
    };
    this.fixture.history.unshift(entry);
    this.fixture.status = {
      ...this.fixture.status,
      lastCycle: {
        id: entry.id,
        trigger: entry.trigger,
        outcome: entry.outcome,
        startedAt: entry.startedAt,
        durationMs: Date.parse(entry.finishedAt) - Date.parse(entry.startedAt),
      },
    };
    this.emit('cycle', entry);
    this.emit('status', this.fixture.status);
    return entry;
  }

  /** Drops every open event stream and refuses new ones (503) until `allowEvents`. */
  dropEvents(): void {
    this.eventsRefused = true;
    for (const res of this.streams) res.destroy();
    this.streams.clear();
  }

  /** Accepts event streams again. */
  allowEvents(): void {
    this.eventsRefused = false;
  }

  /** Stops the server and every open stream. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const res of this.streams) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
