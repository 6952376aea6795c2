/** schemas/topology.schema.json: a valid draft 2020-12 schema that every example satisfies. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

// ajv-formats is CommonJS: under ESM its plugin function is the `default` of module.exports.
const addFormats = ajvFormats.default;
const SCHEMA_PATH = path.join(REPO_ROOT, 'schemas', 'topology.schema.json');
const MODELINE = /^# yaml-language-server: \$schema=(\S+)\s*$/;

let schema: Record<string, unknown>;
let examples: string[] = [];

/**
 * Every topology file under examples/ (a YAML file with `apiVersion: avnet/...`; other YAML
 * there, such as CI workflows, is not a topology), relative to the repository.
 */
async function exampleFiles(dir = 'examples'): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'state' || entry.name === 'certs') continue;
      out.push(...(await exampleFiles(rel)));
    } else if (/\.ya?ml$/.test(entry.name)) {
      const text = await readFile(path.join(REPO_ROOT, rel), 'utf8');
      if (/^apiVersion:\s*avnet\//m.test(text)) out.push(rel);
    }
  }
  return out.sort();
}

function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

beforeAll(async () => {
  schema = JSON.parse(await readFile(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  examples = await exampleFiles();
});

describe('the topology JSON Schema', () => {
  it('is draft 2020-12 and valid against its meta-schema', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = strictAjv();
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('compiles in strict mode', () => {
    expect(() => strictAjv().compile(schema)).not.toThrow();
  });

  it('finds the examples (so the tests below check something)', () => {
    expect(examples).toEqual(
      expect.arrayContaining(['examples/basic/topology.yaml', 'examples/enterprise/topology.yaml']),
    );
    expect(examples.filter((e) => e.startsWith('examples/broken/')).length).toBeGreaterThan(5);
  });

  it('accepts every example except the broken ones', async () => {
    const validate = strictAjv().compile(schema);
    const good = examples.filter((e) => !e.startsWith('examples/broken/'));
    expect(good.length).toBeGreaterThanOrEqual(2);
    for (const file of good) {
      const data = parse(await readFile(path.join(REPO_ROOT, file), 'utf8')) as unknown;
      expect(validate(data), `${file}: ${JSON.stringify(validate.errors, null, 2)}`).toBe(true);
    }
  });

  it('rejects the broken examples that break the schema itself', async () => {
    const validate = strictAjv().compile(schema);
    for (const file of [
      'examples/broken/missing-fields.yaml',
      'examples/broken/unknown-server.yaml',
    ]) {
      const data = parse(await readFile(path.join(REPO_ROOT, file), 'utf8')) as unknown;
      expect(validate(data), file).toBe(false);
    }
  });

  it('is named by a modeline at the top of every example file', async () => {
    for (const file of examples) {
      const first = (await readFile(path.join(REPO_ROOT, file), 'utf8')).split('\n')[0] ?? '';
      const m = MODELINE.exec(first);
      expect(m, `${file} must start with # yaml-language-server: $schema=...`).not.toBeNull();
      const target = path.resolve(REPO_ROOT, path.dirname(file), m![1]!);
      expect(target, file).toBe(SCHEMA_PATH);
    }
  });
});
