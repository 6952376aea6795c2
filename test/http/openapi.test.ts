/**
 * schemas/drweb-api.openapi.yaml documents what the emulator serves: every script with its method,
 * every error number, and response bodies that validate against the documented schemas.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCRIPTS, ERRNO, HttpBackend } from '../../src/backends/index.js';
import { quietContext } from '../../src/model/index.js';
import type { Simulation } from '../../src/sim/index.js';
import { sampleEntry } from '../backends/contract.js';
import {
  ADMIN,
  REPO,
  generateTopology,
  serverYaml,
  simulate,
  type GeneratedTopology,
} from '../sim/helpers.js';

const addFormats = ajvFormats.default;
const SPEC_FILE = path.join(REPO, 'schemas', 'drweb-api.openapi.yaml');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = parse(readFileSync(SPEC_FILE, 'utf8')) as any;
const BASE = 'https://avnet.dev/schemas/drweb-api.openapi.yaml';

function validator(component: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(
    JSON.parse(readFileSync(path.join(REPO, 'schemas', 'server-state.schema.json'), 'utf8')),
  );
  ajv.addSchema({ $id: BASE, components: spec.components });
  const v = ajv.getSchema(`${BASE}#/components/schemas/${component}`);
  if (!v) throw new Error(`no schema ${component}`);
  return v;
}

let topo: GeneratedTopology;
let sim: Simulation;

beforeAll(async () => {
  topo = await generateTopology(['A', 'B'], (t) =>
    [
      'apiVersion: avnet/v1',
      'kind: Topology',
      'servers:',
      serverYaml(t, 'A'),
      serverYaml(t, 'B'),
      '',
    ].join('\n'),
  );
  sim = await simulate(topo.file);
});
afterAll(async () => {
  await sim?.stop();
  await topo?.cleanup();
});

describe('drweb-api.openapi.yaml', () => {
  it('is OpenAPI 3.1 and documents every script with its method', () => {
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
  });

  it('matches what the emulator answers', async () => {
    const ctx = quietContext();
    const b = new HttpBackend({
      endpoints: ['A', 'B'].map((n) => ({ name: n, version: 13, api: topo.api(n) })),
      client: { ...ADMIN, ca: sim.caPem },
    });
    try {
      await b.applyChange(
        'A',
        { expectedRevision: 0, protocol: 'enabled', upsert: [sampleEntry('B')] },
        ctx,
      );
      const call = <T>(script: (typeof API_SCRIPTS)[keyof typeof API_SCRIPTS]) =>
        b.client.call<T>({ server: 'A', baseUrl: topo.api('A'), script, method: 'GET' }, ctx);
      const checks: [string, unknown][] = [
        ['SummaryEnvelope', await call(API_SCRIPTS.summary)],
        ['StateEnvelope', await call(API_SCRIPTS.state)],
        ['StatusEnvelope', await call(API_SCRIPTS.status)],
      ];
      const conflict = await b.client
        .call(
          {
            server: 'A',
            baseUrl: topo.api('A'),
            script: API_SCRIPTS.restart,
            method: 'POST',
            body: {},
            ifMatch: 0,
          },
          ctx,
        )
        .catch((e: { envelope: unknown }) => e.envelope);
      checks.push(['ConflictEnvelope', conflict]);
      // The schemas do constrain: a broken state or a missing head fails.
      const state = checks[1]![1] as { head: unknown; data: object };
      expect(
        validator('StateEnvelope')({ ...state, data: { ...state.data, protocol: 'on' } }),
      ).toBe(false);
      expect(
        validator('SummaryEnvelope')({ data: (checks[0]![1] as { data: unknown }).data }),
      ).toBe(false);
      for (const [name, body] of checks) {
        const v = validator(name);
        expect(v(body), `${name}: ${JSON.stringify(v.errors)}`).toBe(true);
      }
    } finally {
      await b.close();
    }
  });
});
