/** `avnet graph [FILE]`: draw the network as Mermaid, Graphviz DOT or SVG. */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { checkTopology, knownSecretValues } from '../../engine/index.js';
import { buildGraph, renderDot, renderMermaid, renderSvg } from '../../graph/index.js';
import { formatDiagnosticsText } from '../../output/index.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { choiceFlag } from '../options.js';
import { resolveTopologyPath } from '../paths.js';

/** Formats `avnet graph` can draw. */
export const GRAPH_FORMATS = ['mermaid', 'dot', 'svg'] as const;

/** One of the graph output formats. */
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

interface GraphFlags {
  format: GraphFormat;
  out?: string;
  allowOutsideRoot?: boolean;
}

/** Registers the graph command. */
export function registerGraph(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  program
    .command('graph')
    .description('draw the network: parents above children, peers dashed, flows on the links')
    .argument('[file]', 'topology file', 'topology.yaml')
    .option(
      '--format <format>',
      `output format: ${GRAPH_FORMATS.join(', ')}`,
      choiceFlag(GRAPH_FORMATS),
      'mermaid',
    )
    .option('--out <file>', 'write the drawing to this file instead of stdout')
    .option('--allow-outside-root', "allow referenced files outside the topology's folder")
    .action(async (file: string, flags: GraphFlags) => {
      await run((env) => graphCommand(env, file, flags));
    });
}

/** Writes a file so readers never see half of it: a temp file in the same folder, then rename. */
async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new Error(`cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
}

async function graphCommand(env: CommandEnv, fileArg: string, flags: GraphFlags): Promise<number> {
  const file = resolveTopologyPath(fileArg, env.io.cwd);
  const out = flags.out !== undefined ? path.resolve(env.io.cwd, flags.out) : undefined;
  if (out !== undefined && out === path.resolve(env.io.cwd, file)) {
    throw new UsageError(`--out ${flags.out} would overwrite the topology file`);
  }
  // Secrets are never resolved for a drawing: it does not need them and must not hold them.
  const { loaded, validation } = await checkTopology(
    file,
    { resolveSecrets: false, env: env.io.env, allowOutsideRoot: flags.allowOutsideRoot ?? false },
    env.context,
  );
  if (loaded.missing) throw new UsageError(`topology file ${fileArg} does not exist`);
  env.redactor.add(knownSecretValues(loaded));
  const display = loaded.source.displayPath;
  if (!loaded.parsedOk) {
    env.err(
      formatDiagnosticsText(
        {
          file: display,
          diagnostics: validation.diagnostics,
          strict: false,
          source: { text: loaded.source.text, secretRanges: loaded.secretRanges },
        },
        env.errColors,
      ),
    );
    env.err(`avnet: cannot draw ${display}: the file could not be parsed\n`);
    return EXIT_FAILURE;
  }

  const graph = buildGraph(loaded.topology, validation.diagnostics);
  const text =
    flags.format === 'svg'
      ? await renderSvg(graph)
      : flags.format === 'dot'
        ? renderDot(graph)
        : renderMermaid(graph);
  if (out !== undefined) {
    // The file gets the same redaction as stdout.
    await writeFileAtomic(out, env.redactor.redact(text));
  } else {
    env.out(text.endsWith('\n') ? text : text + '\n');
  }

  if (validation.errors > 0) {
    const n = validation.errors;
    const arg = /^[\w./@:+-]+$/.test(fileArg) ? fileArg : JSON.stringify(fileArg);
    env.err(
      `avnet: note: ${display} has ${n} error${n === 1 ? '' : 's'}; servers and links with errors are marked (details: avnet validate ${arg})\n`,
    );
  }
  return EXIT_OK;
}
