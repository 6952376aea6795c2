/**
 * JSON Schema validators, compiled ahead of time when possible. Compiling the topology and state
 * schemas with Ajv costs ~0.2–0.4 s, paid by every CLI run before it does anything; the build
 * (`scripts/compile-schemas.ts`) writes Ajv's standalone code to `dist/src/compiled-schemas/`,
 * and a process loads that instead. Running from source (tests), or when a schema file changed
 * since the build, it compiles at first use as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { packageFile } from './package-root.js';

// Ajv and ajv-formats are CommonJS and only needed when a schema is compiled here (from source,
// or when the build's module is stale): required on first use, so that a CLI run that loads the
// compiled validators never loads them (~35 ms of every start-up).
const requireCjs = createRequire(import.meta.url);

/** Ajv's draft 2020-12 class, loaded on first use. */
export function ajv2020Class(): typeof Ajv2020 {
  return (requireCjs('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }).Ajv2020;
}

/** Adds ajv-formats' formats to an Ajv instance (loaded on first use). */
export function addAjvFormats(ajv: Ajv2020): void {
  (requireCjs('ajv-formats') as { default: (ajv: Ajv2020) => unknown }).default(ajv);
}

/** Options of Ajv's code generation (standalone source, formats by reference). */
export type SchemaCodeOptions = NonNullable<ConstructorParameters<typeof Ajv2020>[0]>['code'];

/** One schema: where it is and how its Ajv instance is configured. */
export interface SchemaValidatorSpec {
  /** File name of the compiled module (`NAME.cjs`). */
  readonly name: string;
  /** Path of the schema inside the package, e.g. `schemas/topology.schema.json`. */
  readonly schemaFile: string;
  /** A configured Ajv instance; `code` is set only when generating standalone code. */
  createAjv(code?: SchemaCodeOptions): Ajv2020;
}

/** Folder of the compiled validators, inside the package. */
export const COMPILED_SCHEMAS_DIR = 'dist/src/compiled-schemas';

/** The hash a compiled module is stamped with: SHA-256 of its schema's text. */
export function schemaSha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The validator of a schema: the build's compiled module when it matches the schema, else Ajv. */
export function loadSchemaValidator(spec: SchemaValidatorSpec): ValidateFunction {
  const text = readFileSync(packageFile(spec.schemaFile), 'utf8');
  const compiled = packageFile(path.join(COMPILED_SCHEMAS_DIR, `${spec.name}.cjs`));
  if (existsSync(compiled)) {
    const mod: unknown = requireCjs(compiled);
    if (
      typeof mod === 'function' &&
      (mod as { schemaSha256?: unknown }).schemaSha256 === schemaSha256(text)
    ) {
      return mod as ValidateFunction;
    }
  }
  return spec.createAjv().compile(JSON.parse(text) as object);
}
