/**
 * `npm run bench [-- SUITE... [--option value]...]`: runs benchmark suites (all by default),
 * prints each suite's table and goals, and writes bench/results/<suite>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUITES } from './suites/index.js';
import { machineInfo, type BenchSuite, type SuiteContext } from './lib/suite.js';

/** Parsed command line of the runner. */
export interface RunArgs {
  readonly suites: readonly string[];
  readonly options: Record<string, string>;
  readonly help: boolean;
  readonly list: boolean;
  /** Exit 1 when a goal fails (for CI). */
  readonly check: boolean;
}

/** Parses `SUITE... --key value --key=value --flag`. */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  const suites: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      suites.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      options[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else if (
      argv[i + 1] !== undefined &&
      !argv[i + 1]!.startsWith('--') &&
      !isSuite(argv[i + 1]!)
    ) {
      options[arg.slice(2)] = argv[++i]!;
    } else {
      options[arg.slice(2)] = 'true';
    }
  }
  const flag = (name: string) => {
    const set = options[name] !== undefined;
    delete options[name];
    return set;
  };
  return { suites, options, help: flag('help'), list: flag('list'), check: flag('check') };
}

function isSuite(name: string): boolean {
  return SUITES.some((s) => s.name === name);
}

function usage(): string {
  const lines = [
    'usage: npm run bench [-- [SUITE...] [--option value]... [--check] [--list]]',
    '',
    'Suites (all run when none is named):',
  ];
  for (const s of SUITES) {
    lines.push(`  ${s.name.padEnd(10)} ${s.description}`);
    for (const [k, v] of Object.entries(s.options ?? {}))
      lines.push(`      --${k.padEnd(10)} ${v}`);
  }
  lines.push('', '--check: exit 1 when a goal fails. Results: bench/results/<suite>.json.');
  return lines.join('\n');
}

async function runSuite(suite: BenchSuite, ctx: SuiteContext, resultsDir: string) {
  const started = performance.now();
  ctx.log(`== ${suite.name}: ${suite.description}`);
  const result = await suite.run(ctx);
  const seconds = (performance.now() - started) / 1000;
  const machine = machineInfo(ctx.rootDir);
  const lines = [
    '',
    `== ${suite.name} (${seconds.toFixed(0)} s; Node ${machine.node}, ${machine.cpus} cores, ${machine.cpuModel})`,
    result.report,
  ];
  if (result.goals.length > 0) {
    lines.push('', 'Goals:');
    for (const g of result.goals)
      lines.push(`  ${g.pass ? 'PASS' : 'FAIL'}  ${g.goal}: ${g.measured}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  await mkdir(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${suite.name}.json`);
  await writeFile(
    file,
    JSON.stringify(
      {
        suite: suite.name,
        machine,
        seconds,
        options: ctx.options,
        goals: result.goals,
        results: result.results,
      },
      null,
      2,
    ) + '\n',
  );
  process.stdout.write(`results: ${path.relative(ctx.rootDir, file)}\n`);
  return result.goals.every((g) => g.pass);
}

/** Runs the selected suites; resolves to the process exit code. */
export async function runBench(argv: readonly string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.help || args.list) {
    process.stdout.write(args.list ? SUITES.map((s) => s.name).join('\n') + '\n' : usage() + '\n');
    return 0;
  }
  const unknown = args.suites.filter((n) => !isSuite(n));
  if (unknown.length > 0) {
    process.stderr.write(`unknown suite: ${unknown.join(', ')}\n\n${usage()}\n`);
    return 2;
  }
  const selected =
    args.suites.length > 0 ? SUITES.filter((s) => args.suites.includes(s.name)) : SUITES;
  // This file runs from dist/bench/run.js: the repository is two folders up.
  const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const ctx: SuiteContext = {
    rootDir,
    tmpDir: path.join(rootDir, '.bench-tmp'),
    distDir: path.join(rootDir, 'dist'),
    options: args.options,
    log: (m) => void process.stderr.write(`[bench] ${m}\n`),
  };
  let allPass = true;
  for (const suite of selected) {
    allPass = (await runSuite(suite, ctx, path.join(rootDir, 'bench', 'results'))) && allPass;
  }
  return args.check && !allPass ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runBench(process.argv.slice(2));
}
