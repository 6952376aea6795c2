/** The emulator: Dr.Web servers on loopback that implement the management API and really link. */
export * from './faults.js';
export * from './sim-config.js';
export * from './link-protocol.js';
export * from './emulated-server.js';
export * from './management-api.js';
export * from './sim-state.js';
export * from './sim-tls.js';
export * from './start-simulation.js';
