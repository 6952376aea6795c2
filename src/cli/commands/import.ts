/** `avnet import --out DIR`: write a topology (secrets as env references, certificates as files) from actual state. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { importNetwork } from '../../engine/index.js';
import { writeFileAtomic } from '../../backends/index.js';
import { packageFile } from '../../util/package-root.js';
import { serverMessage } from '../../output/index.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { addBackendFlags, type BackendFlags } from '../backend-flags.js';
import { backendTargetFor } from '../backend-target.js';
import { describeNoState, reportTopologyUnusable } from '../reports.js';
import { choiceFlag } from '../options.js';

interface ImportFlags extends BackendFlags {
  out: string;
  name?: string;
  envPrefix: string;
  writeSecrets?: boolean;
  force?: boolean;
  format: 'text' | 'json';
}

/** Registers the import command. */
export function registerImport(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  addBackendFlags(
    program
      .command('import')
      .description(
        'read actual state from the backend and write a topology (secrets as env references, certificates as files)',
      )
      .argument(
        '[file]',
        'topology file naming the servers (needed for the http backend); optional for the dir backend',
      )
      .requiredOption('--out <dir>', 'folder to write topology.yaml, certs/ and keys/ into')
      .option('--name <name>', 'network name for the topology')
      .option(
        '--env-prefix <prefix>',
        'prefix of the generated environment variable names',
        'AVNET_',
      )
      .option(
        '--write-secrets',
        'also write the passwords found to OUT/secrets.env (mode 0600; keep it out of git)',
      )
      .option('--force', 'overwrite an existing topology.yaml in OUT')
      .option(
        '--format <format>',
        'report format: text or json',
        choiceFlag(['text', 'json'] as const),
        'text',
      ),
  ).action(async (file: string | undefined, flags: ImportFlags) => {
    await run((env) => importCommand(env, file, flags));
  });
}

async function importCommand(
  env: CommandEnv,
  fileArg: string | undefined,
  flags: ImportFlags,
): Promise<number> {
  const outDir = path.resolve(env.io.cwd, flags.out);
  const topologyFile = path.join(outDir, 'topology.yaml');
  const target = await backendTargetFor(env, fileArg, flags);
  const result = await importNetwork(
    {
      file: target.file,
      backend: target.open,
      env: env.io.env,
      concurrency: flags.concurrency,
      name: flags.name,
      envPrefix: flags.envPrefix,
      schemaRef: path.relative(outDir, packageFile('schemas/topology.schema.json')),
    },
    env.context,
  );
  if (result.outcome === 'invalid') {
    reportTopologyUnusable(env, result.checked, fileArg, 'imported');
    return EXIT_FAILURE;
  }
  if (result.outcome === 'no-state') {
    env.err(`avnet: ${describeNoState(env, result)}; nothing was written\n`);
    return EXIT_FAILURE;
  }
  env.redactor.add(result.imported.secrets.map((s) => s.value));
  if (result.unread.length > 0) {
    for (const e of result.unread) env.err(`avnet: ${serverMessage(e.server, e.message)}\n`);
    env.err('avnet: nothing was written: some servers could not be read\n');
    return EXIT_FAILURE;
  }
  await mkdir(outDir, { recursive: true });
  try {
    await writeFile(topologyFile, result.imported.yaml, {
      flag: flags.force ? 'w' : 'wx',
      mode: 0o644,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(
        `${path.join(flags.out, 'topology.yaml')} exists; pass --force to overwrite`,
      );
    throw err;
  }
  for (const f of result.imported.files) {
    await mkdir(path.dirname(path.join(outDir, f.path)), { recursive: true });
    await writeFileAtomic(path.join(outDir, f.path), f.text, 0o644);
  }
  if (flags.writeSecrets) {
    const lines = result.imported.secrets.map((s) => `${s.env}=${shellQuote(s.value)}`);
    await writeFileAtomic(
      path.join(outDir, 'secrets.env'),
      `# Passwords found on the servers. Keep this file out of git.\n${lines.join('\n')}\n`,
      0o600,
    );
    await writeFileAtomic(path.join(outDir, '.gitignore'), 'secrets.env\n', 0o644);
  }
  const secrets = result.imported.secrets.map((s) => ({ env: s.env, a: s.a, b: s.b }));
  if (flags.format === 'json') {
    env.out(
      JSON.stringify(
        {
          topology: topologyFile,
          servers: result.actual.size,
          links: secrets.length,
          secrets,
          files: result.imported.files.map((f) => f.path),
          notes: result.imported.notes,
          diagnostics: result.diagnostics.map((d) => ({
            rule: d.rule,
            severity: d.severity,
            message: d.message,
            server: d.server,
            neighbor: d.neighbor,
          })),
          secretsFile: flags.writeSecrets ? path.join(outDir, 'secrets.env') : null,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    env.out(
      `Wrote ${path.join(flags.out, 'topology.yaml')} (${result.actual.size} servers, ${secrets.length} links) and ${result.imported.files.length} certificate/key files.\n`,
    );
    if (secrets.length > 0) {
      env.out("\nSet these environment variables to the links' passwords before plan/apply:\n");
      for (const s of secrets) env.out(`  ${s.env}  (link ${s.a} - ${s.b})\n`);
      env.out(
        flags.writeSecrets
          ? `\nThe passwords found were written to ${path.join(flags.out, 'secrets.env')} (mode 0600).\n`
          : '\nPass --write-secrets to have the passwords found written to OUT/secrets.env.\n',
      );
    }
    if (result.imported.notes.length > 0) {
      env.out('\nNotes:\n');
      for (const n of result.imported.notes) env.out(`  - ${n}\n`);
    }
    if (result.diagnostics.length > 0) {
      env.out(
        `\nThe servers' state has ${result.diagnostics.length} problem(s); run avnet audit for details.\n`,
      );
    }
  }
  return EXIT_OK;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
