/**
 * File snapshots of every plan format for the scenarios in test/plan-formats/, made through the
 * real pipeline (load, validate, render, dir backend over a copy of the scenario's state, plan).
 * A snapshot changes only when the plan or a format changes; review the .snap diff like code.
 */
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirBackend } from '../../src/backends/index.js';
import { reconcileOnce } from '../../src/engine/reconcile-once.js';
import { quietContext, type Plan } from '../../src/model/index.js';
import { plainColors } from '../../src/output/index.js';
import { formatPlanJson } from '../../src/plan/plan-json.js';
import { formatPlanMarkdown } from '../../src/output/plan-markdown.js';
import { formatPlanRunbook } from '../../src/output/plan-runbook.js';
import { formatPlanText } from '../../src/output/plan-text.js';
import { explainResult, expectOutcome, planOf } from '../helpers/outcome.js';

const SCENARIOS_DIR = import.meta.dirname;

/** Every secret the scenarios use; none may appear in any rendered plan. */
const ENV = {
  AVNET_MAIN_AUX: 'fx-main-aux-Q7w9',
  AVNET_MAIN_BRANCH: 'fx-main-branch-Z3k1',
  AVNET_MAIN_OLD: 'fx-main-old-H2n6',
};
const FILE_SECRET = 'fx-east-west-P5t2'; // peer-flows/secrets/east-west
const INLINE_SECRET = 'fx-inline-west-north-M8v4'; // peer-flows/topology.yaml
const STATE_ONLY_SECRET = 'fx-legacy-hand-made-R4d8'; // the unmanaged LEGACY entry's password
const SECRETS = [...Object.values(ENV), FILE_SECRET, INLINE_SECRET, STATE_ONLY_SECRET];

const FORMATS = ['text', 'json', 'markdown', 'runbook'] as const;

interface Scenario {
  readonly name: string;
  /** The plan's summary, checked so that a fixture mistake cannot hide in a snapshot. */
  readonly summary: Plan['summary'];
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'fresh', summary: { add: 2, change: 2, destroy: 0, restart: 2 } },
  { name: 'encryption-changed', summary: { add: 0, change: 2, destroy: 0, restart: 0 } },
  { name: 'link-removed', summary: { add: 0, change: 0, destroy: 2, restart: 0 } },
  { name: 'server-removed', summary: { add: 0, change: 0, destroy: 2, restart: 0 } },
  { name: 'peer-flows', summary: { add: 4, change: 2, destroy: 0, restart: 3 } },
];

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Plans a scenario and renders it in every format, with no temp path in the text. */
async function renderScenario(
  name: string,
): Promise<{ plan: Plan; outputs: Record<string, string> }> {
  const dir = path.join(SCENARIOS_DIR, name);
  const state = await mkdtemp(path.join(os.tmpdir(), `avnet-plan-${name}-`));
  temps.push(state);
  if (await exists(path.join(dir, 'state')))
    await cp(path.join(dir, 'state'), state, { recursive: true });
  const result = await reconcileOnce(
    {
      file: path.join(dir, 'topology.yaml'),
      mode: 'plan',
      env: ENV,
      backend: async (endpoints) => new DirBackend({ dir: state, endpoints }),
    },
    quietContext(),
  );
  expect(result.outcome, explainResult(result)).toBe('planned');
  // The file is shown as given; the snapshots must not depend on where the repository lives.
  const plan: Plan = {
    ...planOf(result),
    topology: { ...planOf(result).topology, file: 'topology.yaml' },
  };
  const topology = result.checked.loaded.topology;
  return {
    plan,
    outputs: {
      text: formatPlanText(plan, plainColors, (s) => `state/${s}.json`),
      json: formatPlanJson(plan),
      markdown: formatPlanMarkdown(plan, {
        topology,
        desired: expectOutcome(result, 'planned').reading.desired,
      }),
      runbook: formatPlanRunbook(plan, { topology }),
    },
  };
}

describe.each(SCENARIOS)('plan formats: $name', ({ name, summary }) => {
  it('matches the snapshots and shows no secret', async () => {
    const { plan, outputs } = await renderScenario(name);
    expect(plan.summary).toEqual(summary);
    for (const format of FORMATS) {
      const text = outputs[format]!;
      await expect(text).toMatchFileSnapshot(`__snapshots__/${name}.${format}.snap`);
      for (const secret of SECRETS) expect(text, `${format} shows a secret`).not.toContain(secret);
      expect(text).not.toContain(os.tmpdir());
      // Certificates are public, but only the JSON carries them whole; the rest summarise them.
      if (format !== 'json') expect(text).not.toContain('BEGIN CERTIFICATE');
    }
  });
});
