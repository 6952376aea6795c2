import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock, Logger } from '../model/index.js';
import {
  checkNotifyUrl,
  createNotifier,
  notificationSignature,
  notifyUrlForLogs,
  type Notifier,
  type NotifierOptions,
} from './notifier.js';
import type { Notification } from './serve-model.js';

const SECRET = 'notify-Secret-0xC0FFEE';
const BODY_MARKER = 'body-marker-never-logged';
const FAST = { delaysMs: [20, 20, 20, 20] };

/** A log line as the notifier wrote it. */
interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string | undefined;
}

function recordingLogger(): Logger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger = {
    lines,
    text: () => JSON.stringify(lines),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    event: 'link-offline',
    severity: 'warning',
    text: `avnet: link HQ -> EU is offline: wrong-password (${BODY_MARKER})`,
    revision: '9f3c1a2b4d5e6f708192a3b4c5d6e7f8091a2b3c',
    servers: ['HQ', 'EU'],
    links: [{ a: 'HQ', b: 'EU', reason: 'wrong-password' }],
    at: '2026-12-01T10:00:03.000Z',
    ...overrides,
  };
}

/** One request as the receiver saw it. */
interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly raw: Buffer;
  readonly at: number;
}

/** How the receiver answers its n-th request (0-based). */
type Answer =
  { readonly status: number; readonly headers?: Record<string, string> } | 'destroy' | 'hang';

interface Receiver {
  readonly base: string;
  readonly requests: Received[];
  /** Resolves once `n` requests arrived. */
  waitFor(n: number): Promise<void>;
}

const servers: Server[] = [];
const notifiers: Notifier[] = [];

afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((n) => n.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function receiver(answer: (n: number) => Answer): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = requests.length;
      requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        raw: Buffer.concat(chunks),
        at: performance.now(),
      });
      for (const w of waiters.filter((w) => requests.length >= w.n)) w.resolve();
      const a = answer(n);
      if (a === 'destroy') req.socket.destroy();
      else if (a !== 'hang') {
        res.writeHead(a.status, a.headers ?? {});
        res.end('{}');
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    waitFor: (n) =>
      requests.length >= n
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ n, resolve })),
  };
}

/** A TCP port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function notifier(opts: Partial<NotifierOptions> & Pick<NotifierOptions, 'urls'>): Notifier {
  const n = createNotifier({ logger: recordingLogger(), ...opts });
  notifiers.push(n);
  return n;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (polling), failing after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await delay(5);
  }
}

describe('createNotifier delivery', () => {
  it('POSTs the JSON body to every URL with its headers and a signature the receiver verifies', async () => {
    const one = await receiver(() => ({ status: 204 }));
    const two = await receiver(() => ({ status: 200 }));
    const logger = recordingLogger();
    const n = notifier({
      urls: [`${one.base}/hook`, `${two.base}/other?x=1`],
      secret: SECRET,
      logger,
      userAgent: 'avnet/9.9.9',
    });
    const sent = notification();
    n.notify(sent);
    await Promise.all([one.waitFor(1), two.waitFor(1)]);

    for (const r of [one, two]) {
      const [req] = r.requests;
      expect(req!.method).toBe('POST');
      expect(req!.headers['content-type']).toBe('application/json');
      expect(req!.headers['user-agent']).toBe('avnet/9.9.9');
      expect(req!.headers['x-avnet-event']).toBe('link-offline');
      expect(JSON.parse(req!.raw.toString('utf8'))).toEqual(sent);
      // What a receiver does: HMAC-SHA256 of the raw bytes, compared in constant time.
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', SECRET).update(req!.raw).digest('hex')}`,
      );
      const got = Buffer.from(String(req!.headers['x-avnet-signature']));
      expect(got.length).toBe(expected.length);
      expect(timingSafeEqual(got, expected)).toBe(true);
    }
    expect(one.requests[0]!.url).toBe('/hook');
    expect(two.requests[0]!.url).toBe('/other?x=1');
    expect(one.requests[0]!.headers['x-avnet-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(one.requests[0]!.headers['x-avnet-delivery']).toBe(
      two.requests[0]!.headers['x-avnet-delivery'],
    );
    await until(() => logger.lines.length === 2);
    expect(logger.lines.map((l) => [l.level, l.msg])).toEqual([
      ['debug', 'notification delivered'],
      ['debug', 'notification delivered'],
    ]);
    expect(logger.text()).not.toContain(SECRET);
  });

  it('sends no signature without a secret, names its version by default, and keeps text to one line', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const n = notifier({ urls: [r.base] });
    n.notify(
      notification({ event: 'fetch-failed', text: 'avnet: cannot fetch:\n  fatal: no\r\nrepo' }),
    );
    await r.waitFor(1);
    const [req] = r.requests;
    expect(req!.headers['x-avnet-signature']).toBeUndefined();
    expect(req!.headers['user-agent']).toMatch(/^avnet\/\d+\.\d+\.\d+/);
    expect(JSON.parse(req!.raw.toString()).text).toBe('avnet: cannot fetch: fatal: no repo');
  });

  it('sends user:password of a URL as Basic authorization, never in the URL', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const n = notifier({ urls: [r.base.replace('//', '//bot:t%40ken@') + '/in'] });
    n.notify(notification());
    await r.waitFor(1);
    expect(r.requests[0]!.url).toBe('/in');
    expect(r.requests[0]!.headers['authorization']).toBe(
      `Basic ${Buffer.from('bot:t@ken').toString('base64')}`,
    );
  });

  it('delivers each URL in order', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const n = notifier({ urls: [r.base] });
    for (let i = 0; i < 5; i++) n.notify(notification({ text: `n${i}` }));
    await r.waitFor(5);
    expect(r.requests.map((q) => JSON.parse(q.raw.toString()).text)).toEqual([
      'n0',
      'n1',
      'n2',
      'n3',
      'n4',
    ]);
  });
});

describe('createNotifier retries', () => {
  it('retries 500 twice then 200: exactly 3 tries of the same delivery, no warning', async () => {
    const r = await receiver((i) => ({ status: i < 2 ? 500 : 200 }));
    const logger = recordingLogger();
    const n = notifier({ urls: [r.base], logger, retry: FAST });
    n.notify(notification());
    await r.waitFor(3);
    await until(() => logger.lines.length > 0);
    await delay(100);
    expect(r.requests).toHaveLength(3);
    expect(new Set(r.requests.map((q) => q.headers['x-avnet-delivery'])).size).toBe(1);
    expect(new Set(r.requests.map((q) => q.raw.toString())).size).toBe(1);
    expect(logger.lines).toEqual([
      {
        level: 'debug',
        obj: { url: r.base, event: 'link-offline', tries: 3, status: 200 },
        msg: 'notification delivered',
      },
    ]);
  });

  it('does not retry a 400, and says so at warn', async () => {
    const r = await receiver(() => ({ status: 400 }));
    const logger = recordingLogger();
    const n = notifier({ urls: [`${r.base}/x`], logger, retry: FAST });
    n.notify(notification());
    await until(() => logger.lines.length > 0);
    await delay(100);
    expect(r.requests).toHaveLength(1);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        obj: { url: r.base, event: 'link-offline', tries: 1, reason: 'answered HTTP 400' },
        msg: 'notification not delivered: answered HTTP 400, not retried',
      },
    ]);
  });

  it('does not follow a redirect (the body and signature would go elsewhere)', async () => {
    const other = await receiver(() => ({ status: 200 }));
    const r = await receiver(() => ({ status: 307, headers: { location: `${other.base}/steal` } }));
    const logger = recordingLogger();
    const n = notifier({ urls: [r.base], logger, secret: SECRET, retry: FAST });
    n.notify(notification());
    await until(() => logger.lines.length > 0);
    expect(r.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
    expect(logger.lines[0]!.msg).toBe(
      'notification not delivered: answered HTTP 307 (redirects are not followed), not retried',
    );
  });

  it('honours Retry-After on 429', async () => {
    const r = await receiver((i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const n = notifier({ urls: [r.base], retry: FAST });
    n.notify(notification());
    await r.waitFor(2);
    expect(r.requests[1]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once when Retry-After lies beyond the budget', async () => {
    const r = await receiver(() => ({ status: 503, headers: { 'retry-after': '30' } }));
    const logger = recordingLogger();
    const n = notifier({ urls: [r.base], logger, retry: { ...FAST, budgetMs: 5000 } });
    n.notify(notification());
    await until(() => logger.lines.length > 0);
    expect(r.requests).toHaveLength(1);
    expect(logger.lines[0]!.msg).toBe(
      'notification not delivered: answered HTTP 503, asked to retry after 30 s, past the 5 s budget',
    );
  });
});

describe('createNotifier with a receiver that is down', () => {
  // A token in the user info, the path and the query, as chat tools' incoming webhooks carry them.
  const tokens = ['us3r', 'pa55word', 'T0000SECRETPATH', 'QUERYSECRET'];
  const secretUrl = (base: string): string =>
    `${base.replace('//', '//us3r:pa55word@')}/services/T0000SECRETPATH?token=QUERYSECRET`;

  it('keeps notify() non-blocking, stops after 5 tries, and logs only scheme://host', async () => {
    // Accepts each connection and drops it: a receiver whose proxy is up but whose service is not.
    const down = await receiver(() => 'destroy');
    const up = await receiver(() => ({ status: 200 }));
    const logger = recordingLogger();
    const n = notifier({
      urls: [secretUrl(down.base), up.base],
      logger,
      secret: SECRET,
      retry: { delaysMs: [30, 30, 30, 30] },
    });
    const t = performance.now();
    n.notify(notification());
    n.notify(notification({ event: 'link-online', text: 'avnet: link HQ -> EU is online again' }));
    const took = performance.now() - t;
    expect(took).toBeLessThan(50);
    // The caller continues, and the healthy receiver is not held up by the one that is down.
    await up.waitFor(2);
    expect(down.requests.length).toBeLessThan(5);

    await until(() => logger.lines.filter((l) => l.level === 'warn').length === 2);
    await delay(150);
    expect(down.requests).toHaveLength(10);
    const warns = logger.lines.filter((l) => l.level === 'warn');
    expect(warns.map((l) => l.obj)).toEqual([
      { url: down.base, event: 'link-offline', tries: 5, reason: 'network error (UND_ERR_SOCKET)' },
      { url: down.base, event: 'link-online', tries: 5, reason: 'network error (UND_ERR_SOCKET)' },
    ]);
    expect(warns[0]!.msg).toBe(
      'notification not delivered: network error (UND_ERR_SOCKET) after 5 tries',
    );
    const log = logger.text();
    for (const secret of [...tokens, SECRET, BODY_MARKER, 'services', 'wrong-password']) {
      expect(log).not.toContain(secret);
    }
  });

  it('stops after 5 tries when nothing listens, naming the network error', async () => {
    const port = await closedPort();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const logger = recordingLogger();
    const n = notifier({
      urls: [secretUrl(`http://127.0.0.1:${port}`)],
      logger,
      retry: FAST,
      fetchImpl: counting,
    });
    n.notify(notification());
    await until(() => logger.lines.length > 0);
    await delay(100);
    expect(calls).toBe(5);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        obj: {
          url: `http://127.0.0.1:${port}`,
          event: 'link-offline',
          tries: 5,
          reason: 'network error (ECONNREFUSED)',
        },
        msg: 'notification not delivered: network error (ECONNREFUSED) after 5 tries',
      },
    ]);
    for (const secret of tokens) expect(logger.text()).not.toContain(secret);
  });

  it('gives a receiver that never answers a timeout per try', async () => {
    const r = await receiver(() => 'hang');
    const logger = recordingLogger();
    const n = notifier({
      urls: [r.base],
      logger,
      retry: { delaysMs: [10], timeoutMs: 200 },
    });
    const t = performance.now();
    n.notify(notification());
    expect(performance.now() - t).toBeLessThan(50);
    await until(() => logger.lines.length > 0);
    expect(r.requests).toHaveLength(2);
    expect(logger.lines[0]!.obj).toMatchObject({ tries: 2, reason: 'no answer within 0.2 s' });
  });

  it('queues at most maxPending per URL and drops the oldest with a warning', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const r = await receiver(() => ({ status: 200 }));
    const logger = recordingLogger();
    // The first delivery waits at the gate (in flight); the next ones queue behind it.
    const gated: typeof fetch = async (input, init) => {
      await gate;
      return fetch(input, init);
    };
    const n = notifier({ urls: [r.base], logger, fetchImpl: gated, retry: { maxPending: 3 } });
    for (let i = 0; i < 6; i++) n.notify(notification({ text: `n${i}` }));
    expect(logger.lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'notification dropped: the receiver is too far behind'],
      ['warn', 'notification dropped: the receiver is too far behind'],
    ]);
    release();
    await r.waitFor(4);
    await delay(100);
    expect(r.requests.map((q) => JSON.parse(q.raw.toString()).text)).toEqual([
      'n0',
      'n3',
      'n4',
      'n5',
    ]);
  });
});

describe('createNotifier close()', () => {
  it('ends pending retries at once, drops the queue, and ignores later notifications', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const logger = recordingLogger();
    const n = createNotifier({
      urls: [r.base],
      logger,
      retry: { delaysMs: [60_000, 60_000, 60_000, 60_000] },
    });
    n.notify(notification({ text: 'first' }));
    n.notify(notification({ text: 'second' }));
    await r.waitFor(1);
    await delay(50);
    const t = performance.now();
    await Promise.all([n.close(), n.close()]);
    expect(performance.now() - t).toBeLessThan(200);
    await n.close();
    n.notify(notification({ text: 'after close' }));
    await delay(100);
    expect(r.requests).toHaveLength(1);
    expect(logger.lines.map((l) => [l.level, l.msg, l.obj])).toEqual([
      ['warn', 'notifications not delivered: stopping', { url: r.base, pending: 1 }],
    ]);
  });

  it('aborts a request in flight', async () => {
    const r = await receiver(() => 'hang');
    const n = createNotifier({ urls: [r.base], logger: recordingLogger() });
    n.notify(notification());
    await r.waitFor(1);
    const t = performance.now();
    await n.close();
    expect(performance.now() - t).toBeLessThan(200);
  });
});

describe('createNotifier schedule', () => {
  /** A clock that only moves when told, and a sleep that moves it instead of waiting. */
  function fakeTime(): { clock: Clock; advance(ms: number): void; now(): number } {
    let now = Date.parse('2026-12-01T10:00:00Z');
    return {
      clock: { now: () => new Date(now) },
      advance: (ms) => (now += ms),
      now: () => now,
    };
  }

  async function schedule(opts: {
    random: number;
    tryMs: number;
  }): Promise<{ waits: number[]; starts: number[]; log: LogLine[] }> {
    const r = await receiver(() => ({ status: 503 }));
    const time = fakeTime();
    const t0 = time.now();
    const waits: number[] = [];
    const starts: number[] = [];
    const logger = recordingLogger();
    // Every try "takes" tryMs of the fake clock: a receiver that answers 503 after a long time.
    const slow: typeof fetch = async (input, init) => {
      starts.push(time.now() - t0);
      const res = await fetch(input, init);
      time.advance(opts.tryMs);
      return res;
    };
    const n = notifier({
      urls: [r.base],
      logger,
      clock: time.clock,
      random: () => opts.random,
      fetchImpl: slow,
      sleep: async (ms) => {
        waits.push(ms);
        time.advance(ms);
      },
    });
    n.notify(notification());
    await until(() => logger.lines.length > 0);
    return { waits, starts, log: logger.lines };
  }

  it('waits about 1 s, 4 s, 15 s and 40 s between the 5 tries (jitter ±20%)', async () => {
    expect((await schedule({ random: 0.5, tryMs: 0 })).waits).toEqual([1000, 4000, 15000, 40000]);
    expect((await schedule({ random: 0, tryMs: 0 })).waits).toEqual([800, 3200, 12000, 32000]);
  });

  it('starts the last try within 2 minutes of the first, shortening the last wait', async () => {
    const { waits, starts, log } = await schedule({ random: 0.999999, tryMs: 20_000 });
    expect(waits).toEqual([1200, 4800, 18000, 16000]);
    expect(starts).toEqual([0, 21200, 46000, 84000, 120000]);
    expect(log[0]!.msg).toBe('notification not delivered: answered HTTP 503 after 5 tries');
  });

  it('gives up early when no time is left of the budget', async () => {
    const { starts, log } = await schedule({ random: 0.5, tryMs: 50_000 });
    expect(starts).toEqual([0, 51000, 105000]);
    expect(log[0]!.msg).toBe(
      'notification not delivered: answered HTTP 503, no time left of the 120 s budget',
    );
  });
});

describe('notify URLs', () => {
  it('checks a URL without repeating it, and logs only scheme://host', () => {
    expect(checkNotifyUrl('https://hooks.slack.com/services/T0/B0/XYZ')).toBeNull();
    expect(checkNotifyUrl('http://u:p@127.0.0.1:8080/x')).toBeNull();
    expect(checkNotifyUrl('not a url')).toBe('is not a URL');
    expect(checkNotifyUrl('ftp://host/x')).toBe('must be an http:// or https:// URL');
    expect(checkNotifyUrl('https://u:%zz@host/')).toBe(
      'has credentials that are not valid percent-encoding',
    );
    expect(notifyUrlForLogs('https://u:tok@hooks.example:8443/services/SECRET?token=Q')).toBe(
      'https://hooks.example:8443',
    );
    expect(notifyUrlForLogs('https://[::1]:9/x')).toBe('https://[::1]:9');
  });

  it('refuses an unusable URL naming it by position only', () => {
    expect(() =>
      createNotifier({
        urls: ['https://ok.example/', 'ftp://u:TOKEN@x/'],
        logger: recordingLogger(),
      }),
    ).toThrow(/^notification URL #2 must be an http:\/\/ or https:\/\/ URL$/);
  });

  it('signs as sha256=HEX of the raw body', () => {
    expect(notificationSignature('{"a":1}', 'k')).toBe(
      `sha256=${createHmac('sha256', 'k').update('{"a":1}').digest('hex')}`,
    );
  });
});
