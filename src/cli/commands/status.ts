/**
 * `avnet status [FILE]`: every link's state from the backend, online or offline with the reason;
 * and the `--wait` step of apply, which polls the same states until every link is online.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { ServerState, Topology } from '../../model/index.js';
import type { ServerEndpoint } from '../../backends/index.js';
import { loadTopology } from '../../load/index.js';
import type { ReconcileResult } from '../../engine/index.js';
import {
  collectLinkStatus,
  formatLinkLines,
  formatStatusJson,
  formatStatusText,
  offlineLinks,
  waitForLinks,
  type LinkReport,
  type WaitProgress,
} from '../../status/index.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { addBackendFlags, backendFactory, type BackendFlags } from '../backend-flags.js';
import { choiceFlag, collectFlag } from '../options.js';
import { resolveTopologyPath } from '../paths.js';

interface StatusFlags extends BackendFlags {
  format: 'text' | 'json';
  target?: string[];
  allowOutsideRoot?: boolean;
}

/** Default `apply --wait` timeout, in seconds. */
export const DEFAULT_WAIT_SECONDS = 120;

/** Registers the status command. */
export function registerStatus(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  addBackendFlags(
    program
      .command('status')
      .description(
        "show every link's state from the backend: online, or offline with the reason (exit 1 if any is offline)",
      )
      .argument('[file]', 'topology file', 'topology.yaml')
      .option(
        '--format <format>',
        'output format: text or json',
        choiceFlag(['text', 'json'] as const),
        'text',
      )
      .option('--target <server>', 'only links of this server (repeatable)', collectFlag)
      .option('--allow-outside-root', "allow referenced files outside the topology's folder"),
  ).action(async (file: string, flags: StatusFlags) => {
    await run((env) => statusCommand(env, file, flags));
  });
}

function endpointsOf(topology: Topology): ServerEndpoint[] {
  return [...topology.servers.values()].map((s) => ({
    name: s.name,
    version: s.version,
    api: s.api,
  }));
}

function registerPasswords(env: CommandEnv, states: ReadonlyMap<string, ServerState>): void {
  const values: string[] = [];
  for (const s of states.values())
    for (const e of s.neighbors) if (typeof e.password === 'string') values.push(e.password);
  env.redactor.add(values);
}

async function statusCommand(
  env: CommandEnv,
  fileArg: string,
  flags: StatusFlags,
): Promise<number> {
  const file = resolveTopologyPath(fileArg, env.io.cwd);
  const loaded = await loadTopology(path.resolve(env.io.cwd, file), {
    allowOutsideRoot: flags.allowOutsideRoot,
  });
  if (loaded.missing) throw new UsageError(`topology file ${fileArg} does not exist`);
  const blocking = loaded.findings.find(
    (f) => f.severity === 'error' && (f.rule === 'yaml-syntax' || f.rule === 'schema'),
  );
  if (!loaded.parsedOk || blocking) {
    env.err(
      `avnet: ${fileArg} is not a valid topology${blocking ? ` (${blocking.message})` : ''}; run avnet validate\n`,
    );
    return EXIT_FAILURE;
  }
  const { topology } = loaded;
  const unknown = (flags.target ?? []).filter((t) => !topology.servers.has(t));
  if (unknown.length > 0) throw new UsageError(`unknown --target server(s): ${unknown.join(', ')}`);
  const backend = await backendFactory(flags, file, env.io.cwd, env.io.env)(endpointsOf(topology));
  try {
    const report = await collectLinkStatus(
      {
        topology,
        backend,
        targets: flags.target,
        concurrency: flags.concurrency,
        onStates: (states) => registerPasswords(env, states),
      },
      env.context,
    );
    if (flags.format === 'json') {
      env.out(formatStatusJson(report));
      if (!report.observed) {
        env.err(
          `avnet: the ${backend.type} backend cannot observe live links; states are derived from stored entries\n`,
        );
      }
    } else {
      env.out(formatStatusText(report, env.colors));
    }
    return offlineLinks(report).length === 0 ? EXIT_OK : EXIT_FAILURE;
  } finally {
    await backend.close?.();
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

/**
 * `apply --wait`: after an apply, polls link states until every link of the topology is online
 * (exit 0) or the timeout passes (exit 1, each offline link with its reason). After a failed apply
 * it waits only for the links of the servers that did not fail, then lists what is left offline.
 * Progress goes to stderr.
 */
export async function waitAfterApply(
  env: CommandEnv,
  result: ReconcileResult,
  waitSeconds: number,
  applyCode: number,
  opts: {
    readonly json?: boolean;
    readonly targets?: readonly string[];
    readonly concurrency?: number;
  } = {},
): Promise<number> {
  const backend = result.backend;
  if (!backend || !['applied', 'planned', 'failed'].includes(result.outcome)) return applyCode;
  const say = opts.json ? env.err : env.out;
  const c = opts.json ? env.errColors : env.colors;
  const tty = Boolean(env.io.stderr.isTTY);
  let lastCount = -1;
  const onProgress = (p: WaitProgress) => {
    const line = `Waiting for links: ${p.online}/${p.total} online (${seconds(p.elapsedMs)})${p.error ? ` - ${p.error}` : ''}`;
    if (tty) env.err(`\r\x1b[2K${line}`);
    else if (p.online !== lastCount || p.error) env.err(line + '\n');
    lastCount = p.online;
  };
  // After a failed apply, the links of the servers that failed cannot come up: wait only for the
  // others, so that what is reported offline is what the failure leaves offline.
  const failed = new Set([
    ...(result.apply?.servers ?? []).filter((s) => s.status === 'failed').map((s) => s.server),
    ...(result.plan?.errors ?? []).map((e) => e.server),
  ]);
  const settled =
    applyCode === EXIT_OK
      ? undefined
      : (r: LinkReport) => offlineLinks(r, true).every((l) => failed.has(l.a) || failed.has(l.b));
  try {
    const waited = await waitForLinks(
      {
        topology: result.checked.loaded.topology,
        backend,
        targets: opts.targets,
        concurrency: opts.concurrency,
        timeoutMs: waitSeconds * 1000,
        onProgress,
        settled,
      },
      env.context,
    );
    if (tty) env.err('\r\x1b[2K');
    const report = waited.report;
    if (waited.outcome === 'online' && report) {
      say(
        c.green(
          `All ${report.declared} link${report.declared === 1 ? ' is' : 's are'} online (${seconds(waited.elapsedMs)}).\n`,
        ),
      );
      return applyCode;
    }
    if (waited.outcome === 'aborted') say(c.red('Interrupted while waiting for links.\n'));
    else if (waited.outcome === 'error') {
      say(c.red(`Link states could not be read: ${waited.error}\n`));
      return EXIT_FAILURE;
    } else if (waited.outcome === 'timeout')
      say(c.red(`Timed out after ${seconds(waited.elapsedMs)} waiting for links.\n`));
    if (!report) {
      say(c.red(`Link states could not be read: ${waited.error ?? 'unknown error'}\n`));
      return EXIT_FAILURE;
    }
    const offline = offlineLinks(report, true);
    if (offline.length > 0) {
      say(
        `${offline.length} of ${report.declared} link${report.declared === 1 ? '' : 's'} offline:\n` +
          formatLinkLines(offline, c).join('\n') +
          '\n',
      );
    }
    return EXIT_FAILURE;
  } finally {
    await backend.close?.();
  }
}
