/**
 * fast-check arbitraries made from JSON Schemas (the subset schemas/ uses: $ref, oneOf/anyOf, enum,
 * const, type or a list of types, properties/required, items, minLength, minimum/maximum), and a
 * mutation that makes mostly-valid values invalid in one place, so fuzzing reaches past the first
 * check of a request.
 */
import fc from 'fast-check';

/** A JSON Schema, loosely typed (the documents are read from YAML/JSON). */
export type Schema = Record<string, unknown>;

/** Resolves a `$ref` to the schema it names, and the resolver for `$ref`s inside that one. */
export type RefResolver = (ref: string) => { schema: Schema; resolve: RefResolver };

function forType(type: string, schema: Schema, resolve: RefResolver, depth: number) {
  switch (type) {
    case 'string': {
      const minLength = (schema.minLength as number | undefined) ?? 0;
      return fc.string({ minLength, maxLength: Math.max(minLength, 8) });
    }
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number | undefined) ?? -3,
        max: (schema.maximum as number | undefined) ?? 40,
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(
        schema.items ? arbitraryFor(schema.items as Schema, resolve, depth + 1) : fc.jsonValue(),
        { maxLength: depth > 2 ? 0 : 3 },
      );
    case 'object': {
      const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) record[k] = arbitraryFor(v, resolve, depth + 1);
      return fc.record(record, { requiredKeys: (schema.required as string[] | undefined) ?? [] });
    }
    default:
      throw new Error(`schema-arbitrary: unsupported type ${type}`);
  }
}

/** Values that (mostly) validate against `schema`. */
export function arbitraryFor(
  schema: Schema,
  resolve: RefResolver,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === 'string') {
    const target = resolve(schema.$ref);
    return arbitraryFor(target.schema, target.resolve, depth);
  }
  const alternatives = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((s) => arbitraryFor(s, resolve, depth)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
  if (types[0] === undefined) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((t) => forType(t as string, schema, resolve, depth)));
}

/** Replaces one value somewhere inside `value` (chosen by `pick`) with `junk`, or drops a key. */
function mutate(value: unknown, junk: unknown, pick: number): unknown {
  if (Array.isArray(value) && value.length > 0) {
    const i = pick % value.length;
    const copy = [...value];
    copy[i] = mutate(copy[i], junk, Math.floor(pick / value.length));
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 0) return junk;
    const k = keys[pick % keys.length]!;
    const copy = { ...(value as Record<string, unknown>) };
    if (pick % 7 === 3) delete copy[k];
    else copy[k] = mutate(copy[k], junk, Math.floor(pick / keys.length));
    return copy;
  }
  return junk;
}

/** Valid values, valid values broken in one place, and any JSON at all. */
export function fuzzFor(schema: Schema, resolve: RefResolver): fc.Arbitrary<unknown> {
  const valid = arbitraryFor(schema, resolve);
  const broken = fc
    .tuple(valid, fc.jsonValue({ maxDepth: 1 }), fc.nat())
    .map(([v, junk, pick]) => mutate(v, junk, pick));
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    { arbitrary: broken, weight: 3 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
  );
}
