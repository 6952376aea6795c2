import { describe, expect, it } from 'vitest';
import { loadTopologyText } from '../load/index.js';
import { createColors } from '../output/index.js';
import { computeTopologyDiff } from './compute-diff.js';
import { clean } from './describe.js';
import type { TopologyDiff } from './diff-model.js';
import { formatDiffJson } from './format-json.js';
import { MARKDOWN_MAX_CHARS, codeSpan, formatDiffMarkdown } from './format-markdown.js';
import { formatDiffText } from './format-text.js';

function topology(servers: number, extra = ''): string {
  const lines = ['apiVersion: avnet/v1', 'kind: Topology', 'servers:'];
  for (let i = 0; i < servers; i++) {
    lines.push(`  SERVER-${String(i).padStart(5, '0')}${extra}:`);
    lines.push(`    address: s${i}.corp.example`);
  }
  lines.push('links:');
  for (let i = 1; i < servers; i++) {
    lines.push(`  - parent: SERVER-00000${extra}`);
    lines.push(`    child: SERVER-${String(i).padStart(5, '0')}${extra}`);
    lines.push(`    password: { env: P${i} }`);
  }
  return lines.join('\n') + '\n';
}

async function diffTexts(before: string, after: string): Promise<TopologyDiff> {
  const [o, n] = await Promise.all([
    loadTopologyText(before, 'old.yaml', { rootDir: '/nonexistent-avnet' }),
    loadTopologyText(after, 'new.yaml', { rootDir: '/nonexistent-avnet' }),
  ]);
  return computeTopologyDiff(o, n);
}

describe('formatDiffMarkdown', () => {
  it('writes a summary table and per-section lists', async () => {
    const before = topology(3);
    const after = before.replace('address: s1.corp.example', 'address: s1b.corp.example');
    const md = formatDiffMarkdown(await diffTexts(before, after));
    expect(md).toContain('| Servers | 0 | 0 | 1 |');
    expect(md).toContain('| Links | 0 | 0 | 0 |');
    expect(md).toContain(
      '- **changed** `SERVER-00001`\n  - `address`: `s1.corp.example` → `s1b.corp.example`',
    );
  });

  it(`stays under ${MARKDOWN_MAX_CHARS} characters and counts what it leaves out`, async () => {
    // Every server renamed: 1,000 removed, 1,000 added, 999 links each way.
    const diff = await diffTexts(topology(1000), topology(1000, '-NEW'));
    expect(diff.summary.servers).toEqual({ added: 1000, removed: 1000, changed: 0 });
    const md = formatDiffMarkdown(diff);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    const m = /_… ([0-9]+) more entries not shown/.exec(md);
    expect(m).not.toBeNull();
    const shown = md.split('\n').filter((l) => l.startsWith('- **')).length;
    const total = 1000 + 1000 + 999 + 999;
    expect(shown + Number(m?.[1])).toBe(total);
    // The summary is complete even when the lists are not.
    expect(md).toContain('| Servers | 1000 | 1000 | 0 |');

    const small = formatDiffMarkdown(diff, { maxChars: 2000 });
    expect(small.length).toBeLessThanOrEqual(2000);
    expect(small).toMatch(/more entries not shown/);
  });

  it('quotes values so they cannot break out of code spans', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x')).toBe('`` `x ``');
    expect(codeSpan('')).toBe('` `');
    expect(codeSpan('<img src=x>')).toBe('`<img src=x>`');
  });
});

describe('formatDiffText', () => {
  it('neutralises control characters from the topology', async () => {
    const evil = 'EVIL\u001b[2J\u0007';
    const before = topology(2);
    const after = before.replace(
      'servers:\n',
      `servers:\n  "${evil.replace('\u001b', '\\e').replace('\u0007', '\\a')}":\n    address: e.example\n`,
    );
    const diff = await diffTexts(before, after);
    expect(diff.servers.added.map((s) => s.name)).toEqual([evil]);
    for (const out of [formatDiffText(diff), formatDiffMarkdown(diff)]) {
      // Nothing below space except the line breaks the format itself writes.
      expect([...out].filter((ch) => ch < ' ' && ch !== '\n')).toEqual([]);
      expect(out).toContain('EVIL\\u001b[2J\\u0007');
    }
    expect(clean('a\nb')).toBe('a\\u000ab');
  });

  it('colours added, removed and changed lines when colours are on', async () => {
    const before = topology(3);
    const after = before.replace('address: s1.corp.example', 'address: s9.corp.example');
    const text = formatDiffText(await diffTexts(before, after), createColors(true));
    expect(text).toContain('\u001b[33m  ~ SERVER-00001\u001b[39m');
  });
});

describe('formatDiffJson', () => {
  it('prints the documented shape', async () => {
    const before = topology(3);
    const after = topology(2).replace('address: s1.corp.example', 'address: s1.corp.example:2194');
    const json = JSON.parse(formatDiffJson(await diffTexts(before, after))) as Record<
      string,
      unknown
    >;
    expect(Object.keys(json)).toEqual([
      'version',
      'old',
      'new',
      'topology',
      'servers',
      'links',
      'notes',
      'summary',
    ]);
    expect(json).toMatchObject({
      version: 1,
      old: { path: 'old.yaml', servers: 3, links: 2 },
      new: { path: 'new.yaml', servers: 2, links: 1 },
      servers: {
        added: [],
        removed: [{ name: 'SERVER-00002', address: 's2.corp.example', version: 13 }],
        changed: [
          {
            name: 'SERVER-00001',
            fields: [
              { field: 'address', before: 's1.corp.example', after: 's1.corp.example:2194' },
            ],
          },
        ],
      },
      links: {
        added: [],
        removed: [{ a: 'SERVER-00000', b: 'SERVER-00002', type: 'parent-child' }],
        changed: [],
      },
      summary: {
        topology: { changed: 0 },
        servers: { added: 0, removed: 1, changed: 1 },
        links: { added: 0, removed: 1, changed: 0 },
        differences: true,
      },
    });
  });
});
