/**
 * schemas/drweb-api.openapi.yaml against a running emulator, driven by the document itself: every
 * operation (path + method) it lists is walked, so an operation added to the document is exercised
 * without touching this file, and the document and the server must agree both ways:
 *
 * - a valid request (the operation's request-body example, at the server's current revision)
 *   answers a documented 2xx whose body and headers validate against the documented response;
 * - the documented error cases are provoked (credentials, bad `format`, malformed body and
 *   If-Match, stale and missing revision, reused Idempotency-Key, body too large, unavailable,
 *   missing and existing entries), each answer documented for that operation and valid against
 *   its schema, and every status the operation documents is seen at least once;
 * - every method a path does not list is answered 405 with `Allow` (the `MethodNotAllowed`
 *   response), and a path that is no script 404 (`UnknownScript`);
 * - request bodies and `format` values fuzzed from the schemas (fast-check, bounded) never get a
 *   5xx or an undocumented status, and a body the request schema refuses is always a 400.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCRIPTS, ERRNO } from '../../src/backends/index.js';
import type { Simulation } from '../../src/sim/index.js';
import {
  ADMIN,
  REPO,
  generateTopology,
  serverYaml,
  simulate,
  type GeneratedTopology,
} from '../sim/helpers.js';
import { fuzzFor, type RefResolver, type Schema } from './schema-arbitrary.js';

const addFormats = ajvFormats.default;
const SPEC_FILE = path.join(REPO, 'schemas', 'drweb-api.openapi.yaml');
const STATE_FILE = path.join(REPO, 'schemas', 'server-state.schema.json');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = parse(readFileSync(SPEC_FILE, 'utf8')) as any;
const stateSchema = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as Schema & { $id: string };
const BASE = 'https://avnet.dev/schemas/drweb-api.openapi.yaml';
/** Every method an HTTP client may send to a path (CONNECT is not a request to a resource). */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const SERVER = 'MAIN';
const BASIC = 'Basic ' + Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64');
/** Over the emulator's 8 MiB body limit. */
const TOO_LARGE = 8 * 1024 * 1024 + 1;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(stateSchema);
ajv.addSchema({ $id: BASE, components: spec.components, paths: spec.paths });

/** A JSON pointer segment. */
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The validator of the schema at a JSON pointer of the document. */
function validatorAt(pointer: string): ValidateFunction {
  const v = ajv.getSchema(`${BASE}#${pointer}`);
  if (!v) throw new Error(`no schema at ${pointer}`);
  return v;
}

/** Follows `$ref`s inside the document; returns the object and its JSON pointer. */
function deref(obj: Schema, pointer: string): { obj: Schema; pointer: string } {
  while (typeof obj.$ref === 'string') {
    const ref = obj.$ref;
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref} outside a schema`);
    pointer = ref.slice(1);
    obj = ref
      .slice(2)
      .split('/')
      .reduce<Schema>(
        (o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')] as Schema,
        spec as Schema,
      );
  }
  return { obj, pointer };
}

/** Resolves schema `$ref`s inside a document (the OpenAPI one, or server-state.schema.json). */
function resolverIn(doc: Schema): RefResolver {
  return (ref) => {
    const [file, fragment = ''] = ref.split('#');
    if (file !== '' && !file!.endsWith('server-state.schema.json')) throw new Error(ref);
    const root = file === '' ? doc : stateSchema;
    let schema = root;
    for (const k of fragment.split('/').filter(Boolean)) schema = schema[k] as Schema;
    return { schema, resolve: resolverIn(root) };
  };
}

interface DocumentedResponse {
  readonly pointer: string;
  readonly response: Schema;
}

interface Operation {
  readonly id: string;
  readonly path: string;
  readonly method: (typeof METHODS)[number];
  readonly pathMethods: readonly string[];
  readonly params: ReadonlySet<string>;
  readonly responses: ReadonlyMap<number, DocumentedResponse>;
  readonly body?: {
    readonly required: boolean;
    readonly schemaPointer: string;
    readonly schema: Schema;
    readonly examples: readonly Record<string, unknown>[];
  };
}

/** Every operation of the document, as the walk needs it. */
function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [p, item] of Object.entries(spec.paths as Record<string, Schema>)) {
    const pathMethods = METHODS.filter((m) => m in item);
    for (const method of pathMethods) {
      const opPointer = `/paths/${esc(p)}/${method}`;
      const op = item[method] as Schema;
      const params = new Set(
        ((op.parameters as Schema[] | undefined) ?? []).map((x) => deref(x, '').obj.name as string),
      );
      const responses = new Map<number, DocumentedResponse>();
      for (const [code, r] of Object.entries(op.responses as Record<string, Schema>)) {
        const d = deref(r, `${opPointer}/responses/${code}`);
        responses.set(Number(code), { pointer: d.pointer, response: d.obj });
      }
      let body: Operation['body'];
      if (op.requestBody) {
        const rb = deref(op.requestBody as Schema, `${opPointer}/requestBody`);
        const media = (rb.obj.content as Record<string, Schema>)['application/json']!;
        body = {
          required: rb.obj.required === true,
          schemaPointer: `${rb.pointer}/content/application~1json/schema`,
          schema: media.schema as Schema,
          examples: Object.values((media.examples as Record<string, Schema> | undefined) ?? {}).map(
            (e) => deref(e, '').obj.value as Record<string, unknown>,
          ),
        };
      }
      out.push({
        id: `${method.toUpperCase()} ${p}`,
        path: p,
        method,
        pathMethods: pathMethods.map((m) => m.toUpperCase()),
        params,
        responses,
        body,
      });
    }
  }
  return out;
}

const OPERATIONS = operations();

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: unknown;
}

interface RequestOptions {
  readonly auth?: string | null;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** A value to send as JSON, or raw text. */
  readonly body?: unknown;
  readonly raw?: string;
}

let topo: GeneratedTopology;
let sim: Simulation;
let agent: https.Agent;

function send(method: string, p: string, opts: RequestOptions = {}): Promise<Answer> {
  const url = new URL(p, topo.api(SERVER));
  for (const [k, v] of Object.entries(opts.query ?? { format: 'json' })) url.searchParams.set(k, v);
  const payload =
    opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) ?? undefined;
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method: method.toUpperCase(),
      agent,
      headers: {
        ...(opts.auth === null ? {} : { Authorization: opts.auth ?? BASIC }),
        // An explicit length: Node frames a GET/DELETE/OPTIONS body without one otherwise.
        ...(payload !== undefined
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {}),
        ...opts.headers,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.end(payload);
  });
}

/** The server's state through the API (its revision, entries). */
async function current(): Promise<{
  revision: number;
  neighbors: { name: string }[];
  protocol: string;
}> {
  const r = await send('GET', '/api/neighbors/state.ds');
  expect(r.status).toBe(200);
  return (r.json as { data: { revision: number; neighbors: { name: string }[]; protocol: string } })
    .data;
}

/** Entries the request examples rely on: the ones they replace and delete exist beforehand. */
const FIXTURE = ['AUXILIARY', 'OLD-BRANCH'].map((name) => ({
  name,
  type: 'child',
  password: `fixture-${name}`,
  address: null,
}));

/** Brings the server to the fixture's entries (and only those) through the API itself. */
async function reset(entries: readonly { name: string }[] = FIXTURE): Promise<number> {
  const s = await current();
  const keep = new Set(entries.map((e) => e.name));
  const r = await send('POST', '/api/neighbors/apply.ds', {
    body: {
      revision: s.revision,
      upsert: entries,
      remove: s.neighbors.map((e) => e.name).filter((n) => !keep.has(n)),
    },
  });
  expect(r.status, r.text).toBe(200);
  return (r.json as { data: { revision: number } }).data.revision;
}

/** The operation's valid body at a revision (its first example, revision replaced). */
function validBody(op: Operation, revision: number | undefined): Record<string, unknown> {
  const { revision: _planned, ...rest } = op.body!.examples[0]!;
  return revision === undefined ? rest : { ...rest, revision };
}

/**
 * Checks an answer against the operation's documentation: its status is listed, its body
 * validates against the listed schema, every listed header is there and valid. Returns the status.
 */
function checkDocumented(op: Operation, a: Answer, what: string, unavailable = false): number {
  if (unavailable) expect(a.status, `${op.id} ${what}`).toBe(503);
  else expect(a.status, `${op.id} ${what}: a server error: ${a.text}`).toBeLessThan(500);
  const doc = op.responses.get(a.status);
  expect(doc, `${op.id} ${what}: ${a.status} is not documented (${a.text})`).toBeDefined();
  checkResponse(doc!, a, `${op.id} ${what}`);
  return a.status;
}

function checkResponse(doc: DocumentedResponse, a: Answer, what: string): void {
  const content = doc.response.content as Record<string, Schema> | undefined;
  if (content) {
    expect(a.headers['content-type'], what).toMatch(/^application\/json/);
    const v = validatorAt(`${doc.pointer}/content/application~1json/schema`);
    expect(v(a.json), `${what}: body ${a.text} ${JSON.stringify(v.errors)}`).toBe(true);
  }
  for (const [name, h] of Object.entries((doc.response.headers as Record<string, Schema>) ?? {})) {
    const header = deref(h, `${doc.pointer}/headers/${name}`);
    const value = a.headers[name.toLowerCase()];
    expect(value, `${what}: header ${name} missing`).toBeDefined();
    const v = validatorAt(`${header.pointer}/schema`);
    expect(v(value), `${what}: header ${name}: ${String(value)}`).toBe(true);
  }
}

/** The documented answer to a method a path does not list. */
const METHOD_NOT_ALLOWED: DocumentedResponse = {
  pointer: '/components/responses/MethodNotAllowed',
  response: spec.components.responses.MethodNotAllowed as Schema,
};
const UNKNOWN_SCRIPT: DocumentedResponse = {
  pointer: '/components/responses/UnknownScript',
  response: spec.components.responses.UnknownScript as Schema,
};

beforeAll(async () => {
  topo = await generateTopology([SERVER, 'AUXILIARY'], (t) =>
    [
      'apiVersion: avnet/v1',
      'kind: Topology',
      'servers:',
      serverYaml(t, SERVER),
      serverYaml(t, 'AUXILIARY'),
      '',
    ].join('\n'),
  );
  sim = await simulate(topo.file);
  agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca: sim.caPem });
});
afterAll(async () => {
  agent?.destroy();
  await sim?.stop();
  await topo?.cleanup();
});

describe('drweb-api.openapi.yaml', () => {
  it('is OpenAPI 3.1 and documents every script with its method and every error number', () => {
    expect(spec.openapi).toMatch(/^3\.1\./);
    const reads = new Set<string>([API_SCRIPTS.summary, API_SCRIPTS.state, API_SCRIPTS.status]);
    for (const script of Object.values(API_SCRIPTS)) {
      const item = spec.paths[`/api/${script}.ds`];
      expect(item, script).toBeDefined();
      expect(Object.keys(item)).toEqual([reads.has(script) ? 'get' : 'post']);
    }
    expect(Object.keys(spec.paths)).toHaveLength(Object.keys(API_SCRIPTS).length);
    for (const { errno, status } of Object.values(ERRNO)) {
      expect(spec.info.description).toMatch(new RegExp(`\\b${errno} [a-z][^(]*\\(${status}`));
    }
    expect(OPERATIONS.length).toBe(Object.keys(API_SCRIPTS).length);
  });

  it('has a request example for every request body, valid against its schema', () => {
    for (const op of OPERATIONS.filter((o) => o.body)) {
      expect(op.body!.examples.length, `${op.id} has no request example`).toBeGreaterThan(0);
      const v = validatorAt(op.body!.schemaPointer);
      for (const e of op.body!.examples) {
        expect(v(e), `${op.id} example: ${JSON.stringify(v.errors)}`).toBe(true);
      }
    }
  });

  it('has schemas that constrain: a broken state or a missing head fails', async () => {
    const state = await send('GET', '/api/neighbors/state.ds');
    const v = validatorAt('/components/schemas/StateEnvelope');
    const body = state.json as { head: unknown; data: object };
    expect(v(body)).toBe(true);
    expect(v({ ...body, data: { ...body.data, protocol: 'on' } })).toBe(false);
    expect(validatorAt('/components/schemas/SummaryEnvelope')({ data: {} })).toBe(false);
  });

  describe.each(OPERATIONS)('$id', (op) => {
    it(
      'answers a valid request and every documented error, each as documented',
      { timeout: 60_000 },
      async () => {
        const seen = new Set<number>();
        const note = (a: Answer, what: string, unavailable = false) =>
          seen.add(checkDocumented(op, a, what, unavailable));
        const isWrite = op.params.has('If-Match');
        const at = async (revision: number | undefined, opts: RequestOptions = {}) =>
          send(op.method, op.path, {
            ...(op.body ? { body: validBody(op, revision) } : {}),
            ...opts,
          });

        // The valid request, then the same one again with its Idempotency-Key (answered from
        // memory), then another request with that key.
        const revision = await reset();
        const key = `contract-${op.id}-${Date.now()}`;
        const keyed = op.params.has('Idempotency-Key') ? { 'Idempotency-Key': key } : undefined;
        const ok = await at(revision, { headers: keyed });
        note(ok, 'valid request');
        expect(ok.status, `${op.id}: the valid request: ${ok.text}`).toBeLessThan(300);
        if (keyed) {
          const replay = await at(revision, { headers: keyed });
          expect([replay.status, replay.json]).toEqual([ok.status, ok.json]);
          const reused = await at(revision + 100, { headers: keyed });
          note(reused, 'reused Idempotency-Key');
          expect(reused.status).toBe(422);
          const long = await at(revision + 1, { headers: { 'Idempotency-Key': 'k'.repeat(201) } });
          note(long, 'an Idempotency-Key over 200 characters');
          expect(long.status).toBe(400);
        }

        // Credentials: none, and wrong ones.
        note(await at(undefined, { auth: null }), 'without credentials');
        const wrong = 'Basic ' + Buffer.from(`${ADMIN.user}:not-it`).toString('base64');
        const refused = await at(undefined, { auth: wrong });
        note(refused, 'with wrong credentials');
        expect(refused.status).toBe(401);
        expect(refused.headers['www-authenticate']).toBeUndefined();

        if (op.params.has('format')) {
          const xml = await at((await current()).revision, { query: { format: 'xml' } });
          note(xml, 'format=xml');
          expect(xml.status).toBe(406);
        }

        // Unavailable: nothing is done, whatever the request.
        const before = (await current()).revision;
        sim.faults.set({ errorRate: 1 });
        try {
          note(await at(before), 'while unavailable', true);
        } finally {
          sim.faults.set({ errorRate: 0 });
        }

        if (op.body) {
          const rev = await reset();
          const ifMatch = { 'If-Match': `"${rev}"` };
          const malformed: [string, RequestOptions][] = [
            ['a body that is not JSON', { raw: '{"revision": ', headers: ifMatch }],
            ['a body that is not an object', { body: [validBody(op, rev)], headers: ifMatch }],
            [
              'a revision that is not an integer',
              { body: { ...validBody(op, rev), revision: '3' } },
            ],
          ];
          if (op.body.required) malformed.push(['no body', { raw: '', headers: ifMatch }]);
          for (const [what, opts] of malformed) {
            const a = await at(rev, opts);
            note(a, what);
            expect(a.status, what).toBe(400);
          }
          const big = await at(rev, { raw: `{"pad":"${'x'.repeat(TOO_LARGE)}"}` });
          note(big, 'a body over the limit');
          expect(big.status).toBe(413);
        }

        if (isWrite) {
          const rev = await reset();
          const stale = await at(undefined, { headers: { 'If-Match': `"${rev + 1}"` } });
          note(stale, 'a stale If-Match');
          expect(stale.status).toBe(412);
          expect((stale.json as { data: { revision: number } }).data.revision).toBe(rev);
          const staleBody = await at(rev - 1);
          note(staleBody, 'a stale revision field');
          expect(staleBody.status).toBe(412);
          const none = await at(undefined);
          note(none, 'no revision at all');
          expect(none.status).toBe(428);
          for (const bad of ['"three"', '*', '"1", "2"']) {
            const a = await at(undefined, { headers: { 'If-Match': bad } });
            note(a, `If-Match ${bad}`);
            expect(a.status).toBe(400);
          }
          const disagree = await at(rev, { headers: { 'If-Match': `"${rev + 1}"` } });
          note(disagree, 'If-Match and revision disagreeing');
          expect(disagree.status).toBe(400);
          expect((await current()).revision, 'nothing was written').toBe(rev);

          // The entries the example names: missing (a server without entries), then existing
          // (the same request twice).
          const empty = await reset([]);
          note(await at(empty), 'on a server without entries');
          const again = await reset();
          note(await at(again), 'once');
          note(await at(again + 1), 'twice');
        }

        // Every status the document lists for this operation was answered at least once.
        expect([...seen].sort(), op.id).toEqual([...op.responses.keys()].sort());
      },
    );

    it('answers every method the path does not list with 405 and Allow', async () => {
      const others = METHODS.filter((m) => !op.pathMethods.includes(m.toUpperCase()));
      expect(others.length).toBeGreaterThan(0);
      for (const m of others) {
        const a = await send(m, op.path, m === 'get' || m === 'head' ? {} : { body: {} });
        expect(a.status, `${m.toUpperCase()} ${op.path}`).toBe(405);
        expect(a.headers.allow).toBe(op.pathMethods.join(', '));
        if (m !== 'head') checkResponse(METHOD_NOT_ALLOWED, a, `${m.toUpperCase()} ${op.path}`);
      }
    });

    it('never answers a fuzzed request with a 5xx or an undocumented status', async () => {
      if (!op.body) {
        // Reads take no body: fuzz the one parameter they read.
        await fc.assert(
          fc.asyncProperty(fc.string({ maxLength: 6 }), async (format) => {
            const a = await send(op.method, op.path, { query: { format } });
            checkDocumented(op, a, `format=${JSON.stringify(format)}`);
            expect(a.status).toBe(format === 'json' ? 200 : 406);
          }),
          { numRuns: 20 },
        );
        return;
      }
      const requestValid = validatorAt(op.body.schemaPointer);
      const bodies = fuzzFor(op.body.schema, resolverIn(spec as Schema));
      // Mostly revisions that agree, so that fuzzed bodies get past the precondition checks.
      const revisionChoice = fc.constantFrom('absent', 'absent', 'current', 'as generated');
      const ifMatchChoice = fc.oneof(
        { arbitrary: fc.constantFrom('current', 'absent'), weight: 6 },
        { arbitrary: fc.constant('stale'), weight: 1 },
        { arbitrary: fc.stringMatching(/^[!-~]{1,8}$/), weight: 1 },
      );
      await fc.assert(
        fc.asyncProperty(bodies, revisionChoice, ifMatchChoice, async (raw, rc, im) => {
          const { revision } = await current();
          let body = raw;
          if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
            const { revision: generated, ...rest } = body as Record<string, unknown>;
            body =
              rc === 'absent'
                ? rest
                : rc === 'current'
                  ? { ...rest, revision }
                  : generated === undefined
                    ? rest
                    : { ...rest, revision: generated };
          }
          const headers: Record<string, string> = {};
          if (im === 'current') headers['If-Match'] = `"${revision}"`;
          else if (im === 'stale') headers['If-Match'] = `"${revision + 1}"`;
          else if (im !== 'absent') headers['If-Match'] = im;
          const a = await send(op.method, op.path, { body, headers });
          const what = `body ${JSON.stringify(body)} If-Match ${headers['If-Match'] ?? '-'}`;
          checkDocumented(op, a, what);
          if (!requestValid(body)) {
            expect(a.status, `${what}: the schema refuses it, the server answered ${a.text}`).toBe(
              400,
            );
          } else if (a.status === 400) {
            // Beyond the schema: the refusals the document lists for a well-formed body.
            expect((a.json as { error: { message: string } }).error.message, what).toMatch(
              /own neighbor|twice|also names|If-Match/,
            );
          }
        }),
        { numRuns: 40 },
      );
    });
  });

  it('answers a path that is no script with 404 (UnknownScript)', async () => {
    for (const [method, p] of [
      ['GET', '/api/server/nothing.ds'],
      ['POST', '/api/neighbors/apply'],
      ['GET', '/status'],
    ] as const) {
      const a = await send(method, p, method === 'POST' ? { body: {} } : {});
      expect(a.status, `${method} ${p}`).toBe(404);
      expect((a.json as { error: { errno: number } }).error.errno).toBe(ERRNO.unknownScript.errno);
      checkResponse(UNKNOWN_SCRIPT, a, `${method} ${p}`);
    }
  });
});
