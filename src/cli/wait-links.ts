/** `apply --wait`: poll link states after an apply until every link is online, or time out. */
import type { Backend } from '../backends/index.js';
import { ranApply, readingOf, type ReconcileResult } from '../engine/index.js';
import { formatLinkLines } from '../output/index.js';
import { offlineLinks, waitForLinks, type LinkReport, type WaitProgress } from '../status/index.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.js';
import type { CommandEnv } from './io.js';

/** Default `apply --wait` timeout, in seconds. */
export const DEFAULT_WAIT_SECONDS = 120;

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
  backend: Backend,
  waitSeconds: number,
  applyCode: number,
  opts: {
    readonly json?: boolean;
    readonly targets?: readonly string[];
    readonly concurrency?: number;
  } = {},
): Promise<number> {
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
    ...(ranApply(result) ? result.apply.servers : [])
      .filter((s) => s.status === 'failed')
      .map((s) => s.server),
    ...(readingOf(result)?.unread ?? []).map((e) => e.server),
  ]);
  const settled =
    applyCode === EXIT_OK
      ? undefined
      : (r: LinkReport) => offlineLinks(r, true).every((l) => failed.has(l.a) || failed.has(l.b));
  {
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
          `${report.declared === 1 ? 'The link is' : `All ${report.declared} links are`} online (${seconds(waited.elapsedMs)}).\n`,
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
  }
}
