/** `avnet serve`: the always-on agent, its sources, HTTP API, metrics and notifications. */
export * from './serve-model.js';
export * from './source.js';
export * from './file-source.js';
export * from './git-source.js';
export * from './git-topology-source.js';
export * from './serve-state.js';
export * from './server-detail.js';
export * from './serve-agent.js';
export * from './webhooks.js';
export * from './metrics.js';
export * from './notifier.js';
export * from './http-api.js';
export * from './dashboard-assets.js';
