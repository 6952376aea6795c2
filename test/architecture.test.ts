/**
 * The stage order is one-way: a file under src/<stage>/ (unit tests included) may import its own
 * stage and earlier ones in the list of docs/architecture.md, never a later one. The list is read
 * from the doc itself, so the doc and the code cannot drift apart.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');

/** Stage folders in the order of the doc's first code block (one stage per line, name first). */
function stageOrder(doc: string): string[] {
  const block = /```\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  return block
    .split('\n')
    .filter((line) => /^[a-z]/.test(line))
    .map((line) => line.split(/\s+/, 1)[0]!);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else if (/\.(ts|tsx|js|mjs)$/.test(name)) out.push(full);
  }
  return out;
}

/** Relative module specifiers of static imports, re-exports and dynamic imports. */
function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (let m = re.exec(source); m; m = re.exec(source)) out.push(m[1]!);
  return out;
}

/** The stage folder a path under src/ belongs to, or undefined for src/ itself (the library face). */
function stageOf(file: string): string | undefined {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Every import of a file that reaches a stage later than the file's own. */
function backwardImports(files: readonly { file: string; source: string }[]): string[] {
  const violations: string[] = [];
  for (const { file, source } of files) {
    const from = stageOf(file);
    if (from === undefined) continue;
    for (const spec of importsOf(source)) {
      const to = stageOf(path.resolve(path.dirname(file), spec));
      if (to === undefined || to === from) continue;
      if ((rank.get(to) ?? -1) > (rank.get(from) ?? -1)) {
        violations.push(`${path.relative(ROOT, file)} (${from}) imports ${spec} (${to})`);
      }
    }
  }
  return violations;
}

const order = stageOrder(readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8'));
const rank = new Map(order.map((s, i) => [s, i]));

describe('architecture', () => {
  it('lists every stage folder of src/ in docs/architecture.md', () => {
    const folders = readdirSync(SRC).filter((n) => statSync(path.join(SRC, n)).isDirectory());
    expect(folders.filter((f) => !rank.has(f))).toEqual([]);
    expect(order.filter((s) => !folders.includes(s))).toEqual([]);
  });

  it('keeps the stage order one-way (no stage imports a later one)', () => {
    const files = filesUnder(SRC).map((file) => ({ file, source: readFileSync(file, 'utf8') }));
    expect(backwardImports(files)).toEqual([]);
  });

  it('catches a backwards import, static or dynamic', () => {
    const planFile = path.join(SRC, 'plan', 'x.test.ts');
    expect(
      backwardImports([
        {
          file: planFile,
          source:
            "import { a } from '../engine/index.js';\nexport * from './y.js';\nawait import('../cli/main.js');\nimport '../model/index.js';",
        },
      ]),
    ).toEqual([
      'src/plan/x.test.ts (plan) imports ../engine/index.js (engine)',
      'src/plan/x.test.ts (plan) imports ../cli/main.js (cli)',
    ]);
  });
});
