/** docs/rules.md: every rule's documentation rendered as one Markdown page. */
import type { RuleDoc } from '../validate/index.js';

const SCOPES: Readonly<Record<RuleDoc['scope'], string>> = {
  loader: 'topology files, while loading',
  topology: 'topology files',
  'actual-state': 'actual state (`audit`, `import`)',
  'topology+actual-state': 'topology files and actual state (`audit`, `import`)',
};

/** The GitHub anchor of a Markdown heading (how github.com slugs heading text). */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fence(code: string): string[] {
  // A fence longer than any backtick run inside, so examples can never close it early.
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return [`${ticks}yaml`, code.replace(/\n+$/, ''), ticks];
}

/** Renders docs/rules.md: an index table, then one section per rule whose anchor is its id. */
export function renderRulesDoc(docs: readonly RuleDoc[]): string {
  const lines: string[] = [
    '<!-- Generated from the rule modules by `npm run docs:rules`; do not edit by hand. -->',
    '',
    '# Rules',
    '',
    'Every diagnostic avnet prints carries one of these rule ids. An **error** fails',
    'validation (exit code 1); a **warning** is printed but fails only under `--strict`.',
    'Each section below is the target of the `helpUri` in SARIF output',
    '(`docs/rules.md#<rule-id>`), and the text is the same that `--format sarif` embeds as help.',
    '',
    '| rule | severity | runs on | fires when |',
    '|---|---|---|---|',
  ];
  for (const d of docs) {
    lines.push(
      `| [\`${d.id}\`](#${githubSlug(d.id)}) | ${d.severity} | ${cell(SCOPES[d.scope])} | ${cell(d.summary)} |`,
    );
  }
  for (const d of docs) {
    lines.push(
      '',
      `## ${d.id}`,
      '',
      `**Severity:** ${d.severity} · **Runs on:** ${SCOPES[d.scope]}`,
      '',
      d.summary,
      '',
      d.description,
      '',
      'Failing:',
      '',
      ...fence(d.example.failing),
      '',
      'Fixed:',
      '',
      ...fence(d.example.fixed),
    );
  }
  return lines.join('\n') + '\n';
}
