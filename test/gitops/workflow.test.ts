/**
 * The example GitHub Actions workflow cannot run here; these checks keep it honest: it is
 * well-formed YAML with the intended triggers and jobs, and every avnet command it runs uses
 * commands and flags the CLI really has (read from `avnet <command> --help`, run in-process).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { REPO_ROOT } from '../watch/network-fixture.js';

const WORKFLOW = path.join(REPO_ROOT, 'examples', 'gitops', 'github', 'avnet.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Job {
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}

interface Workflow {
  on: { pull_request?: unknown; push?: { branches?: string[] } };
  jobs: Record<string, Job>;
}

/** One `avnet` command line found in a run script. */
interface Invocation {
  readonly job: string;
  readonly command: string;
  readonly flags: string[];
  readonly text: string;
}

function tokens(command: string): string[] {
  return [...command.matchAll(/"[^"]*"|'[^']*'|[^\s]+/g)].map((m) => m[0]);
}

/** The avnet invocations of a shell script: continuation lines joined, split at ; && || | and newlines. */
function invocations(job: string, script: string): Invocation[] {
  const joined = script.replace(/\\\n\s*/g, ' ');
  const out: Invocation[] = [];
  for (const part of joined.split(/\n|&&|\|\||;|\|/)) {
    const t = tokens(part.trim());
    if (t[0] !== 'avnet') continue;
    const flags = t.filter((x) => x.startsWith('--')).map((x) => x.split('=')[0] as string);
    out.push({ job, command: t[1] ?? '', flags, text: part.trim() });
  }
  return out;
}

const helpCache = new Map<string, Set<string>>();

/** Flags `avnet [command] --help` lists (the CLI run in-process with captured output). */
async function helpFlags(command?: string): Promise<Set<string>> {
  const key = command ?? '';
  let flags = helpCache.get(key);
  if (!flags) {
    let out = '';
    const sink = { write: (s: string) => void (out += s) };
    const io: CliIO = {
      stdout: sink,
      stderr: sink,
      stdin: process.stdin,
      env: { NO_COLOR: '1' },
      cwd: REPO_ROOT,
    };
    const code = await main([...(command ? [command] : []), '--help'], io);
    expect(code, `avnet ${key} --help: ${out}`).toBe(0);
    flags = new Set([...out.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
    helpCache.set(key, flags);
  }
  return flags;
}

const text = readFileSync(WORKFLOW, 'utf8');
const workflow = parse(text) as Workflow;
const all = Object.entries(workflow.jobs).flatMap(([name, job]) =>
  job.steps.flatMap((s) => (s.run ? invocations(name, s.run) : [])),
);

describe('examples/gitops/github/avnet.yml', () => {
  it('is a workflow for pull requests and pushes to main', () => {
    expect(workflow.on.pull_request).toBeDefined();
    expect(workflow.on.push?.branches).toEqual(['main']);
    expect(Object.keys(workflow.jobs).sort()).toEqual(['apply', 'plan', 'validate']);
    for (const job of Object.values(workflow.jobs)) {
      expect(job.steps.some((s) => s.uses?.startsWith('actions/checkout@'))).toBe(true);
      const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
      expect(node?.with?.['node-version']).toBe(20);
      expect(job.steps.some((s) => s.run === 'npm ci')).toBe(true);
    }
  });

  it('validates pull requests into SARIF (uploaded) and annotations', () => {
    const job = workflow.jobs.validate!;
    expect(job.if).toContain("github.event_name == 'pull_request'");
    expect(job.permissions?.['security-events']).toBe('write');
    const upload = job.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe('avnet.sarif');
    const v = all.filter((i) => i.job === 'validate');
    expect(v.map((i) => [i.command, i.text.match(/--format (\w+)/)?.[1]])).toEqual([
      ['validate', 'sarif'],
      ['validate', 'github'],
    ]);
    expect(v[0]!.text).toContain('> avnet.sarif');
  });

  it('comments the markdown plan and diff on pull requests, branching on --detailed-exitcode', () => {
    const job = workflow.jobs.plan!;
    expect(job.permissions?.['pull-requests']).toBe('write');
    const p = all.filter((i) => i.job === 'plan');
    const plan = p.find((i) => i.command === 'plan')!;
    expect(plan.flags).toEqual(expect.arrayContaining(['--format', '--detailed-exitcode']));
    expect(plan.text).toContain('--format markdown');
    const diff = p.find((i) => i.command === 'diff')!;
    expect(diff.text).toContain('"git:origin/$BASE_REF:$AVNET_TOPOLOGY"');
    expect(diff.text).toContain('--format markdown');
    const planStep = job.steps.find((s) => s.id === 'plan')!;
    expect(planStep.run).toMatch(/0\) echo "changes=false"/);
    expect(planStep.run).toMatch(/2\) echo "changes=true"/);
    expect(planStep.run).toMatch(/\*\) exit "\$code"/);
    const comment = job.steps.find((s) => s.run?.includes('gh pr comment'))!;
    expect(comment.env?.GH_TOKEN).toBe('${{ github.token }}');
    // The checkout must have the base branch for git:origin/BASE:topology.yaml.
    expect(job.steps[0]!.with?.['fetch-depth']).toBe(0);
  });

  it('applies pushes to main through a saved plan, one at a time', () => {
    const job = workflow.jobs.apply!;
    expect(job.if).toContain("github.ref == 'refs/heads/main'");
    const a = all.filter((i) => i.job === 'apply');
    expect(a.map((i) => i.command)).toEqual(['plan', 'apply']);
    expect(a[0]!.flags).toEqual(expect.arrayContaining(['--detailed-exitcode', '--out']));
    expect(a[1]!.text).toMatch(/^avnet apply avnet\.plan --yes/);
    const applyStep = job.steps.find((s) => s.run?.startsWith('avnet apply'))!;
    expect(applyStep.if).toBe("steps.plan.outputs.changes == 'true'");
    expect(job.env?.AVNET_PASSWORD).toBe('${{ secrets.AVNET_PASSWORD }}');
  });

  it('runs only avnet commands and flags that exist', async () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    const global = await helpFlags();
    for (const inv of all) {
      const flags = await helpFlags(inv.command);
      for (const f of inv.flags) {
        expect(
          flags.has(f) || global.has(f),
          `${inv.text}: ${f} is not a flag of avnet ${inv.command}`,
        ).toBe(true);
      }
    }
  });

  it('never expands ${{ }} expressions inside scripts (no script injection)', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const s of job.steps) if (s.run) expect(s.run).not.toContain('${{');
    }
  });
});
