/** `avnet diff OLD NEW`: servers and links added, removed and changed, without any backend. */
import type { Command } from 'commander';
import type { Diagnostic } from '../../model/index.js';
import type { LoadedTopology } from '../../load/index.js';
import { validateTopology } from '../../validate/index.js';
import {
  DiffSourceError,
  clean,
  computeTopologyDiff,
  formatDiffJson,
  formatDiffMarkdown,
  formatDiffText,
  loadDiffSide,
  parseDiffSide,
  plural,
  type TopologyDiff,
} from '../../diff/index.js';
import { EXIT_CHANGES, EXIT_FAILURE, EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { choiceFlag } from '../options.js';

/** Formats `diff` can print. */
export const DIFF_FORMATS = ['text', 'json', 'markdown'] as const;

/** One of the diff output formats. */
export type DiffFormat = (typeof DIFF_FORMATS)[number];

interface DiffFlags {
  format: DiffFormat;
  exitCode?: boolean;
  allowOutsideRoot?: boolean;
}

/** How many diagnostics of an unparseable side are printed. */
const MAX_PARSE_LINES = 5;

/** Registers the diff command. */
export function registerDiff(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  program
    .command('diff')
    .description(
      'compare two topologies (files or git:REF:PATH) without any backend: servers and links added, removed, changed',
    )
    .argument('<old>', 'old topology: a file, or git:REF:PATH (e.g. git:origin/main:topology.yaml)')
    .argument('<new>', 'new topology: a file, or git:REF:PATH')
    .option(
      '--format <format>',
      `output format: ${DIFF_FORMATS.join(', ')}`,
      choiceFlag(DIFF_FORMATS),
      'text',
    )
    .option('--exit-code', 'exit 2 when the topologies differ (like git diff --exit-code)')
    .option('--allow-outside-root', "allow referenced files outside the topology's folder")
    .action(async (oldArg: string, newArg: string, flags: DiffFlags) => {
      await run((env) => diffCommand(env, oldArg, newArg, flags));
    });
}

/** Renders a diff in the chosen format. */
export function renderDiff(format: DiffFormat, diff: TopologyDiff, env: CommandEnv): string {
  switch (format) {
    case 'json':
      return formatDiffJson(diff);
    case 'markdown':
      return formatDiffMarkdown(diff);
    default:
      return formatDiffText(diff, env.colors);
  }
}

async function loadSides(
  env: CommandEnv,
  args: readonly [string, string],
  flags: DiffFlags,
): Promise<[LoadedTopology, LoadedTopology]> {
  const opts = {
    cwd: env.io.cwd,
    env: env.io.env,
    allowOutsideRoot: flags.allowOutsideRoot ?? false,
  };
  try {
    const specs = args.map((a) => parseDiffSide(a));
    const settled = await Promise.allSettled(specs.map((s) => loadDiffSide(s, opts)));
    // Report the old side's problem first, whichever finished first.
    const out = settled.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    return [out[0] as LoadedTopology, out[1] as LoadedTopology];
  } catch (err) {
    if (err instanceof DiffSourceError) throw new UsageError(err.message);
    throw err;
  }
}

function diagnosticLine(d: Diagnostic): string {
  const at = d.line !== undefined ? `${d.file}:${d.line}:${d.column ?? 1}` : (d.file ?? '');
  return `${at}: ${d.severity}: ${d.message} [${d.rule}]`;
}

async function diffCommand(
  env: CommandEnv,
  oldArg: string,
  newArg: string,
  flags: DiffFlags,
): Promise<number> {
  const sides = await loadSides(env, [oldArg, newArg], flags);
  for (const loaded of sides) {
    // Belt and braces: the diff never holds a password value, but output is redacted anyway.
    env.redactor.add(
      loaded.topology.links.flatMap((l) =>
        l.password?.kind === 'inline' ? [l.password.value] : [],
      ),
    );
  }

  const now = env.context.clock.now();
  const unparseable = sides.filter((loaded) => !loaded.parsedOk);
  for (const loaded of unparseable) {
    const diagnostics = validateTopology(loaded, { now }).diagnostics;
    env.err(`avnet: cannot diff: ${clean(loaded.source.displayPath)} cannot be parsed\n`);
    const shown = diagnostics.slice(0, MAX_PARSE_LINES);
    for (const d of shown) env.err(`  ${clean(diagnosticLine(d))}\n`);
    const more = diagnostics.length - shown.length;
    if (more > 0) env.err(`  … ${plural(more, 'more problem')}\n`);
  }
  if (unparseable.length > 0) return EXIT_FAILURE;

  for (const loaded of sides) {
    const validation = validateTopology(loaded, { now });
    // Warnings alone leave a topology valid; only an invalid one is worth a note here.
    if (validation.errors > 0) {
      env.err(
        `avnet: note: ${clean(loaded.source.displayPath)} has ${plural(validation.errors, 'error')} and ${plural(validation.warnings, 'warning')} (see avnet validate); diffing it as written\n`,
      );
    }
  }

  const diff = computeTopologyDiff(sides[0], sides[1]);
  env.out(renderDiff(flags.format, diff, env));
  return flags.exitCode && diff.summary.differences ? EXIT_CHANGES : EXIT_OK;
}
