/** `avnet diff --format text`: `+`/`-`/`~` lines grouped by section, then a summary line. */
import {
  clean,
  describeFieldChange,
  describeLinkEntry,
  describeServerEntry,
  summaryLine,
} from './describe.js';
import type { FieldChange, TopologyDiff } from './diff-model.js';

/** The colour functions the text format uses (the CLI passes its picocolors set). */
export interface DiffColors {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const same = (text: string): string => text;

/** No colours. */
export const noDiffColors: DiffColors = {
  red: same,
  green: same,
  yellow: same,
  bold: same,
  dim: same,
};

/** Renders a diff for a terminal or a log. */
export function formatDiffText(diff: TopologyDiff, c: DiffColors = noDiffColors): string {
  const q = clean;
  const lines: string[] = [c.red(`--- ${q(diff.old.path)}`), c.green(`+++ ${q(diff.new.path)}`)];
  const fieldLines = (fields: readonly FieldChange[], indent: string) =>
    fields.map((f) => `${indent}${describeFieldChange(f, q)}`);

  if (diff.topology.fields.length > 0) {
    lines.push('', c.bold('Topology:'));
    for (const f of diff.topology.fields) {
      lines.push(c.yellow(`  ~ ${describeFieldChange(f, q)}`));
    }
  }
  const servers = diff.servers;
  if (servers.added.length + servers.removed.length + servers.changed.length > 0) {
    lines.push('', c.bold('Servers:'));
    for (const s of servers.added) {
      lines.push(c.green(`  + ${q(s.name)} (${describeServerEntry(s, q)})`));
    }
    for (const s of servers.removed) lines.push(c.red(`  - ${q(s.name)}`));
    for (const s of servers.changed) {
      lines.push(c.yellow(`  ~ ${q(s.name)}`), ...fieldLines(s.fields, '      '));
    }
  }
  const links = diff.links;
  if (links.added.length + links.removed.length + links.changed.length > 0) {
    lines.push('', c.bold('Links:'));
    for (const l of links.added) lines.push(c.green(`  + ${describeLinkEntry(l, q)}`));
    for (const l of links.removed) lines.push(c.red(`  - ${describeLinkEntry(l, q)}`));
    for (const l of links.changed) {
      lines.push(c.yellow(`  ~ ${q(l.label)}`), ...fieldLines(l.fields, '      '));
    }
  }
  if (diff.notes.length > 0) {
    lines.push('', c.bold('Notes:'));
    for (const n of diff.notes) lines.push(c.dim(`  - ${q(n)}`));
  }
  lines.push('');
  if (!diff.summary.differences) lines.push('No differences.');
  lines.push(summaryLine(diff.summary));
  return lines.join('\n') + '\n';
}
