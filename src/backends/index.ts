/** Backends: the interface, the registry and the embedded dir backend. */
export * from './backend.js';
export * from './registry.js';
export * from './dir/dir-backend.js';
export * from './dir/state-file.js';
export * from './http/index.js';
