/** The one place backends are registered and created by name. */
import path from 'node:path';
import type { Backend, BackendSettings } from './backend.js';
import { DirBackend } from './dir/dir-backend.js';
import { createHttpBackend } from './http/http-backend.js';

/** Creates a backend from settings. */
export type BackendFactory = (settings: BackendSettings) => Promise<Backend>;

const factories = new Map<string, BackendFactory>([
  [
    'dir',
    async (s) =>
      new DirBackend({
        dir: s.stateDir ?? path.join(s.topologyDir, 'state'),
        endpoints: s.endpoints,
      }),
  ],
  ['http', createHttpBackend],
]);

/** Registers a backend type (used for http, which lives in its own module). */
export function registerBackend(type: string, factory: BackendFactory): void {
  factories.set(type, factory);
}

/** Backend types available. */
export function backendTypes(): string[] {
  return [...factories.keys()];
}

/** Creates the backend of a type, or throws for an unknown one. */
export async function createBackend(type: string, settings: BackendSettings): Promise<Backend> {
  const factory = factories.get(type);
  if (!factory)
    throw new Error(`unknown backend "${type}" (available: ${backendTypes().join(', ')})`);
  return factory(settings);
}
