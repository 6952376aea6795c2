/** Presentation helpers shared by the CLI: colours, redaction, diagnostic formats. */
export * from './colors.js';
export * from './redact.js';
export * from './snippet.js';
export * from './diagnostics.js';
export * from './rules-doc.js';
export * from './server-message.js';
