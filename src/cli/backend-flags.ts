/** Backend flags shared by plan, apply, audit, import, status and watch. */
import path from 'node:path';
import { Option, type Command } from 'commander';
import {
  backendTypes,
  createBackend,
  type Backend,
  type ServerEndpoint,
} from '../backends/index.js';
import { DEFAULT_CONCURRENCY } from '../model/index.js';
import { positiveIntFlag, type ReconcileFlags } from './options.js';

/** Parsed backend flags. */
export interface BackendFlags {
  backend: string;
  state?: string;
  ca?: string;
  insecure?: boolean;
  concurrency?: number;
  timeout?: number;
}

/** Adds --backend, --state, --ca, --insecure, --concurrency, --timeout to a command. */
export function addBackendFlags(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--backend <type>', 'backend: dir (embedded) or http')
        .choices(backendTypes())
        .default('dir'),
    )
    .option('--state <dir>', 'dir backend: state folder (default: state/ next to the topology)')
    .option('--ca <file>', 'http backend: CA certificate file to verify servers against')
    .option('--insecure', 'http backend: do not verify TLS certificates (explicit opt-in)')
    .option(
      '--concurrency <n>',
      `servers handled at once (default ${DEFAULT_CONCURRENCY})`,
      positiveIntFlag,
    )
    .option('--timeout <ms>', 'http backend: per-request timeout in milliseconds', positiveIntFlag);
}

/** Builds a backend factory for the engine from flags; relative paths resolve against `cwd`. */
export function backendFactory(
  flags: BackendFlags,
  topologyFile: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): (endpoints: readonly ServerEndpoint[]) => Promise<Backend> {
  return (endpoints) =>
    createBackend(flags.backend, {
      topologyDir: path.dirname(path.resolve(cwd, topologyFile)),
      stateDir: flags.state !== undefined ? path.resolve(cwd, flags.state) : undefined,
      endpoints,
      env,
      caFile: flags.ca !== undefined ? path.resolve(cwd, flags.ca) : undefined,
      insecure: flags.insecure,
      concurrency: flags.concurrency,
      timeoutMs: flags.timeout,
    });
}

/**
 * The reconcile options plan, apply and watch take from their flags: the topology checks,
 * targets, the delete-everything guard, concurrency and the backend.
 */
export function reconcileOptionsFrom(
  flags: BackendFlags & ReconcileFlags,
  file: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
) {
  return {
    file,
    env,
    allowOutsideRoot: flags.allowOutsideRoot,
    expiryWarningSeconds: flags.expiryWarning,
    strict: flags.strict,
    targets: flags.target,
    allowEmpty: flags.allowEmpty,
    concurrency: flags.concurrency,
    backend: backendFactory(flags, file, cwd, env),
  };
}
