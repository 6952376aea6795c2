/** Finding the backend for commands whose topology is optional (audit, import, unlock). */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { OpenBackend } from '../engine/index.js';
import type { CommandEnv } from './io.js';
import { backendFactory, type BackendFlags } from './backend-flags.js';
import { UsageError } from './exit-codes.js';

/** The topology (if any) and how to open the backend, for audit, import and unlock. */
export interface BackendTarget {
  /** The topology naming the servers, absolute; undefined when there is none. */
  readonly file: string | undefined;
  readonly open: OpenBackend;
}

/**
 * Decides what a command reads: with a topology file (given, or topology.yaml in the working
 * directory) its servers and folder are used; without one, the dir backend needs `--state`
 * (default ./state). The engine reads (and validates) the topology itself.
 */
export async function backendTargetFor(
  env: CommandEnv,
  fileArg: string | undefined,
  flags: BackendFlags,
): Promise<BackendTarget> {
  const candidate = path.resolve(env.io.cwd, fileArg ?? 'topology.yaml');
  const exists = await access(candidate).then(
    () => true,
    () => false,
  );
  if (fileArg !== undefined && !exists)
    throw new UsageError(`topology file ${fileArg} does not exist`);
  if (exists) {
    return { file: candidate, open: backendFactory(flags, candidate, env.io.cwd, env.io.env) };
  }
  if (flags.backend !== 'dir')
    throw new UsageError(`the ${flags.backend} backend needs a topology file to find the servers`);
  return {
    file: undefined,
    open: backendFactory(
      { ...flags, state: flags.state ?? 'state' },
      path.join(env.io.cwd, 'topology.yaml'),
      env.io.cwd,
      env.io.env,
    ),
  };
}

/** How a backend's state location reads in messages: a folder relative to cwd, or its type. */
export function backendLabel(
  env: CommandEnv,
  backend: { readonly type: string; stateFolder?(): string },
): string {
  const folder = backend.stateFolder?.();
  return folder !== undefined
    ? path.relative(env.io.cwd, folder) || '.'
    : `the ${backend.type} backend`;
}
