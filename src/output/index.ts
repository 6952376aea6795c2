/** Presentation: colours, redaction, diagnostic formats, plan formats (text, markdown, runbook) and link-status text. */
export * from './colors.js';
export * from './redact.js';
export * from './snippet.js';
export * from './diagnostics.js';
export * from './rules-doc.js';
export * from './server-message.js';
export * from './plan-text.js';
export * from './plan-markdown.js';
export * from './plan-runbook.js';
export * from './link-status-text.js';
export * from './outcome-text.js';
