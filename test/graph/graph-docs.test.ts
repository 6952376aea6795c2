import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const doc = await readFile(path.join(ROOT, 'docs/graph.md'), 'utf8');
// Each example block is marked with the command that produced it.
const examples = [
  ...doc.matchAll(/<!-- generated: avnet graph (\S+) -->\n```mermaid\n([\s\S]*?)```\n/g),
].map((m) => ({ file: m[1]!, text: m[2]! }));

describe('docs/graph.md', () => {
  it('has its examples', () => {
    expect(examples.map((e) => e.file)).toEqual([
      'examples/basic/topology.yaml',
      'examples/enterprise/topology.yaml',
      'examples/broken/unknown-server.yaml',
    ]);
  });

  it.each(examples)('shows what avnet graph $file prints', async ({ file, text }) => {
    let stdout = '';
    const code = await main(['graph', file], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => true },
      stdin: process.stdin,
      env: {},
      cwd: ROOT,
    });
    expect(code).toBe(0);
    expect(stdout).toBe(text);
  });
});
