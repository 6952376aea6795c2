/** JSON Schema validation of the parsed data, mapped to `schema` and `missing-field` findings. */
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import {
  codePointLabel,
  hiddenCharacters,
  jsonPointer,
  parseJsonPointer,
  visibleText,
  type Finding,
} from '../model/index.js';
import { closestMatches, didYouMean } from '../util/did-you-mean.js';
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
    const f = findingOf(err, data);
    if (!f) continue;
    const key = `${f.rule}|${f.pointer}|${f.target ?? ''}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(f);
  }
  return findings;
}

/** What a pointer names, for a message: `server "A"`, `link A->B`, `licenses`, `peers[1]`. */
function describe(pointer: string, data: unknown): string {
  const segs = parseJsonPointer(pointer);
  if (segs.length === 0) return 'the topology';
  const last = segs[segs.length - 1] as string;
  const parent = segs[segs.length - 2];
  if (parent === 'servers' && segs.length === 2) return `server "${visibleText(last)}"`;
  if (parent === 'links' && segs.length === 2) return `link ${rawLinkLabel(data, Number(last))}`;
  return /^\d+$/.test(last) ? `${segs[segs.length - 2] ?? ''}[${last}]` : last;
}

function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)[key]
    : undefined;
}

/**
 * A link as other diagnostics name it, `MAIN->AUX` or `EAST<->WEST`, from data that may not match
 * the schema; `#3` (1-based), with the one end that is known, when its ends are not both given.
 */
export function rawLinkLabel(data: unknown, index: number): string {
  const raw = (field(data, 'links') as unknown[] | undefined)?.[index];
  const parentName = field(raw, 'parent');
  const childName = field(raw, 'child');
  const peers = field(raw, 'peers');
  const name = (v: unknown) => (typeof v === 'string' ? visibleText(v) : undefined);
  if (Array.isArray(peers) && peers.length === 2 && peers.every((p) => typeof p === 'string'))
    return `${name(peers[0])}<->${name(peers[1])}`;
  if (typeof parentName === 'string' && typeof childName === 'string')
    return `${name(parentName)}->${name(childName)}`;
  const known =
    typeof parentName === 'string'
      ? ` (parent ${name(parentName)})`
      : typeof childName === 'string'
        ? ` (child ${name(childName)})`
        : '';
  return `#${index + 1}${known}`;
}

/** Most characters of an invalid name shown in its message. */
const MAX_NAME_SHOWN = 32;

function describeEnd(ch: string): string {
  if (ch === ' ') return 'a space';
  const hidden = hiddenCharacters(ch)[0];
  return `${codePointLabel(ch)}${hidden ? ` (${hidden.description})` : ''}`;
}

/**
 * What is wrong with a server name, as the schema's `serverName` checks it (a test keeps the
 * two in step): length in code points, C0/DEL/C1 control characters, whitespace at either end.
 */
export function serverNameProblems(name: string): string[] {
  const chars = [...name];
  if (chars.length === 0) return ['is empty'];
  const out: string[] = [];
  if (/^\s/u.test(name)) out.push(`starts with ${describeEnd(chars[0]!)}`);
  if (/\s$/u.test(name) && !(chars.length === 1 && out.length > 0))
    out.push(`ends with ${describeEnd(chars[chars.length - 1]!)}`);
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const controls = [...new Set(chars.filter((c) => /[\u0000-\u001f\u007f-\u009f]/.test(c)))];
  if (controls.length > 0)
    out.push(
      `contains the control character${controls.length > 1 ? 's' : ''} ${controls.map(codePointLabel).join(', ')}`,
    );
  if (chars.length > 64) out.push(`is ${chars.length} characters long`);
  return out;
}

function shownName(name: string): string {
  const chars = [...name];
  const cut = chars.length > MAX_NAME_SHOWN ? chars.slice(0, MAX_NAME_SHOWN).join('') + '…' : name;
  return `"${visibleText(cut)}"`;
}

let schemaDocument: unknown;

/** The topology schema as data, read on first use (only to suggest keys). */
function schemaDoc(): unknown {
  return (schemaDocument ??= JSON.parse(readFileSync(TOPOLOGY_SCHEMA_PATH, 'utf8')) as unknown);
}

/** The schema node at a schema path such as `#/$defs/server`. */
function schemaNode(ref: string): unknown {
  let node = schemaDoc();
  for (const seg of parseJsonPointer(ref.replace(/^#/, ''))) node = field(node, seg);
  return node;
}

/** The keys a schema object allows: its `properties` and those of the schemas it includes. */
function propertiesOf(node: unknown, depth = 0): string[] {
  const own = Object.keys((field(node, 'properties') as object | undefined) ?? {});
  const all = field(node, 'allOf');
  if (!Array.isArray(all) || depth > 4) return own;
  const included = all.flatMap((sub) => {
    const ref = field(sub, '$ref');
    return propertiesOf(typeof ref === 'string' ? schemaNode(ref) : sub, depth + 1);
  });
  return [...new Set([...own, ...included])];
}

/**
 * A hint for an unknown key: the nearest allowed key of the object it is in (`parentSchema`, the
 * schema object that rejected it), or, on a link, that the key belongs to the other kind of link.
 */
function unknownKeyHint(key: string, objectSchema: unknown): string {
  const allowed = propertiesOf(objectSchema);
  const near = closestMatches(key, allowed);
  if (near.length > 0) return didYouMean(near);
  const other = allowed.includes('peers')
    ? { ref: '#/$defs/parentChildLink', name: 'parent/child links' }
    : allowed.includes('parent')
      ? { ref: '#/$defs/peerLink', name: 'peer links' }
      : undefined;
  if (other && propertiesOf(schemaNode(other.ref)).includes(key))
    return ` ("${visibleText(key)}" belongs to ${other.name})`;
  return '';
}

function findingOf(err: ErrorObject, data: unknown): Finding | undefined {
  const at = err.instancePath;
  const p = err.params as Record<string, unknown>;
  if (OWNED_BY_RULES.some((prefix) => err.schemaPath.startsWith(prefix))) return undefined;
  switch (err.keyword) {
    case 'if':
    case 'allOf':
      return undefined; // wrappers; the failing inner keyword is reported on its own
    case 'required': {
      const missing = String(p.missingProperty);
      return {
        rule: 'missing-field',
        severity: 'error',
        message: `${describe(at, data)} is missing required field "${missing}"`,
        pointer: at,
      };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(p.additionalProperty ?? p.unevaluatedProperty);
      if (isSecretPointer(at)) {
        // A key inside a password mapping may be the password itself (`password: {hunter2}`):
        // neither the message nor the pointer repeats it.
        return {
          rule: 'schema',
          severity: 'error',
          message: `password has an unknown key: it must be { env: NAME } or { file: path }${didYouMean(closestMatches(key, ['env', 'file']))}`,
          pointer: at,
        };
      }
      return {
        rule: 'schema',
        severity: 'error',
        message: `unknown key "${visibleText(key)}" in ${describe(at, data)}${unknownKeyHint(key, err.parentSchema)}`,
        pointer: at + jsonPointer(key),
        target: 'key',
      };
    }
    case 'propertyNames': {
      const name = String(p.propertyName);
      const problems = serverNameProblems(name);
      const what = problems.length > 0 ? problems.join(' and ') : 'is invalid';
      return {
        rule: 'schema',
        severity: 'error',
        message: `server name ${shownName(name)} ${what}: names are 1 to 64 characters, with no control characters and no space at either end`,
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
        message: `${describe(at, data)} ${messageOf(err, isSecretPointer(at))}`,
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
