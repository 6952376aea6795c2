/** JSON Schema validation of the parsed data, mapped to `schema` and `missing-field` findings. */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { jsonPointer, parseJsonPointer, type Finding } from '../model/index.js';
import { packageFile } from '../util/package-root.js';
import {
  addAjvFormats,
  ajv2020Class,
  loadSchemaValidator,
  type SchemaValidatorSpec,
} from '../util/schema-validator.js';

/** Location of the bundled topology JSON Schema. */
export const TOPOLOGY_SCHEMA_PATH = packageFile('schemas/topology.schema.json');

/**
 * Schema parts whose violations a dedicated rule reports with a more specific id, so that each
 * problem is reported once (the schema keeps them so that editors still flag them).
 */
const OWNED_BY_RULES: readonly string[] = [
  '#/$defs/address/pattern',
  '#/$defs/scheduleWindow/pattern',
  '#/$defs/fixedFlows/',
  // flow-direction names the link's peers in its message ("must be A->B, B->A, both or none").
  '#/$defs/flow/pattern',
];

/** Friendlier wording for the formats the schema checks by pattern. */
const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  '#/$defs/duration/pattern':
    'must be a duration: an integer and a unit s, m, h, d or w (e.g. 30d)',
  '#/$defs/serverName/pattern': 'must have no leading or trailing space and no control characters',
  '#/$defs/flow/pattern': 'must be A->B, B->A, both or none',
  '#/$defs/url/pattern': 'must be an http:// or https:// URL',
  '#/properties/secret/else/properties/env/pattern': 'must be an environment variable name',
};

/** The topology schema's validator: every error, with the failing schema part (verbose). */
export const TOPOLOGY_SCHEMA: SchemaValidatorSpec = {
  name: 'topology',
  schemaFile: 'schemas/topology.schema.json',
  createAjv: (code) => {
    const Ajv2020 = ajv2020Class();
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      strictRequired: false,
      verbose: true,
      discriminator: true,
      ...(code ? { code } : {}),
    });
    addAjvFormats(ajv);
    return ajv;
  },
};

let compiled: ValidateFunction | undefined;

/** The topology schema's validator, loaded or compiled once per process. */
export function topologyValidator(): ValidateFunction {
  return (compiled ??= loadSchemaValidator(TOPOLOGY_SCHEMA));
}

/** Validates parsed topology data against the schema and returns findings. */
export function checkTopologySchema(data: unknown): Finding[] {
  if (data === null || data === undefined) {
    return [
      {
        rule: 'schema',
        severity: 'error',
        message: 'the file is empty: a topology is a mapping with apiVersion, kind and servers',
        pointer: '',
      },
    ];
  }
  const validate = topologyValidator();
  if (validate(data)) return [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    const f = findingOf(err);
    if (!f) continue;
    const key = `${f.rule}|${f.pointer}|${f.target ?? ''}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(f);
  }
  return findings;
}

function describe(pointer: string): string {
  const segs = parseJsonPointer(pointer);
  if (segs.length === 0) return 'the topology';
  const last = segs[segs.length - 1] as string;
  const parent = segs[segs.length - 2];
  if (parent === 'servers' && segs.length === 2) return `server "${last}"`;
  if (parent === 'links' && segs.length === 2) return `link #${Number(last) + 1}`;
  return /^\d+$/.test(last) ? `${segs[segs.length - 2] ?? ''}[${last}]` : last;
}

function findingOf(err: ErrorObject): Finding | undefined {
  const at = err.instancePath;
  const p = err.params as Record<string, unknown>;
  if (OWNED_BY_RULES.some((prefix) => err.schemaPath.startsWith(prefix))) return undefined;
  switch (err.keyword) {
    case 'if':
    case 'allOf':
      return undefined; // wrappers; the failing inner keyword is reported on its own
    case 'required': {
      const field = String(p.missingProperty);
      return {
        rule: 'missing-field',
        severity: 'error',
        message: `${describe(at)} is missing required field "${field}"`,
        pointer: at,
      };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(p.additionalProperty ?? p.unevaluatedProperty);
      return {
        rule: 'schema',
        severity: 'error',
        message: `unknown key "${key}" in ${describe(at)}`,
        pointer: at + jsonPointer(key),
        target: 'key',
      };
    }
    case 'propertyNames': {
      const name = String(p.propertyName);
      return {
        rule: 'schema',
        severity: 'error',
        message: `server name ${JSON.stringify(name)} is invalid: 1 to 64 characters, no leading or trailing space, no control characters`,
        pointer: at + jsonPointer(name),
        target: 'key',
      };
    }
    default: {
      // Errors inside propertyNames carry the name being checked; the wrapper above reports it.
      if ((err as { propertyName?: string }).propertyName !== undefined) return undefined;
      return {
        rule: 'schema',
        severity: 'error',
        message: `${describe(at)} ${messageOf(err, isSecretPointer(at))}`,
        pointer: at,
      };
    }
  }
}

/** True for pointers at or inside a password, whose values must never be echoed. */
function isSecretPointer(pointer: string): boolean {
  return /\/password(\/|$)/.test(pointer);
}

function messageOf(err: ErrorObject, secret: boolean): string {
  const p = err.params as Record<string, unknown>;
  if (secret) {
    // A malformed password is still a password: say what is wrong, never what it is.
    return err.keyword === 'type'
      ? `must be a string, { env: NAME } or { file: path }, not ${Array.isArray(err.data) ? 'a list' : typeof err.data}`
      : `is not a valid secret: ${err.message ?? 'invalid'}`;
  }
  switch (err.keyword) {
    case 'type':
      return `must be ${article(String(p.type))}, not ${kindOf(err.data)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => String(v)).join(', ')} (got ${shown(err.data)})`;
    case 'const':
      return `must be "${String(p.allowedValue)}" (got ${shown(err.data)})`;
    case 'pattern':
      return PATTERN_MESSAGES[err.schemaPath] ?? `has an invalid format (got ${shown(err.data)})`;
    case 'format':
      return `must be a valid ${String(p.format)} (got ${shown(err.data)})`;
    case 'minimum':
    case 'maximum':
      return err.schemaPath.includes('/version/')
        ? `must be a Dr.Web Server major version from 10 to 13 (got ${shown(err.data)})`
        : `must be ${err.keyword === 'minimum' ? '>=' : '<='} ${String(p.limit)}`;
    case 'minLength':
      return 'must not be empty';
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'minItems':
    case 'maxItems':
      return err.schemaPath.includes('peers')
        ? 'must name exactly two servers'
        : `must have ${err.keyword === 'minItems' ? 'at least' : 'at most'} ${String(p.limit)} items`;
    case 'minProperties':
    case 'maxProperties':
      return 'must be exactly one of { env: NAME } or { file: path }';
    case 'uniqueItems':
      return 'must not list the same value twice';
    case 'not':
      return 'is not allowed here';
    default:
      return err.message ?? 'is invalid';
  }
}

function article(type: string): string {
  const t = type.replace(/,/g, ' or ');
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${shown(value)}`;
}

function shown(value: unknown): string {
  const s =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
