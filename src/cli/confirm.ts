/** Interactive confirmation and progress for apply, only on a terminal. */
import { createInterface } from 'node:readline/promises';
import cliProgress from 'cli-progress';
import type { ApplyProgress } from '../apply/index.js';
import type { CliIO } from './io.js';

/** True when avnet talks to a person: stdin and stderr are terminals. */
export function isInteractive(io: CliIO): boolean {
  return Boolean(io.stdin.isTTY) && Boolean(io.stderr.isTTY);
}

/** Asks "Apply these changes?"; only `yes` confirms, as Terraform does. */
export async function askToApply(io: CliIO, summary: string): Promise<boolean> {
  const rl = createInterface({
    input: io.stdin,
    output: io.stderr as NodeJS.WritableStream,
    terminal: true,
  });
  try {
    const answer = await rl.question(
      `\n${summary}\nDo you want to apply these changes? Only 'yes' will be accepted: `,
    );
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** A progress bar on stderr while servers are applied; no-op when not on a terminal. */
export function createProgress(io: CliIO): { update(p: ApplyProgress): void; stop(): void } {
  if (!io.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      format: '{phase} [{bar}] {value}/{total} servers | {server}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  return {
    update(p) {
      if (p.phase !== phase) {
        if (phase) bar.stop();
        phase = p.phase;
        bar.start(p.total, 0, { phase: p.phase.padEnd(9), server: '' });
      }
      bar.update(p.done, { phase: p.phase.padEnd(9), server: p.server });
    },
    stop() {
      if (phase) bar.stop();
    },
  };
}
