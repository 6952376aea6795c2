/** The watch stage: reconcile on every change of the topology's files and on an interval. */
export * from './folder-watcher.js';
export * from './watch-loop.js';
export * from './watched-files.js';
