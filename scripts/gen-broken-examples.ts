/**
 * Regenerates examples/broken/README.md and examples/broken/<name>.expected.json from what
 * `avnet validate` prints for each broken example today, so the README never drifts.
 * Usage: npm run build && node dist/scripts/gen-broken-examples.js
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMainModule, repoRoot } from './repo-root.js';

/** Folder of the broken examples, relative to the repository. */
export const BROKEN_DIR = 'examples/broken';

/** What `avnet validate` printed for one example in one format. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One broken example with its explanation and both outputs. */
export interface BrokenExample {
  /** File name inside examples/broken, e.g. `duplicate-credentials.yaml`. */
  readonly file: string;
  /** The comment block at the top of the file (after the schema modeline). */
  readonly explanation: string;
  readonly text: CliRun;
  readonly json: CliRun;
}

/** The topology files of examples/broken, sorted. */
export async function listBrokenExamples(root: string): Promise<string[]> {
  const names = await readdir(path.join(root, BROKEN_DIR));
  return names.filter((n) => n.endsWith('.yaml')).sort();
}

/** Runs the built CLI from the repository root, as a user would (no colours, no AVNET_ vars). */
export function runAvnet(root: string, args: readonly string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(root, 'bin', 'avnet.js'), ...args],
      { cwd: root, env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : undefined) : 0;
        if (code === undefined) reject(err ?? new Error('avnet did not exit'));
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The leading comment of a topology file, without `#` and without the schema modeline. */
export function leadingComment(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    if (line.includes('yaml-language-server:')) continue;
    out.push(line.replace(/^# ?/, ''));
  }
  return out.join('\n').trim();
}

/** Runs avnet with arguments from the repository root (a process, or `main()` in tests). */
export type AvnetRunner = (root: string, args: readonly string[]) => Promise<CliRun>;

/** Reads one example and runs `avnet validate` on it in text and JSON. */
export async function runBrokenExample(
  root: string,
  file: string,
  run: AvnetRunner = runAvnet,
): Promise<BrokenExample> {
  const rel = `${BROKEN_DIR}/${file}`;
  const [source, text, json] = await Promise.all([
    readFile(path.join(root, rel), 'utf8'),
    run(root, ['validate', rel]),
    run(root, ['validate', rel, '--format', 'json']),
  ]);
  return { file, explanation: leadingComment(source), text, json };
}

/** The expected.json path of an example. */
export function expectedJsonPath(root: string, file: string): string {
  return path.join(root, BROKEN_DIR, file.replace(/\.yaml$/, '.expected.json'));
}

function rulesOf(example: BrokenExample): string[] {
  const report = JSON.parse(example.json.stdout) as { diagnostics: { rule: string }[] };
  return [...new Set(report.diagnostics.map((d) => d.rule))];
}

/** Renders examples/broken/README.md from the examples' outputs. */
export function renderBrokenReadme(examples: readonly BrokenExample[]): string {
  const lines: string[] = [
    '# Broken examples',
    '',
    'Each file here holds one mistake people commonly make when they link Dr.Web Servers, and',
    'shows what `avnet validate` says about it. The outputs below are generated, not written by',
    'hand: `npm run build && node dist/scripts/gen-broken-examples.js` rewrites this README and',
    'every `<name>.expected.json` (the `--format json` output), and `test/validate/broken-examples.test.ts`',
    'fails when they no longer match what avnet prints.',
    '',
    'The certificates in `certs/` are demo certificates valid for a hundred years, except',
    '`certs/EXPIRED.pem`, which expired on 2021-01-01 (made by `scripts/gen-expired-cert.ts`):',
    'every example gives the same output on every day it is run. Run them from the repository',
    'root.',
    '',
    '| file | rules | exit code |',
    '|---|---|---|',
  ];
  for (const e of examples) {
    const anchor = e.file.replace(/\.yaml$/, '').replace(/[^a-z0-9-]/g, '');
    const rules = rulesOf(e)
      .map((r) => `\`${r}\``)
      .join(', ');
    lines.push(`| [${e.file}](#${anchor}yaml) | ${rules} | ${e.text.code} |`);
  }
  for (const e of examples) {
    lines.push(
      '',
      `## ${e.file}`,
      '',
      e.explanation.replace(/\n?^Fix: /m, '\n\n**Fix:** '),
      '',
      '```console',
      `$ avnet validate ${BROKEN_DIR}/${e.file}`,
      e.text.stdout.trimEnd(),
      ...(e.text.stderr.trim() !== '' ? [e.text.stderr.trimEnd()] : []),
      `$ echo $?`,
      String(e.text.code),
      '```',
    );
  }
  return lines.join('\n') + '\n';
}

/** Regenerates README.md and every expected.json; returns the files written. */
export async function generateBrokenExamples(root: string): Promise<string[]> {
  const files = await listBrokenExamples(root);
  const examples = await Promise.all(files.map((f) => runBrokenExample(root, f)));
  const written: string[] = [];
  for (const e of examples) {
    const target = expectedJsonPath(root, e.file);
    await writeFile(target, e.json.stdout);
    written.push(target);
  }
  const readme = path.join(root, BROKEN_DIR, 'README.md');
  await writeFile(readme, renderBrokenReadme(examples));
  written.push(readme);
  return written;
}

if (isMainModule(import.meta.url)) {
  for (const f of await generateBrokenExamples(repoRoot(import.meta.url)))
    console.log(`wrote ${f}`);
}
