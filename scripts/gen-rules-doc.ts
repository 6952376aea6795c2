/**
 * Writes docs/rules.md from the rule modules' documentation.
 * Usage: npm run docs:rules
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { allRuleDocs } from '../src/cli/rule-docs.js';
import { renderRulesDoc } from '../src/output/rules-doc.js';
import { isMainModule, repoRoot } from './repo-root.js';

/** Where the rules page lives, relative to the repository. */
export const RULES_DOC_PATH = 'docs/rules.md';

if (isMainModule(import.meta.url)) {
  const target = path.join(repoRoot(import.meta.url), RULES_DOC_PATH);
  await writeFile(target, renderRulesDoc(allRuleDocs()));
  console.log(`wrote ${target}`);
}
