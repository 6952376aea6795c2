/** Certificates: inspection (any key type) and generation (RSA, for tests and demos). */
export * from './inspect.js';
export * from './generate.js';
