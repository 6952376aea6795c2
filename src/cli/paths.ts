/** Resolving file arguments against the working directory the CLI was started in. */
import path from 'node:path';

/** Keeps relative paths relative (for diagnostics) but anchored at `cwd`. */
export function resolveTopologyPath(file: string, cwd: string): string {
  return path.isAbsolute(file) || cwd === process.cwd() ? file : path.join(cwd, file);
}
