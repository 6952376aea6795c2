/** Load + validate, the first half of every reconcile. */
import type { Context } from '../model/index.js';
import { loadTopology, type LoadOptions, type LoadedTopology } from '../load/index.js';
import {
  validateTopology,
  type ValidateOptions,
  type ValidationResult,
} from '../validate/index.js';

/** Options for checking a topology file. */
export interface CheckOptions extends LoadOptions, ValidateOptions {}

/** A loaded topology and its validation. */
export interface CheckedTopology {
  readonly loaded: LoadedTopology;
  readonly validation: ValidationResult;
}

/** Every secret value the loaded topology knows (inline and resolved), for redaction. */
export function knownSecretValues(loaded: LoadedTopology): string[] {
  const values: string[] = [];
  for (const link of loaded.topology.links)
    if (link.password?.kind === 'inline') values.push(link.password.value);
  if (loaded.secrets) values.push(...loaded.secrets.values());
  return values;
}

/** Loads and validates a topology file. */
export async function checkTopology(
  file: string,
  opts: CheckOptions,
  ctx: Context,
): Promise<CheckedTopology> {
  const started = performance.now();
  const loaded = await loadTopology(file, opts);
  const validation = validateTopology(loaded, { ...opts, now: opts.now ?? ctx.clock.now() });
  ctx.logger.debug(
    {
      file,
      servers: loaded.topology.servers.size,
      links: loaded.topology.links.length,
      errors: validation.errors,
      warnings: validation.warnings,
      ms: Math.round(performance.now() - started),
    },
    'validated topology',
  );
  return { loaded, validation };
}
