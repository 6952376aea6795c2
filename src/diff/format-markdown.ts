/**
 * `avnet diff --format markdown`: a pull-request comment. A summary table, then one list per
 * section; whole entries are left out past the size cap (GitHub rejects comments over 65,536
 * characters) and the comment says how many.
 */
import {
  clean,
  describeFieldChange,
  describeLinkEntry,
  describeServerEntry,
  plural,
  summaryLine,
} from './describe.js';
import type { TopologyDiff } from './diff-model.js';
import { PR_COMMENT_MAX_CHARS } from '../model/index.js';

/** Default size cap of the markdown output, below GitHub's comment limit. */
export const MARKDOWN_MAX_CHARS = PR_COMMENT_MAX_CHARS;

/** Options of the markdown formatter. */
export interface MarkdownOptions {
  /** Largest output in characters; entries past it are counted, not shown. */
  readonly maxChars?: number;
}

/** A code span that survives backticks in the value; user text never reaches markdown unquoted. */
export function codeSpan(value: string): string {
  const text = clean(value);
  if (text === '') return '` `';
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

interface Block {
  readonly section: string;
  readonly lines: readonly string[];
}

/** Renders a diff as markdown, at most `maxChars` characters long. */
export function formatDiffMarkdown(diff: TopologyDiff, opts: MarkdownOptions = {}): string {
  const maxChars = opts.maxChars ?? MARKDOWN_MAX_CHARS;
  const q = codeSpan;
  const s = diff.summary;
  const head = [
    '### avnet diff',
    '',
    `${q(diff.old.path)} → ${q(diff.new.path)}`,
    '',
    '| | added | removed | changed |',
    '|---|---:|---:|---:|',
    `| Servers | ${s.servers.added} | ${s.servers.removed} | ${s.servers.changed} |`,
    `| Links | ${s.links.added} | ${s.links.removed} | ${s.links.changed} |`,
    '',
    s.differences ? summaryLine(s) : `No differences. ${summaryLine(s)}`,
  ];

  const blocks: Block[] = [];
  for (const f of diff.topology.fields) {
    blocks.push({ section: 'Topology', lines: [`- ${describeFieldChange(f, q)}`] });
  }
  for (const e of diff.servers.added) {
    blocks.push({
      section: 'Servers',
      lines: [`- **added** ${q(e.name)}: ${describeServerEntry(e, q)}`],
    });
  }
  for (const e of diff.servers.removed) {
    blocks.push({ section: 'Servers', lines: [`- **removed** ${q(e.name)}`] });
  }
  for (const e of diff.servers.changed) {
    blocks.push({
      section: 'Servers',
      lines: [
        `- **changed** ${q(e.name)}`,
        ...e.fields.map((f) => `  - ${describeFieldChange(f, q)}`),
      ],
    });
  }
  for (const e of diff.links.added) {
    blocks.push({ section: 'Links', lines: [`- **added** ${describeLinkEntry(e, q)}`] });
  }
  for (const e of diff.links.removed) {
    blocks.push({ section: 'Links', lines: [`- **removed** ${describeLinkEntry(e, q)}`] });
  }
  for (const e of diff.links.changed) {
    blocks.push({
      section: 'Links',
      lines: [
        `- **changed** ${describeLinkEntry(e, q)}`,
        ...e.fields.map((f) => `  - ${describeFieldChange(f, q)}`),
      ],
    });
  }
  for (const n of diff.notes) blocks.push({ section: 'Notes', lines: [`- ${clean(n)}`] });

  const out = [...head];
  let size = out.join('\n').length + 1;
  // Room for the elision line, so adding it never pushes the comment over the cap.
  const reserve = 240;
  let section = '';
  let shown = 0;
  for (const block of blocks) {
    const extra = block.section !== section ? ['', `#### ${block.section}`, ''] : [];
    const add = [...extra, ...block.lines];
    const addSize = add.join('\n').length + 1;
    if (size + addSize + reserve > maxChars) break;
    out.push(...add);
    size += addSize;
    section = block.section;
    shown++;
  }
  const hidden = blocks.length - shown;
  if (hidden > 0) {
    out.push(
      '',
      `_… ${plural(hidden, 'more entry', 'more entries')} not shown to keep this comment under ${maxChars.toLocaleString('en-US')} characters; run \`avnet diff\` locally for the full list._`,
    );
  }
  return out.join('\n') + '\n';
}
