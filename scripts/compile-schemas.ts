/**
 * Part of the build: writes each JSON Schema's validator as Ajv standalone code to
 * `dist/src/compiled-schemas/NAME.cjs`, so that a run loads it instead of compiling the schema
 * (see src/util/schema-validator.ts). Run after `tsc`: `node dist/scripts/compile-schemas.js`.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { STATE_SCHEMA } from '../src/backends/dir/state-file.js';
import { TOPOLOGY_SCHEMA } from '../src/load/schema-check.js';
import { SAVED_PLAN_SCHEMA } from '../src/plan/saved-plan.js';
import { standaloneValidatorSource } from '../src/util/schema-standalone.js';
import { COMPILED_SCHEMAS_DIR, type SchemaValidatorSpec } from '../src/util/schema-validator.js';
import { isMainModule, repoRoot } from './repo-root.js';

/** Every schema avnet validates documents against at run time. */
export const COMPILED_SCHEMAS: readonly SchemaValidatorSpec[] = [
  TOPOLOGY_SCHEMA,
  STATE_SCHEMA,
  SAVED_PLAN_SCHEMA,
];

/** Writes the compiled validators into `root`'s dist folder; returns the files written. */
export async function compileSchemas(root: string): Promise<string[]> {
  const dir = path.join(root, COMPILED_SCHEMAS_DIR);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const spec of COMPILED_SCHEMAS) {
    const file = path.join(dir, `${spec.name}.cjs`);
    // Replaced whole: a process starting meanwhile sees the old module or the new, never half.
    await writeFile(`${file}.tmp`, standaloneValidatorSource(spec));
    await rename(`${file}.tmp`, file);
    written.push(file);
  }
  return written;
}

if (isMainModule(import.meta.url)) {
  const files = await compileSchemas(repoRoot(import.meta.url));
  console.log(`compiled ${files.length} schema validators into ${COMPILED_SCHEMAS_DIR}`);
}
