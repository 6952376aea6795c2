/** The load stage: read and parse a topology and the files it references. */
export * from './load-topology.js';
export * from './source-file.js';
export * from './parse-yaml.js';
export * from './source-map.js';
export * from './schema-check.js';
export * from './normalize.js';
export * from './referenced-files.js';
export * from './secrets.js';
