/** `avnet certs generate NAME`: a key pair and self-signed certificate for tests and demos. */
import { mkdir, writeFile } from 'node:fs/promises';
import { MAX_REFERENCED_FILE_BYTES } from '../../load/index.js';
import { readRegularFile } from '../../util/read-regular-file.js';
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { collectFlag, positiveIntFlag } from '../options.js';

interface GenerateFlags {
  out: string;
  days: number;
  bits: number;
  cn?: string;
  key?: string;
  altName?: string[];
  force?: boolean;
}

/** Registers `certs generate`. */
export function registerCerts(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  const certs = program.command('certs').description('certificate helpers');
  certs
    .command('generate')
    .description('create NAME.pem (certificate), NAME.key (private key) and NAME.pub (public key)')
    .argument('<name>', 'server name (file name and default common name)')
    .option('--out <dir>', 'folder to write into', '.')
    .option('--days <n>', 'validity in days', positiveIntFlag, 825)
    .option('--bits <n>', 'RSA key size', positiveIntFlag, 2048)
    .option('--cn <name>', 'certificate common name (default: NAME)')
    .option(
      '--key <file>',
      "certify an existing RSA private key (a v10 server's key, for v11+ neighbors)",
    )
    .option('--alt-name <name>', 'subjectAltName DNS name or IP (repeatable)', collectFlag)
    .option('--force', 'overwrite existing files')
    .action(async (name: string, flags: GenerateFlags) => {
      await run((env) => generateCommand(env, name, flags));
    });
}

async function generateCommand(
  env: CommandEnv,
  name: string,
  flags: GenerateFlags,
): Promise<number> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new UsageError(`certificate name "${name}" must be a file name (letters, digits, . _ -)`);
  }
  if (flags.bits < 2048) throw new UsageError('--bits must be at least 2048');
  const outDir = path.resolve(env.io.cwd, flags.out);
  let privateKeyPem: string | undefined;
  if (flags.key) {
    const read = await readRegularFile(path.resolve(env.io.cwd, flags.key), {
      limit: MAX_REFERENCED_FILE_BYTES,
    });
    if (!read.ok) throw new UsageError(`cannot read --key ${flags.key}: ${read.reason}`);
    privateKeyPem = read.bytes.toString('utf8');
  }
  // node-forge (~25 ms to load) only for this command, not for every avnet start-up.
  const { generateServerCertificate } = await import('../../certs/generate.js');
  let generated;
  try {
    generated = generateServerCertificate(name, {
      days: flags.days,
      bits: flags.bits,
      commonName: flags.cn,
      privateKeyPem,
      altNames: flags.altName,
    });
  } catch (err) {
    throw new UsageError(`cannot create the certificate: ${(err as Error).message}`);
  }
  await mkdir(outDir, { recursive: true });
  const files: [string, string, number][] = [
    [`${name}.pem`, generated.certificatePem, 0o644],
    [`${name}.pub`, generated.publicKeyPem, 0o644],
    ...(flags.key
      ? []
      : ([[`${name}.key`, generated.privateKeyPem, 0o600]] as [string, string, number][])),
  ];
  for (const [file, text, mode] of files) {
    try {
      await writeFile(path.join(outDir, file), text, { mode, flag: flags.force ? 'w' : 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UsageError(`${path.join(flags.out, file)} exists; pass --force to overwrite`);
      }
      throw err;
    }
    env.out(`wrote ${path.join(flags.out, file)}\n`);
  }
  return EXIT_OK;
}
