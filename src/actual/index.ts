/** The read stage: actual state from a backend. */
export * from './read-actual-state.js';
