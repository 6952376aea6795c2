import { describe, expect, it } from 'vitest';
import { followEvents, type StreamState } from './api.js';
import type { SseEvent } from './sse-parser.js';

/** One scripted answer of the fake fetch. */
type Script =
  | { readonly kind: 'stream'; readonly chunks: readonly string[]; readonly end: boolean }
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  | { readonly kind: 'network-error' };

/** A fetch that answers from a script, one entry per call; streams stop when the signal aborts. */
function scriptedFetch(scripts: readonly Script[]) {
  const calls: { headers: Record<string, string> }[] = [];
  const fake = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ headers: (init?.headers ?? {}) as Record<string, string> });
    const s = scripts[Math.min(calls.length - 1, scripts.length - 1)]!;
    if (s.kind === 'network-error') throw new TypeError('fetch failed');
    if (s.kind === 'status')
      return new Response(s.body ?? '{"error":{"code":"x","message":"down for a moment"}}', {
        status: s.status,
        headers: { 'content-type': 'application/json' },
      });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of s.chunks) controller.enqueue(encoder.encode(c));
        if (s.end) controller.close();
        init?.signal?.addEventListener('abort', () =>
          controller.error(new DOMException('aborted', 'AbortError')),
        );
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
  return { fake, calls };
}

/** Runs followEvents until `until` says stop (or 3 s pass); returns what it reported. */
async function follow(
  scripts: readonly Script[],
  until: (states: StreamState[], events: SseEvent[]) => boolean,
  options: { idleMs?: number } = {},
) {
  const { fake, calls } = scriptedFetch(scripts);
  const states: StreamState[] = [];
  const times: number[] = [];
  const events: SseEvent[] = [];
  const ac = new AbortController();
  const done = new Promise<void>((resolve) => {
    const check = () => {
      if (until(states, events)) {
        ac.abort();
        resolve();
      }
    };
    const t = setTimeout(() => {
      ac.abort();
      resolve();
    }, 3000);
    ac.signal.addEventListener('abort', () => clearTimeout(t));
    void followEvents(
      'api/v1/events',
      {
        onState: (s) => {
          states.push(s);
          times.push(Date.now());
          check();
        },
        onEvent: (e) => {
          events.push(e);
          check();
        },
      },
      ac.signal,
      { firstRetryMs: 10, maxRetryMs: 40, idleMs: options.idleMs ?? 60_000, fetch: fake },
    );
  });
  await done;
  return { states, times, events, calls };
}

const kinds = (states: StreamState[]) => states.map((s) => s.kind);
const STATUS = 'event: status\ndata: {"n":1}\n\n';

describe('followEvents', () => {
  it('delivers events, and when the stream ends says so and reconnects by itself', async () => {
    const r = await follow(
      [
        { kind: 'stream', chunks: [STATUS], end: true },
        { kind: 'stream', chunks: [STATUS], end: false },
      ],
      (_s, e) => e.length === 2,
    );
    expect(r.events.map((e) => e.type)).toEqual(['status', 'status']);
    expect(kinds(r.states)).toEqual(['connecting', 'live', 'disconnected', 'live']);
    expect(r.states[2]).toMatchObject({ reason: 'the event stream ended' });
    expect(r.calls).toHaveLength(2);
    expect(r.calls[0]!.headers['Accept']).toBe('text/event-stream');
  });

  it('keeps trying with a growing delay while serve cannot be reached or answers an error', async () => {
    const r = await follow(
      [
        { kind: 'network-error' },
        { kind: 'status', status: 503 },
        { kind: 'network-error' },
        { kind: 'network-error' },
        { kind: 'stream', chunks: [], end: false },
      ],
      (s) => s.at(-1)?.kind === 'live',
    );
    expect(kinds(r.states)).toEqual([
      'connecting',
      'disconnected',
      'disconnected',
      'disconnected',
      'disconnected',
      'live',
    ]);
    const down = r.states.filter((s) => s.kind === 'disconnected');
    expect(down[0]).toMatchObject({ reason: 'the connection to avnet serve was lost' });
    expect(down[1]).toMatchObject({ reason: 'serve answered down for a moment' });
    // 10, 20, 40, 40 ms: doubled, capped.
    const waits = r.states.flatMap((s, i) =>
      s.kind === 'disconnected' ? [s.retryAt - r.times[i]!] : [],
    );
    expect(waits).toEqual([10, 20, 40, 40]);
  });

  it('stops on 401 and reports whether a token had been sent', async () => {
    const r = await follow([{ kind: 'status', status: 401 }], () => false);
    expect(kinds(r.states)).toEqual(['connecting', 'unauthorized']);
    expect(r.states[1]).toEqual({ kind: 'unauthorized', hadToken: false });
    expect(r.calls).toHaveLength(1);
  });

  it('gives up a connection that brings nothing for idleMs and reconnects', async () => {
    const r = await follow(
      [
        { kind: 'stream', chunks: [': ping\n\n'], end: false },
        { kind: 'stream', chunks: [STATUS], end: false },
      ],
      (_s, e) => e.length === 1,
      { idleMs: 150 },
    );
    expect(kinds(r.states)).toEqual(['connecting', 'live', 'disconnected', 'live']);
    expect(r.states[2]).toMatchObject({ reason: 'no data from avnet serve for 0 s' });
    expect(r.calls).toHaveLength(2);
  });

  it('keeps a connection whose heartbeats arrive in time', async () => {
    let beats = 0;
    const chunks = Array.from({ length: 5 }, () => ': ping\n\n');
    const { fake, calls } = scriptedFetch([{ kind: 'stream', chunks: [], end: false }]);
    // A stream that sends a heartbeat every 50 ms, with idleMs 150.
    const ticking = (async (input: RequestInfo | URL, init?: RequestInit) => {
      await fake(input, init);
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const t = setInterval(() => {
            if (beats++ >= chunks.length) return;
            controller.enqueue(encoder.encode(chunks[0]!));
          }, 50);
          init?.signal?.addEventListener('abort', () => {
            clearInterval(t);
            controller.error(new DOMException('aborted', 'AbortError'));
          });
        },
      });
      return new Response(body, { status: 200 });
    }) as typeof fetch;
    const states: StreamState[] = [];
    const ac = new AbortController();
    void followEvents(
      'api/v1/events',
      { onState: (s) => states.push(s), onEvent: () => {} },
      ac.signal,
      { idleMs: 150, firstRetryMs: 10, maxRetryMs: 40, fetch: ticking },
    );
    await new Promise((r) => setTimeout(r, 240));
    ac.abort();
    expect(kinds(states)).toEqual(['connecting', 'live']);
    expect(calls).toHaveLength(1);
  });
});
