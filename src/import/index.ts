/** The import stage: a topology derived from actual state. */
export * from './derive-topology.js';
