/** Saved plans (`plan --out`): the plan JSON plus where it was made; never any secret value. */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Plan } from '../model/index.js';
import { packageFile } from '../util/package-root.js';
import {
  ajv2020Class,
  loadSchemaValidator,
  type SchemaValidatorSpec,
} from '../util/schema-validator.js';
import { canonicalJson } from './compute-plan.js';
import { changeToJson, planToJson } from './plan-json.js';
import { parseJson } from '../util/json-parse.js';

/** Location of the saved-plan JSON Schema. */
/** Largest saved plan read (a fresh plan is about 5 KB per server: ~50 MB at 10,000 servers). */
export const MAX_SAVED_PLAN_BYTES = 256 * 1024 * 1024;

export const SAVED_PLAN_SCHEMA_PATH = packageFile('schemas/saved-plan.schema.json');

/** A saved plan as read back from disk. */
export interface SavedPlan {
  readonly json: Record<string, unknown> & {
    topology: { file: string; sha256: string };
    backend: { type: string; state?: string };
    revisions: Record<string, number>;
    changes: Record<string, unknown>[];
    targets?: string[];
    saved: { topologyPath: string; createdAt: string; avnet: string };
  };
}

/** The saved plan schema's validator (changes told apart by `action`). */
export const SAVED_PLAN_SCHEMA: SchemaValidatorSpec = {
  name: 'saved-plan',
  schemaFile: 'schemas/saved-plan.schema.json',
  createAjv: (code) =>
    new (ajv2020Class())({
      strict: true,
      strictRequired: false,
      discriminator: true,
      ...(code ? { code } : {}),
    }),
};

let validator: ValidateFunction | undefined;

/** Serialises a plan for `--out`. */
export function serializeSavedPlan(
  plan: Plan,
  saved: { topologyPath: string; createdAt: string; avnet: string; stateDir?: string },
): string {
  const json = planToJson(plan);
  const backend =
    saved.stateDir !== undefined ? { ...plan.backend, state: saved.stateDir } : plan.backend;
  return (
    JSON.stringify(
      {
        ...json,
        backend,
        saved: { topologyPath: saved.topologyPath, createdAt: saved.createdAt, avnet: saved.avnet },
      },
      null,
      2,
    ) + '\n'
  );
}

/** True when a file's text looks like a saved plan rather than a topology. */
export function looksLikeSavedPlan(text: string): boolean {
  return /^\s*\{/.test(text) && text.includes('"format_version"');
}

/** Parses and checks a saved plan; returns a reason when it is not one. */
export function parseSavedPlan(
  text: string,
): { ok: true; plan: SavedPlan } | { ok: false; reason: string } {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const data = parsed.value;
  validator ??= loadSchemaValidator(SAVED_PLAN_SCHEMA);
  if (!validator(data)) {
    const e = validator.errors?.[0];
    return {
      ok: false,
      reason: `not a saved avnet plan: ${e?.instancePath || '/'} ${e?.message ?? 'is invalid'}`,
    };
  }
  return { ok: true, plan: { json: data as SavedPlan['json'] } };
}

/** True when a freshly computed plan makes exactly the changes a saved plan recorded. */
export function samePlannedChanges(saved: SavedPlan, fresh: Plan): boolean {
  return canonicalJson(saved.json.changes) === canonicalJson(fresh.changes.map(changeToJson));
}
