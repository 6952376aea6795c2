import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { STATE_SCHEMA } from '../../src/backends/dir/state-file.js';
import { TOPOLOGY_SCHEMA } from '../../src/load/schema-check.js';
import { SAVED_PLAN_SCHEMA } from '../../src/plan/saved-plan.js';
import { packageFile } from '../../src/util/package-root.js';
import { standaloneValidatorSource } from '../../src/util/schema-standalone.js';
import type { SchemaValidatorSpec } from '../../src/util/schema-validator.js';

/** Evaluates standalone source as the build's .cjs file would be, resolving from the package. */
function loadStandalone(source: string): ValidateFunction & { schemaSha256?: string } {
  const module = { exports: {} as unknown };
  const requireFromPackage = createRequire(packageFile('package.json'));
  new Function('module', 'exports', 'require', source)(module, module.exports, requireFromPackage);
  return module.exports as ValidateFunction & { schemaSha256?: string };
}

function runtimeValidator(spec: SchemaValidatorSpec): ValidateFunction {
  return spec
    .createAjv()
    .compile(JSON.parse(readFileSync(packageFile(spec.schemaFile), 'utf8')) as object);
}

/** Result and errors of a validator, comparable across the two ways of making it. */
function outcome(v: ValidateFunction, data: unknown): unknown {
  const ok = v(structuredClone(data));
  return { ok, errors: v.errors ?? null };
}

function yamlFiles(dir: string): unknown[] {
  return readdirSync(packageFile(dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(packageFile(`${dir}/${f}`), 'utf8')) as unknown);
}

describe('precompiled schema validators', () => {
  const topologies = [
    ...yamlFiles('examples/basic'),
    ...yamlFiles('examples/enterprise'),
    ...yamlFiles('examples/broken'),
  ];

  it('report exactly what Ajv reports at run time, on every example topology', () => {
    const standalone = loadStandalone(standaloneValidatorSource(TOPOLOGY_SCHEMA));
    const runtime = runtimeValidator(TOPOLOGY_SCHEMA);
    expect(topologies.length).toBeGreaterThan(10);
    let invalid = 0;
    for (const t of topologies) {
      const want = outcome(runtime, t);
      expect(outcome(standalone, t)).toEqual(want);
      if (!(want as { ok: boolean }).ok) invalid++;
    }
    expect(invalid).toBeGreaterThan(0); // the comparison covered failures too
  });

  it('agree on random changes of the examples (property)', () => {
    const standalone = loadStandalone(standaloneValidatorSource(TOPOLOGY_SCHEMA));
    const runtime = runtimeValidator(TOPOLOGY_SCHEMA);
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.object());
    fc.assert(
      fc.property(
        fc.constantFrom(...topologies),
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), value), { minLength: 1, maxLength: 4 }),
        (base, edits) => {
          const doc = structuredClone(base) as { servers?: Record<string, unknown> };
          const servers = Object.values(doc.servers ?? {});
          for (const [i, [key, v]] of edits.entries()) {
            const target = (servers[i % Math.max(1, servers.length)] ?? doc) as Record<
              string,
              unknown
            >;
            target[key || 'address'] = v;
          }
          expect(outcome(standalone, doc)).toEqual(outcome(runtime, doc));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('agree on state files and saved plans, valid and broken', () => {
    // Committed scenario fixtures (examples/*/state/ is made by the quick start, not committed).
    const dir = 'test/plan-formats/link-removed/state';
    const states = readdirSync(packageFile(dir))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(packageFile(`${dir}/${f}`), 'utf8')));
    const broken = states.map((s: Record<string, unknown>) => ({ ...s, revision: -1 }));
    for (const spec of [STATE_SCHEMA, SAVED_PLAN_SCHEMA]) {
      const standalone = loadStandalone(standaloneValidatorSource(spec));
      const runtime = runtimeValidator(spec);
      for (const doc of [...states, ...broken, {}, [], 'x']) {
        expect(outcome(standalone, doc)).toEqual(outcome(runtime, doc));
      }
    }
    const state = loadStandalone(standaloneValidatorSource(STATE_SCHEMA));
    expect(states.length).toBeGreaterThan(0);
    for (const s of states) expect(state(s)).toBe(true);
    for (const s of broken) expect(state(s)).toBe(false);
  });

  it('are stamped with the hash of the schema they were made from', () => {
    const source = standaloneValidatorSource(STATE_SCHEMA);
    expect(loadStandalone(source).schemaSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(source).toContain('schemas/server-state.schema.json');
  });
});
