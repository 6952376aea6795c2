/** docs/rules.md is generated from the rule modules, current, and documents every catalog id. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/model/index.js';
import { allRuleDocs } from '../../src/cli/rule-docs.js';
import { githubSlug, renderRulesDoc } from '../../src/output/rules-doc.js';
import { RULES_DOCS_URL } from '../../src/cli/version.js';
import { REPO_ROOT } from './helpers.js';

const RULES_MD = path.join(REPO_ROOT, 'docs', 'rules.md');

/** Anchors GitHub gives the headings of a Markdown page (outside code fences). */
function headingAnchors(markdown: string): string[] {
  const anchors: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const f = /^(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === undefined) fence = f[1];
      else if (line.startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) anchors.push(githubSlug(h[1]!.replace(/`/g, '')));
  }
  return anchors;
}

/**
 * The rule catalog of the topology contract (spec topology.md, "Rule catalog"), copied here so
 * that dropping an id from the code or from docs/rules.md fails a test.
 */
const CONTRACT_CATALOG = [
  'yaml-syntax',
  'schema',
  'missing-field',
  'unknown-server',
  'self-link',
  'duplicate-link',
  'duplicate-address',
  'duplicate-credentials',
  'shared-certificate',
  'peer-address-both-sides',
  'peer-address-missing',
  'hierarchy-cycle',
  'multiple-parents',
  'no-dataflow',
  'fixed-flows',
  'notifications-without-events',
  'encryption-mismatch',
  'compression-mismatch',
  'certificate-invalid',
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-expiring',
  'version-interop',
  'license-periods',
  'periodic-only',
  'invalid-schedule',
  'invalid-address',
  'plaintext-secret',
  'secret-unresolved',
  'protocol-disabled',
  'update-cycle',
  'path-outside-root',
  'password-mismatch',
  'one-sided-link',
] as const;

describe('docs/rules.md', () => {
  it('is current (regenerate with npm run docs:rules)', async () => {
    const onDisk = await readFile(RULES_MD, 'utf8');
    expect(onDisk, 'docs/rules.md is stale: run npm run docs:rules').toBe(
      renderRulesDoc(allRuleDocs()),
    );
  });

  it('has a section whose anchor is the rule id for every rule of the catalog', async () => {
    const anchors = headingAnchors(await readFile(RULES_MD, 'utf8'));
    for (const id of RULE_IDS) expect(anchors, id).toContain(id);
    // Each id exactly once, so a helpUri never lands on the wrong section.
    for (const id of RULE_IDS)
      expect(
        anchors.filter((a) => a === id),
        id,
      ).toHaveLength(1);
  });

  it('documents every id with severity, summary, description and both examples', () => {
    const docs = allRuleDocs();
    expect(docs.map((d) => d.id)).toEqual([...RULE_IDS]);
    for (const d of docs) {
      expect(d.summary.length, d.id).toBeGreaterThan(10);
      expect(d.description.length, d.id).toBeGreaterThan(10);
      expect(d.example.failing.trim(), d.id).not.toBe('');
      expect(d.example.fixed.trim(), d.id).not.toBe('');
      expect(d.example.fixed, d.id).not.toBe(d.example.failing);
    }
  });

  it('is where SARIF helpUris point', () => {
    expect(RULES_DOCS_URL.endsWith('docs/rules.md')).toBe(true);
  });

  it('keeps code fences closed when an example holds backticks', () => {
    const [first] = allRuleDocs();
    const md = renderRulesDoc([
      { ...first!, example: { failing: 'a: "```"\n', fixed: 'a: "````"\n' } },
    ]);
    expect(md).toContain('````yaml\na: "```"\n````');
    expect(md).toContain('`````yaml\na: "````"\n`````');
  });

  it('documents every rule id of the catalog in the topology contract', async () => {
    const anchors = headingAnchors(await readFile(RULES_MD, 'utf8'));
    for (const id of CONTRACT_CATALOG) expect(anchors, id).toContain(id);
    for (const id of CONTRACT_CATALOG) expect(RULE_IDS, id).toContain(id);
  });

  it('lists every rule avnet adds to the catalog in docs/topology.md', async () => {
    const topology = await readFile(path.join(REPO_ROOT, 'docs', 'topology.md'), 'utf8');
    const section = topology
      .split(/^## Rules beyond the contract's catalog$/m)[1]
      ?.split(/^## /m)[0];
    expect(section, 'docs/topology.md has the section').toBeDefined();
    const contract: readonly string[] = CONTRACT_CATALOG;
    for (const id of RULE_IDS.filter((r) => !contract.includes(r)))
      expect(section, `${id} is listed`).toContain(`\`${id}\``);
  });
});

describe('githubSlug', () => {
  it('slugs headings as github.com does', () => {
    expect(githubSlug('yaml-syntax')).toBe('yaml-syntax');
    expect(githubSlug('Rule catalog')).toBe('rule-catalog');
    expect(githubSlug('What it shows (v10)!')).toBe('what-it-shows-v10');
  });
});
