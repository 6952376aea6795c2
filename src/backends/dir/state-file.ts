/** The dir backend's file format: one JSON document per server, validated when read. */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { ServerState } from '../../model/index.js';
import { packageFile } from '../../util/package-root.js';
import { parseJson } from '../../util/json-parse.js';
import {
  ajv2020Class,
  loadSchemaValidator,
  type SchemaValidatorSpec,
} from '../../util/schema-validator.js';

/** Largest state file accepted: one server's neighbor entries (a few hundred bytes each). */
export const MAX_STATE_FILE_BYTES = 64 * 1024 * 1024;

/** Location of the state file JSON Schema. */
export const STATE_SCHEMA_PATH = packageFile('schemas/server-state.schema.json');

/** The state file schema's validator (first error only). */
export const STATE_SCHEMA: SchemaValidatorSpec = {
  name: 'server-state',
  schemaFile: 'schemas/server-state.schema.json',
  createAjv: (code) =>
    new (ajv2020Class())({
      allErrors: false,
      strict: true,
      strictRequired: false,
      ...(code ? { code } : {}),
    }),
};

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  return (validator ??= loadSchemaValidator(STATE_SCHEMA));
}

/** Parses and checks a state document; returns the reason when it is not one. */
export function parseServerState(
  text: string,
): { ok: true; state: ServerState } | { ok: false; reason: string } {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const data = parsed.value;
  const v = validate();
  if (!v(data)) {
    const e = v.errors?.[0];
    return {
      ok: false,
      reason: `not a server state document: ${e?.instancePath || '/'} ${e?.message ?? 'is invalid'}`,
    };
  }
  const d = data as Partial<ServerState> & { name: string; neighbors: ServerState['neighbors'] };
  // Hand-written files may leave out fields; absent ones take the values of a fresh server.
  return {
    ok: true,
    state: {
      name: d.name,
      version: d.version ?? 13,
      protocol: d.protocol ?? 'disabled',
      pendingRestart: d.pendingRestart ?? false,
      revision: d.revision ?? 0,
      neighbors: d.neighbors,
    },
  };
}

/** Serialises a state document with a stable key order. */
export function serializeServerState(state: ServerState): string {
  const ordered: ServerState = {
    name: state.name,
    version: state.version,
    protocol: state.protocol,
    pendingRestart: state.pendingRestart,
    revision: state.revision,
    neighbors: state.neighbors,
  };
  return JSON.stringify(ordered, null, 2) + '\n';
}

/** Encodes a server name as a file name: safe characters kept, everything else %XX (UTF-8). */
export function encodeServerFileName(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9_-]/.test(ch) ? ch : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out + '.json';
}

/** Decodes a file name made by encodeServerFileName; undefined for other files. */
export function decodeServerFileName(file: string): string | undefined {
  if (!file.endsWith('.json') || file.startsWith('.')) return undefined;
  const stem = file.slice(0, -5);
  if (!/^([A-Za-z0-9_-]|%[0-9A-F]{2})+$/.test(stem)) return undefined;
  try {
    return decodeURIComponent(stem);
  } catch {
    return undefined;
  }
}
