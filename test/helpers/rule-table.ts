/** A table runner for validation rules: each case is a real topology folder run through the pipeline. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleId, Severity } from '../../src/model/index.js';
import {
  CertPool,
  HEAD,
  Workspace,
  expected,
  ofRule,
  type CaseFiles,
  type Expected,
  type RunOptions,
} from './topology.js';

/** One row of a rule table. */
export interface RuleCase extends CaseFiles, RunOptions {
  readonly name: string;
  /** What the rule reports, in diagnostic order; `[]` for a case where it must not fire. */
  readonly want: readonly Expected[];
  /** Substrings (or patterns) the messages must contain, one per expected diagnostic. */
  readonly messages?: readonly (string | RegExp)[];
  /** Also assert that the whole topology produces no diagnostic at all. */
  readonly clean?: boolean;
  /** Rules that must not fire either (a problem is reported once, by the most specific rule). */
  readonly absent?: readonly RuleId[];
}

/** Options of a rule table. */
export interface RuleTableOptions {
  /** Pool entries to generate up front; others are generated on first use. */
  readonly warm?: readonly string[];
  /** A pool prepared by the caller (entries with chosen validity dates). */
  readonly pool?: () => CertPool;
}

/**
 * Declares a describe block with one `it` per case. The rule's id and severity come from the rule
 * module itself, so the table also checks that the module reports what its documentation says.
 */
export function describeRule(
  rule: { readonly id: RuleId; readonly severity: Severity },
  cases: readonly RuleCase[],
  opts: RuleTableOptions = {},
): void {
  describe(`rule ${rule.id}`, () => {
    let ws: Workspace;
    beforeAll(async () => {
      const pool = opts.pool?.() ?? new CertPool();
      pool.warm(...(opts.warm ?? []));
      ws = await Workspace.create(pool);
    });
    afterAll(async () => {
      await ws.cleanup();
    });
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const run = await ws.run(c, c);
      const got = run.diagnostics.filter((d) => d.rule === rule.id);
      expect(ofRule(got, rule.id)).toEqual(expected(rule.id, rule.severity, c.want));
      (c.messages ?? []).forEach((m, i) => expect(got[i]?.message).toMatch(m));
      if (c.clean) expect(run.diagnostics).toEqual([]);
      for (const other of c.absent ?? []) expect(ofRule(run, other)).toEqual([]);
    });
  });
}

/** A server line in flow style: `  NAME: {address: name.example, certificates: [certs/NAME.pem]}`. */
export function server(name: string, extra = ''): string {
  return `  ${name}: {address: ${name.toLowerCase()}.example, certificates: [certs/${name}.pem]${extra ? ', ' + extra : ''}}`;
}

/** A topology: the standard head, `servers:` with the given lines, then `links:` lines if any. */
export function topo(servers: readonly string[], links?: readonly string[]): string {
  const rows = [HEAD.trimEnd(), 'servers:', ...servers];
  if (links) rows.push('links:', ...links);
  return rows.join('\n') + '\n';
}

/** A parent/child link in block style (parent value at col 13, child at col 12, password at col 15). */
export function pc(parent: string, child: string, ...extra: string[]): string[] {
  return [
    `  - parent: ${parent}`,
    `    child: ${child}`,
    `    password: {env: P_${parent}_${child}}`,
    ...extra.map((e) => `    ${e}`),
  ];
}

/** A peer link in block style (peers list at col 12, password at col 15, flows at col 12). */
export function peers(
  a: string,
  b: string,
  flows = 'updates: both, events: none, licenses: none',
  ...extra: string[]
): string[] {
  return [
    `  - peers: [${a}, ${b}]`,
    `    password: {env: P_${a}_${b}}`,
    `    flows: {${flows}}`,
    ...extra.map((e) => `    ${e}`),
  ];
}
