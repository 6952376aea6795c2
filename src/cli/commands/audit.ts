/** `avnet audit [FILE]`: check what the servers actually hold with the actual-state rules. */
import type { Command } from 'commander';
import { auditNetwork } from '../../engine/index.js';
import {
  DIAGNOSTIC_FORMATS,
  reportFails,
  serverMessage,
  type DiagnosticFormat,
  type DiagnosticReport,
} from '../../output/index.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { addBackendFlags, type BackendFlags } from '../backend-flags.js';
import { backendLabel, backendTargetFor } from '../backend-target.js';
import { choiceFlag } from '../options.js';
import { describeNoState, renderReport, reportTopologyUnusable } from '../reports.js';

interface AuditFlags extends BackendFlags {
  format: DiagnosticFormat;
  strict?: boolean;
}

/** Registers the audit command. */
export function registerAudit(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  addBackendFlags(
    program
      .command('audit')
      .description(
        'read actual state from the backend and check it with the rules that apply to it',
      )
      .argument(
        '[file]',
        'topology file (to find the servers and the default state folder); optional for the dir backend',
      )
      .option(
        '--format <format>',
        `output format: ${DIAGNOSTIC_FORMATS.join(', ')}`,
        choiceFlag(DIAGNOSTIC_FORMATS),
        'text',
      )
      .option('--strict', 'warnings fail too'),
  ).action(async (file: string | undefined, flags: AuditFlags) => {
    await run((env) => auditCommand(env, file, flags));
  });
}

async function auditCommand(
  env: CommandEnv,
  fileArg: string | undefined,
  flags: AuditFlags,
): Promise<number> {
  const target = await backendTargetFor(env, fileArg, flags);
  const audit = await auditNetwork(
    { file: target.file, backend: target.open, env: env.io.env, concurrency: flags.concurrency },
    env.context,
  );
  switch (audit.outcome) {
    case 'invalid':
      reportTopologyUnusable(env, audit.checked, fileArg, 'audited');
      return EXIT_FAILURE;
    case 'no-state':
      env.err(`avnet: ${describeNoState(env, audit)}; nothing was audited\n`);
      return EXIT_FAILURE;
    case 'audited': {
      for (const s of audit.actual.values())
        env.redactor.add(s.neighbors.map((e) => e.password ?? ''));
      const entries = [...audit.actual.values()].reduce((n, s) => n + s.neighbors.length, 0);
      const report: DiagnosticReport = {
        file: backendLabel(env, audit.backend),
        diagnostics: audit.diagnostics,
        strict: flags.strict ?? false,
        servers: audit.actual.size,
        links: Math.ceil(entries / 2),
        unreadable: audit.unread.map((e) => e.server),
      };
      env.out(renderReport(flags.format, report, env));
      for (const e of audit.unread) env.err(`avnet: ${serverMessage(e.server, e.message)}\n`);
      return reportFails(report) ? EXIT_FAILURE : EXIT_OK;
    }
  }
}
