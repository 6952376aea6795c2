/** `avnet status [FILE]`: every link's state from the backend, online or offline with the reason. */
import path from 'node:path';
import type { Command } from 'commander';
import { makesTopologyUnusable, type ServerState, type Topology } from '../../model/index.js';
import type { ServerEndpoint } from '../../backends/index.js';
import { loadTopology } from '../../load/index.js';
import { collectLinkStatus, offlineLinks } from '../../status/index.js';
import { formatStatusJson, formatStatusText } from '../../output/index.js';
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
  const blocking = loaded.findings.find(makesTopologyUnusable);
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
