/**
 * docs/vendor-procedure.md maps the vendor's guide to avnet: its rule ids and its test files and
 * titles must stay real. Also the guide's statements that are texts rather than behaviour: the
 * log message of a peer address on both sides, and how the v10 certificate is made.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINK_REASONS, RULE_IDS, type LinkReason } from '../../src/model/index.js';
import { STATE_RULES } from '../../src/audit/index.js';
import { TOPOLOGY_RULES } from '../../src/validate/rules/index.js';
import { versionInteropRule } from '../../src/validate/rules/version-interop.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = readFileSync(path.join(REPO_ROOT, 'docs', 'vendor-procedure.md'), 'utf8');

/** The guide's log message for a peer link dialed from both sides. */
const SAME_KEY_ID = 'Link with the same key id is already activated';

/** Rows of the doc's tables (lines starting with `|`, without header and separator rows). */
function tableRows(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[-| ]+\|$/.test(l))
    .filter((l) => !/^\| (step \| )?the guide \|/.test(l));
}

/** `path` or `path` › "title" references of a text. */
function testRefs(text: string): { file: string; title?: string }[] {
  return [...text.matchAll(/`([^`\s]+\.test\.ts)`(?: › "([^"]+)")?/g)].map((m) => ({
    file: m[1]!,
    ...(m[2] !== undefined ? { title: m[2] } : {}),
  }));
}

describe('docs/vendor-procedure.md', () => {
  const rows = tableRows(DOC);

  it('has a test for every statement, or says it is not handled', () => {
    expect(rows.length).toBeGreaterThan(30);
    for (const row of rows) {
      const cells = row.split(' | ');
      const shownBy = cells[cells.length - 1]!;
      if (testRefs(shownBy).length === 0)
        expect(row, 'a row without a test must say why').toMatch(/\*\*Not handled\.\*\*.*\| — \|$/);
    }
  });

  it('links only rule ids of the catalog, each to its section of rules.md', () => {
    const links = [...DOC.matchAll(/\[`([^`]+)`\]\(rules\.md#([^)]+)\)/g)];
    expect(links.length).toBeGreaterThan(15);
    for (const [, id, anchor] of links) {
      expect(RULE_IDS, `${id} is a rule id`).toContain(id);
      expect(anchor).toBe(id);
    }
    // The doc names the state rule this work added.
    expect(links.map((l) => l[1])).toContain('certificate-mismatch');
  });

  it('names test files that exist and test titles that occur in them', () => {
    const refs = testRefs(DOC);
    expect(refs.length).toBeGreaterThan(30);
    for (const ref of refs) {
      const file = path.join(REPO_ROOT, ref.file);
      expect(existsSync(file), `${ref.file} exists`).toBe(true);
      if (ref.title !== undefined)
        expect(readFileSync(file, 'utf8'), `"${ref.title}" in ${ref.file}`).toContain(ref.title);
    }
  });

  it("keeps the guide's log message for a peer address on both sides, and gives a duplicate key id its own text", () => {
    // The guide attaches the message to a case where the link still works...
    const both = [...TOPOLOGY_RULES, ...STATE_RULES].filter(
      (r) => r.id === 'peer-address-both-sides',
    );
    expect(both.length).toBe(2);
    for (const rule of both) {
      expect(rule.severity).toBe('warning');
      expect(rule.description).toContain(SAME_KEY_ID);
    }
    // ...so a link that fails for its credentials must not be explained with it.
    const duplicate = LINK_REASONS['duplicate-key-id'].explain;
    expect(duplicate).not.toContain(SAME_KEY_ID);
    expect(duplicate).toContain('same password and certificate');
    for (const [reason, { explain }] of Object.entries(LINK_REASONS) as [
      LinkReason,
      { explain: string },
    ][])
      expect(explain, reason).not.toContain(SAME_KEY_ID);
    // Each failure its own text.
    const texts = Object.values(LINK_REASONS).map((r) => r.explain);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it("says how the vendor makes a v10 server's certificate, in the version-interop rule's text", () => {
    const text = versionInteropRule.description;
    expect(text).toContain('`drwsign`');
    expect(text).toContain('`gencert`');
    expect(text).toContain("v11+ server's public key");
    // The demo route stays documented.
    expect(text).toContain('avnet certs generate NAME --key v10.key');
  });
});
