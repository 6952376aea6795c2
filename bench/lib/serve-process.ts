/**
 * A long-running `avnet serve` under measurement: the real CLI in a child process, its one log
 * line per cycle timestamped as it arrives (so cycles are counted without asking serve anything),
 * what Linux says about the process (`/proc/PID`: resident memory, open descriptors, sockets,
 * CPU ticks), and plain HTTP calls to it that open no connection serve would keep.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { request, type Agent } from 'node:http';
import { pathToFileURL } from 'node:url';

/** The fields of serve's `serve cycle` log line (one per finished cycle). */
export interface CycleLog {
  readonly cycle: number;
  readonly trigger: string;
  readonly outcome: string;
  readonly revision: string | null;
  readonly writes: number;
  readonly failed: number;
  readonly durationMs: number;
}

/** A cycle line and when it arrived (performance.now() of this process). */
export interface SeenCycle {
  readonly line: CycleLog;
  readonly at: number;
}

/** What the heap preload reports after a full garbage collection (bytes). */
export interface HeapReport {
  readonly heapUsed: number;
  readonly external: number;
  readonly rss: number;
}

/** A running `node bin/avnet.js serve ...`. */
export class ServeProcess {
  /** `http://127.0.0.1:PORT` once it listens. */
  url = '';
  /** Every cycle line so far, in order. */
  readonly cycles: SeenCycle[] = [];
  /** Every heap report so far (serve started with `heapPreload`). */
  readonly heaps: HeapReport[] = [];
  private readonly child: ChildProcess;
  private buffer = '';
  private stderrTail = '';
  private readonly waiters = new Set<() => void>();
  private readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    script: string,
    args: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    nodeFlags: readonly string[],
  ) {
    // BENCH_CPU_PROF=DIR profiles serve too (written when it exits after SIGTERM).
    const profileDir = process.env.BENCH_CPU_PROF;
    const flags = [
      ...nodeFlags,
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ];
    this.child = spawn(process.execPath, [...flags, script, 'serve', ...args], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.on('data', (b: Buffer) => this.onStderr(b));
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code) => {
        this.exitCode = code;
        resolve(code);
        this.wake();
      }),
    );
  }

  /**
   * Starts serve (`--listen 127.0.0.1:0` is added) and resolves once it listens. `heapPreload`:
   * the compiled bench/lib/heap-preload.js, for `heapAfterGc`.
   */
  static async start(
    script: string,
    args: readonly string[],
    opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; heapPreload?: string },
  ): Promise<ServeProcess> {
    const nodeFlags = opts.heapPreload
      ? ['--expose-gc', '--import', pathToFileURL(opts.heapPreload).href]
      : [];
    const p = new ServeProcess(
      script,
      [...args, '--listen', '127.0.0.1:0'],
      opts.cwd,
      opts.env,
      nodeFlags,
    );
    try {
      await p.until(() => p.url !== '', 'serve listening', opts.timeoutMs ?? 60_000);
    } catch (err) {
      await p.stop();
      throw err;
    }
    return p;
  }

  /** The process id (for /proc). */
  get pid(): number {
    return this.child.pid!;
  }

  /** The exit code once serve has exited (null: killed by a signal), undefined while it runs. */
  get exitStatus(): number | null | undefined {
    return this.exitCode;
  }

  /** The last 20,000 characters serve wrote on stderr (for error messages). */
  get stderr(): string {
    return this.stderrTail;
  }

  /** Resolves with the first cycle from index `from` on that `match` accepts. */
  async cycle(
    match: (c: CycleLog) => boolean,
    opts: { from?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<SeenCycle> {
    let found: SeenCycle | undefined;
    await this.until(
      () => (found = this.cycles.slice(opts.from ?? 0).find((c) => match(c.line))) !== undefined,
      opts.what ?? 'a serve cycle',
      opts.timeoutMs ?? 300_000,
    );
    return found!;
  }

  /** Makes serve collect all garbage and report its heap (started with `heapPreload`). */
  async heapAfterGc(timeoutMs = 30_000): Promise<HeapReport> {
    const before = this.heaps.length;
    this.child.kill('SIGUSR2');
    await this.until(() => this.heaps.length > before, 'a heap report', timeoutMs);
    return this.heaps[before]!;
  }

  /** Stops serve as SIGTERM does (killed after 30 s); resolves with its exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private onStderr(b: Buffer): void {
    const text = b.toString('utf8');
    this.stderrTail = (this.stderrTail + text).slice(-20_000);
    const at = performance.now();
    this.buffer += text;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (!this.url) {
        const m = /avnet serve: (https?:\/\/[^/\s]+)\//.exec(line);
        if (m) this.url = m[1]!;
      }
      if (!line.startsWith('{')) continue;
      if (line.includes('"bench heap"')) {
        this.heaps.push(JSON.parse(line) as HeapReport);
        continue;
      }
      if (!line.includes('"serve cycle"')) continue;
      const entry = JSON.parse(line) as CycleLog & { msg?: string };
      if (entry.msg === 'serve cycle') this.cycles.push({ line: entry, at });
    }
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private until(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) finish();
        else if (this.exitCode !== undefined)
          finish(new Error(`serve exited (${this.exitCode}) before ${what}\n${this.stderrTail}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`no ${what} within ${timeoutMs} ms\n${this.stderrTail}`)),
        timeoutMs,
      );
      const finish = (err?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      this.waiters.add(check);
      check();
    });
  }
}

/** What /proc says about a process at one moment. */
export interface ProcSample {
  /** performance.now() of this process when taken. */
  readonly at: number;
  /** Resident set size (VmRSS), bytes. */
  readonly rssBytes: number;
  /** Peak resident set size so far (VmHWM), bytes. */
  readonly hwmBytes: number;
  /** Open file descriptors. */
  readonly fds: number;
  /** Of which sockets (TCP, Unix). */
  readonly sockets: number;
  /** User + system CPU time of every thread, in clock ticks (see `clockTicksPerSecond`). */
  readonly cpuTicks: number;
}

let ticks: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`; 100 on Linux when unknown). */
export function clockTicksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** CPU ticks (utime + stime) of a process, from /proc/PID/stat. */
export async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Samples a process's memory, descriptors, sockets and CPU ticks from /proc (Linux only). */
export async function procSample(pid: number): Promise<ProcSample> {
  const at = performance.now();
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  const names = await readdir(`/proc/${pid}/fd`);
  const targets = await Promise.all(
    names.map((n) => readlink(`/proc/${pid}/fd/${n}`).catch(() => '')),
  );
  return {
    at,
    rssBytes: kb('VmRSS') * 1024,
    hwmBytes: kb('VmHWM') * 1024,
    fds: targets.filter((t) => t !== '').length,
    sockets: targets.filter((t) => t.startsWith('socket:')).length,
    cpuTicks: await cpuTicks(pid),
  };
}

/** One HTTP exchange: status, body, and the time from sending to the last byte. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/**
 * One HTTP request. Without an agent the connection is closed after the answer (`Connection:
 * close`), so serve keeps no socket open for the bench; with a keep-alive agent, the connection
 * is reused (latency without the TCP set-up).
 */
export function httpCall(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    agent?: Agent;
    timeoutMs?: number;
  } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        agent: opts.agent ?? false,
        headers: {
          ...(opts.agent ? {} : { connection: 'close' }),
          ...opts.headers,
          ...(opts.body !== undefined ? { 'content-length': Buffer.byteLength(opts.body) } : {}),
        },
        timeout: opts.timeoutMs ?? 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in time`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
