/** Finding the backend for commands whose topology is optional (audit, import, unlock). */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Backend } from '../backends/index.js';
import { checkTopology, endpointsOf } from '../engine/index.js';
import type { CommandEnv } from './io.js';
import { backendFactory, type BackendFlags } from './backend-flags.js';
import { UsageError } from './exit-codes.js';

/** A backend and the topology servers it was opened for. */
export interface OpenedBackend {
  readonly backend: Backend;
  readonly servers: string[];
}

/**
 * Opens the backend: with a topology file (given, or topology.yaml in the working directory) its
 * servers and folder are used; without one, the dir backend needs `--state` (default ./state).
 */
export async function openBackendFor(
  env: CommandEnv,
  fileArg: string | undefined,
  flags: BackendFlags,
): Promise<OpenedBackend> {
  const candidate = fileArg ?? 'topology.yaml';
  const exists = await access(path.resolve(env.io.cwd, candidate)).then(
    () => true,
    () => false,
  );
  if (fileArg !== undefined && !exists)
    throw new UsageError(`topology file ${fileArg} does not exist`);
  if (exists) {
    const checked = await checkTopology(
      path.resolve(env.io.cwd, candidate),
      { env: env.io.env },
      env.context,
    );
    const endpoints = endpointsOf(checked);
    const backend = await backendFactory(
      flags,
      path.resolve(env.io.cwd, candidate),
      env.io.cwd,
      env.io.env,
    )(endpoints);
    return { backend, servers: endpoints.map((e) => e.name) };
  }
  if (flags.backend !== 'dir')
    throw new UsageError(`the ${flags.backend} backend needs a topology file to find the servers`);
  const state = flags.state ?? 'state';
  const backend = await backendFactory(
    { ...flags, state },
    path.join(env.io.cwd, 'topology.yaml'),
    env.io.cwd,
    env.io.env,
  )([]);
  return { backend, servers: [] };
}
