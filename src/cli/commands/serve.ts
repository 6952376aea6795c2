/**
 * `avnet serve [FILE] | --git URL`: the always-on GitOps agent. Follows a git ref (or watches a
 * local topology), reconciles on new commits, webhooks, manual syncs and an interval, and serves
 * the status, history, plan, event stream, metrics and dashboard over HTTP until SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Logger } from '../../model/index.js';
import {
  createHttpApi,
  createNotifier,
  createServeMetrics,
  checkNotifyUrl,
  FileSource,
  GitSource,
  GitSourceError,
  loadDashboardAssets,
  gitTopologySource,
  redactGitUrl,
  ServeAgent,
  type TopologySource,
} from '../../serve/index.js';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { addBackendFlags, backendFactory, type BackendFlags } from '../backend-flags.js';
import {
  addReconcileFlags,
  collectFlag,
  durationFlag,
  intervalFlag,
  type ReconcileFlags,
} from '../options.js';
import { resolveSecretFlag } from '../secret-flag.js';

interface ServeFlags extends BackendFlags, ReconcileFlags {
  git?: string;
  ref: string;
  path: string;
  gitInterval: number;
  interval: number;
  apply?: boolean;
  listen: string;
  data: string;
  authToken?: string;
  webhookSecret?: string;
  tlsCert?: string;
  tlsKey?: string;
  notify?: string[];
  notifySecret?: string;
  insecureNoAuth?: boolean;
  wait: number;
  linkInterval: number;
}

/** `HOST:PORT` (IPv6 as `[::1]:9280`). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen ${value}: expected HOST:PORT`);
  return { host: (m[1] ?? m[2])!, port };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Registers the serve command. */
export function registerServe(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  const cmd = addBackendFlags(
    program
      .command('serve')
      .description(
        'the always-on GitOps agent: follow a git ref (or watch FILE), reconcile on commits, webhooks and an interval, and serve the status, metrics and dashboard over HTTP',
      )
      .argument('[file]', 'a local topology to watch (instead of --git)')
      .option('--git <url>', 'follow this repository (anything git fetch accepts)')
      .option('--ref <ref>', 'branch, tag or full commit id to follow', 'main')
      .option('--path <path>', "the topology's path inside the repository", 'topology.yaml')
      .addOption(
        new Option(
          '--git-interval <duration>',
          'fetch this often (0 or off: only on webhooks and syncs)',
        )
          .argParser(intervalFlag)
          .default(60_000, '1m'),
      )
      .addOption(
        new Option(
          '--interval <duration>',
          're-read the servers this often to catch drift (0 or off: never)',
        )
          .argParser(intervalFlag)
          .default(300_000, '5m'),
      )
      .option('--apply', 'apply changes and heal drift (without it serve only plans and reports)')
      .option('--listen <host:port>', 'address of the HTTP server', '127.0.0.1:9280')
      .option('--data <dir>', 'history, snapshots and the last applied commit', '.avnet/serve')
      .option('--auth-token <secret>', 'bearer token for the API: env:NAME or file:PATH')
      .option('--webhook-secret <secret>', 'enables the webhook receivers: env:NAME or file:PATH')
      .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
      .option('--tls-key <file>', 'and this private key (PEM)')
      .option('--notify <url>', 'POST notifications to this URL (repeatable)', collectFlag)
      .option('--notify-secret <secret>', 'sign notifications: env:NAME or file:PATH')
      .option(
        '--insecure-no-auth',
        'allow listening on a non-loopback address without --auth-token',
      )
      .addOption(
        new Option(
          '--wait <duration>',
          'after an apply, links coming up within this time are Progressing',
        )
          .argParser((v) => durationFlag(v) * 1000)
          .default(120_000, '2m'),
      )
      .addOption(
        new Option(
          '--link-interval <duration>',
          "read the links' live states this often (0 or off: only after cycles)",
        )
          .argParser(intervalFlag)
          .default(10_000, '10s'),
      ),
  );
  addReconcileFlags(cmd, 'each cycle').action(
    async (file: string | undefined, flags: ServeFlags, self: Command) => {
      const explicitLevel = (self.optsWithGlobals() as { logLevel?: string }).logLevel;
      await run((env) => serveCommand(env, file, flags, explicitLevel));
    },
  );
}

/** serve's logger: its one line per cycle is at info, which other commands hide by default. */
function serveLogger(env: CommandEnv, explicitLevel: string | undefined): Logger {
  const logger = env.logger.child({ command: 'serve' });
  if (explicitLevel === undefined && env.io.env.AVNET_LOG_LEVEL === undefined) {
    (logger as unknown as { level: string }).level = 'info';
  }
  return logger;
}

async function serveCommand(
  env: CommandEnv,
  fileArg: string | undefined,
  flags: ServeFlags,
  explicitLevel: string | undefined,
): Promise<number> {
  const cwd = env.io.cwd;
  if (fileArg !== undefined && flags.git !== undefined)
    throw new UsageError('give either a topology FILE or --git URL, not both');
  const listen = parseListen(flags.listen);
  const secret = (flag: string, raw: string | undefined) =>
    raw === undefined ? undefined : resolveSecretFlag(flag, raw, env.io.env, cwd);
  const [authToken, webhookSecret, notifySecret] = await Promise.all([
    secret('--auth-token', flags.authToken),
    secret('--webhook-secret', flags.webhookSecret),
    secret('--notify-secret', flags.notifySecret),
  ]);
  for (const s of [authToken, webhookSecret, notifySecret]) {
    if (!s) continue;
    env.redactor.add([s.value]);
  }
  for (const [flag, s] of [
    ['--auth-token', authToken],
    ['--webhook-secret', webhookSecret],
    ['--notify-secret', notifySecret],
  ] as const) {
    if (s?.literal)
      env.err(
        `avnet: warning: ${flag} is written on the command line, where other users can see it in the process list; use env:NAME or file:PATH\n`,
      );
  }
  if (!isLoopback(listen.host) && !authToken && !flags.insecureNoAuth) {
    throw new UsageError(
      `refusing to listen on ${flags.listen} without --auth-token: anyone on the network could read the status and trigger cycles (pass --insecure-no-auth to do it anyway)`,
    );
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
    throw new UsageError('--tls-cert and --tls-key go together');
  const tls =
    flags.tlsCert !== undefined
      ? {
          cert: await readFile(path.resolve(cwd, flags.tlsCert), 'utf8'),
          key: await readFile(path.resolve(cwd, flags.tlsKey!), 'utf8'),
        }
      : undefined;
  for (const url of flags.notify ?? []) {
    const problem = checkNotifyUrl(url);
    if (problem) throw new UsageError(`--notify: ${problem}`);
  }
  const logger = serveLogger(env, explicitLevel);
  const ctx = env.context;
  const dataDir = path.resolve(cwd, flags.data);
  const topologyFile = path.resolve(cwd, fileArg ?? 'topology.yaml');

  // The file source reports changes to the agent, which is made after it.
  const changed: { notify: () => void } = { notify: () => {} };
  let source: TopologySource;
  if (flags.git !== undefined) {
    const credentials = credentialsOf(flags.git);
    env.redactor.add(credentials);
    let repo: GitSource;
    try {
      repo = new GitSource({
        url: flags.git,
        ref: flags.ref,
        path: flags.path,
        dataDir: path.join(dataDir, 'git'),
        logger,
        env: env.io.env as NodeJS.ProcessEnv,
      });
    } catch (err) {
      if (err instanceof GitSourceError) throw new UsageError(err.message);
      throw err;
    }
    source = gitTopologySource(repo);
  } else {
    const file = new FileSource({
      file: topologyFile,
      onChange: () => changed.notify(),
      onError: (err) => logger.warn({ err: err.message }, 'serve: file watcher error'),
    });
    await file.start();
    source = file;
  }
  const metrics = createServeMetrics();
  const notifier = createNotifier({
    urls: flags.notify ?? [],
    secret: notifySecret?.value,
    logger,
  });
  const agent = new ServeAgent({
    source,
    apply: flags.apply ?? false,
    dataDir,
    openBackend: backendFactory(
      flags,
      flags.git !== undefined ? path.join(cwd, 'topology.yaml') : topologyFile,
      cwd,
      env.io.env,
    ),
    reconcile: {
      env: env.io.env,
      targets: flags.target,
      allowEmpty: flags.allowEmpty,
      allowOutsideRoot: flags.allowOutsideRoot,
      expiryWarningSeconds: flags.expiryWarning,
      strict: flags.strict,
      concurrency: flags.concurrency,
    },
    intervalMs: flags.interval,
    fetchIntervalMs: flags.git !== undefined ? flags.gitInterval : 0,
    linkIntervalMs: flags.linkInterval,
    waitMs: flags.wait,
    metrics,
    notifier,
    onSecrets: (values) => env.redactor.add(values),
    logger,
  });
  changed.notify = () => agent.trigger('change');
  const loaded = await agent.load(ctx);
  if (loaded.note) env.err(`avnet: ${loaded.note}\n`);
  const app = createHttpApi({
    agent,
    metrics,
    authToken: authToken?.value,
    webhookSecret: webhookSecret?.value,
    ref: flags.ref,
    tls,
    redact: (text) => env.redactor.redact(text),
    dashboard: loadDashboardAssets(),
    logger,
  });
  try {
    await app.listen({ host: listen.host, port: listen.port });
  } catch (err) {
    await agent.stop();
    await notifier.close();
    throw new UsageError(`cannot listen on ${flags.listen}: ${(err as Error).message}`);
  }
  const scheme = tls ? 'https' : 'http';
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  const relative = path.relative(cwd, topologyFile);
  const what =
    flags.git !== undefined
      ? `${redactGitUrl(flags.git)} ${flags.ref}:${flags.path}`
      : relative.startsWith('..') || relative === ''
        ? topologyFile
        : relative;
  const address = app.server.address();
  const port = address && typeof address === 'object' ? address.port : listen.port;
  env.err(
    `avnet serve: ${scheme}://${host}:${port}/ following ${what}; ${flags.apply ? 'applying' : 'planning only (no --apply)'}${authToken ? '; the API needs the bearer token' : ''}. Press Ctrl-C to stop.\n`,
  );
  agent.start();
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // Finish the running step (the engine releases its lock), then stop answering.
  await agent.stop();
  await app.close();
  await notifier.close();
  env.err('avnet serve stopped.\n');
  return EXIT_OK;
}

/** The user and password of a URL like https://user:token@host/x.git (for redaction). */
function credentialsOf(url: string): string[] {
  try {
    const u = new URL(url);
    return [decodeURIComponent(u.username), decodeURIComponent(u.password)].filter(
      (v) => v.length >= 4,
    );
  } catch {
    return [];
  }
}
