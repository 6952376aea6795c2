/** Files shipped with avnet (schemas, package.json), found the same way from src/ (tests) and dist/. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding avnet's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'schemas')))
      return (root = dir);
    const up = path.dirname(dir);
    if (up === dir)
      throw new Error('cannot find the avnet package folder (package.json next to schemas/)');
    dir = up;
  }
}

/** Absolute path of a file inside the package, e.g. `schemas/topology.schema.json`. */
export function packageFile(relative: string): string {
  return path.join(packageRoot(), relative);
}
