/** Locating the repository from a script, whether it runs as TypeScript source or from dist/. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above `from` that holds package.json (the avnet checkout). */
export function repoRoot(from: string | URL): string {
  let dir = path.dirname(typeof from === 'string' ? from : fileURLToPath(from));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${String(from)}`);
    dir = up;
  }
  return dir;
}

/** True when the module at `url` is the program node was started with. */
export function isMainModule(url: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(url);
}
