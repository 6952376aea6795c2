/** The status stage: live (or derived) link states, waiting for links to come online. */
export * from './derive-link-status.js';
export * from './link-report.js';
export * from './wait-for-links.js';
