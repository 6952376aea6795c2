/**
 * Running `avnet serve` in tests: the real CLI entry in this process (fast, output captured) on a
 * free port, stopped the way SIGINT/SIGTERM stop it (the abort signal), with helpers for the HTTP
 * API and the event stream.
 */
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

/** A running serve. */
export interface RunningServe {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  stdout(): string;
  stderr(): string;
  /** Log lines (JSON) printed on stderr. */
  logs(): Record<string, unknown>[];
  /** Stops it as SIGTERM would; resolves with its exit code. */
  stop(): Promise<number>;
}

/** Starts `avnet serve ARGS` in `cwd`; resolves once it listens. */
export async function startServe(
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string | undefined> },
): Promise<RunningServe> {
  let stdout = '';
  let stderr = '';
  const abort = new AbortController();
  const stdin = new PassThrough() as unknown as CliIO['stdin'];
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    cwd: opts.cwd,
  };
  const hasListen = args.includes('--listen');
  const done = main(['serve', ...args, ...(hasListen ? [] : ['--listen', '127.0.0.1:0'])], io, {
    signal: abort.signal,
  });
  let exited: number | undefined;
  void done.then((code) => (exited = code));
  const until = Date.now() + 30_000;
  let url: string | undefined;
  while (!url) {
    const m = /avnet serve: (https?:\/\/[^/\s]+)\//.exec(stderr);
    if (m) url = m[1]!.replace('[::1]', '[::1]');
    else if (exited !== undefined || Date.now() > until)
      throw new Error(`serve did not start (exit ${exited})\nstdout: ${stdout}\nstderr: ${stderr}`);
    else await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: async () => {
      abort.abort(new Error('interrupted by SIGTERM'));
      return done;
    },
  };
}

/** GET/POST a JSON endpoint. */
export async function api(
  serve: { url: string },
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const res = await fetch(serve.url + path, { ...init, headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (the metrics page, a plain-text health answer)
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** Polls until `check` returns a value other than undefined. */
export async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Collects the event stream's events (name and parsed data) until `close()`. */
export function followEvents(
  serve: { url: string },
  token?: string,
): { events: { event: string; data: unknown }[]; raw(): string; close(): void } {
  const events: { event: string; data: unknown }[] = [];
  const controller = new AbortController();
  let raw = '';
  void (async () => {
    try {
      const res = await fetch(serve.url + '/api/v1/events', {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const chunk = decoder.decode(value, { stream: true });
        raw += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as unknown });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return { events, raw: () => raw, close: () => controller.abort() };
}
