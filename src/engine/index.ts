/** The engine composes the stages; CLI commands, watch and the library API all call it. */
export * from './check-topology.js';
