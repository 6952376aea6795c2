/** The http backend: management API client, wire format, and link-view merging. */
export * from './wire.js';
export * from './http-client.js';
export * from './http-backend.js';
export * from './link-views.js';
