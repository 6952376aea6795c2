/**
 * Test helpers: real topology folders in os.tmpdir() with generated certificates, and the real
 * load + validate pipeline over them, returning diagnostics with positions.
 *
 * File convention: a topology that mentions `certs/NAME.pem`, `keys/NAME.pub` or `keys/NAME.key`
 * gets that file written from the certificate pool (certificate, public key, private key of the
 * pool entry NAME) unless the case supplies its own content for that path.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateServerCertificate, type GenerateOptions } from '../../src/certs/index.js';
import {
  loadTopology,
  loadTopologyText,
  type LoadedTopology,
  type LoadOptions,
} from '../../src/load/index.js';
import type { Diagnostic, RuleId } from '../../src/model/index.js';
import {
  validateTopology,
  type ValidateOptions,
  type ValidationResult,
} from '../../src/validate/index.js';
import type { GeneratedCertificate } from '../../src/certs/index.js';

/** The committed openssl-made certificates (see test/fixtures/certs/make.sh). */
export const FIXTURE_CERTS_DIR = path.resolve(import.meta.dirname, '../fixtures/certs');

/** Key types of the committed fixtures; each has NAME.pem, NAME.key and NAME.pub. */
export const FIXTURE_KEY_TYPES = ['rsa2048', 'ec-p256', 'ec-p384', 'ed25519'] as const;

/** The text of a committed fixture file, e.g. `fixture('ed25519.pem')`. */
export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURE_CERTS_DIR, name), 'utf8');
}

/** The first two lines every test topology starts with. */
export const HEAD = 'apiVersion: avnet/v1\nkind: Topology\n';

/** Joins lines with newlines (and a final newline), so YAML in tests reads line by line. */
export function lines(...rows: string[]): string {
  return rows.join('\n') + '\n';
}

/**
 * Certificates generated once per test file and reused by name. Keys are 1024-bit by default:
 * the rules only look at fingerprints, dates and public keys, and a 2048-bit key costs ~130 ms.
 */
export class CertPool {
  private readonly made = new Map<string, GeneratedCertificate>();
  constructor(private readonly defaults: GenerateOptions = { bits: 1024 }) {}

  /** The pool entry `name`, generated on first use with `opts` (later calls return the same one). */
  get(name: string, opts: GenerateOptions = {}): GeneratedCertificate {
    let c = this.made.get(name);
    if (!c) {
      c = generateServerCertificate(name, { ...this.defaults, ...opts });
      this.made.set(name, c);
    }
    return c;
  }

  /** Generates the named entries now (call in beforeAll so tests do not pay for it). */
  warm(...names: string[]): this {
    for (const n of names) this.get(n);
    return this;
  }
}

/** What one case writes: the topology text and extra files relative to its folder. */
export interface CaseFiles {
  readonly yaml: string;
  /** Extra files (relative path → content); they win over pool files of the same path. */
  readonly files?: Readonly<Record<string, string>>;
  /** Symlinks to create (relative link path → target, as given to symlink(2)). */
  readonly symlinks?: Readonly<Record<string, string>>;
  /** Folder of the topology file inside the case folder (to test paths leaving the root). */
  readonly topologyDir?: string;
}

/** Options of one pipeline run. */
export interface RunOptions {
  readonly load?: LoadOptions;
  readonly validate?: ValidateOptions;
}

/** A case folder and what the real pipeline made of it. */
export interface PipelineRun {
  readonly dir: string;
  readonly file: string;
  readonly loaded: LoadedTopology;
  readonly result: ValidationResult;
  readonly diagnostics: readonly Diagnostic[];
}

/** A compact, comparable view of a diagnostic: `rule severity pointer @line:col`. */
export interface DiagSummary {
  readonly rule: RuleId;
  readonly severity: string;
  readonly pointer: string | undefined;
  readonly at: string;
  readonly related?: readonly string[];
}

/** One temp folder per test file; each case gets its own subfolder. */
export class Workspace {
  private counter = 0;
  private constructor(
    readonly root: string,
    readonly pool: CertPool,
  ) {}

  /** Creates the workspace folder under os.tmpdir(). */
  static async create(pool: CertPool = new CertPool()): Promise<Workspace> {
    return new Workspace(await mkdtemp(path.join(os.tmpdir(), 'avnet-test-')), pool);
  }

  /** Writes a case folder and returns the topology file's path. */
  async write(c: CaseFiles): Promise<{ dir: string; file: string }> {
    const dir = path.join(this.root, `case-${++this.counter}`);
    const topoDir = path.join(dir, c.topologyDir ?? '.');
    await mkdir(topoDir, { recursive: true });
    const file = path.join(topoDir, 'topology.yaml');
    await writeFile(file, c.yaml);
    const files = new Map<string, string>();
    for (const m of c.yaml.matchAll(
      /\b(certs\/([A-Za-z0-9_-]+)\.pem|keys\/([A-Za-z0-9_-]+)\.(pub|key))\b/g,
    )) {
      const rel = m[1]!;
      if (m[2] !== undefined) files.set(rel, this.pool.get(m[2]).certificatePem);
      else {
        const g = this.pool.get(m[3]!);
        files.set(rel, m[4] === 'pub' ? g.publicKeyPem : g.privateKeyPem);
      }
    }
    for (const [rel, text] of Object.entries(c.files ?? {})) files.set(rel, text);
    for (const rel of Object.keys(c.symlinks ?? {})) files.delete(rel);
    for (const [rel, text] of files) {
      const abs = path.join(topoDir, rel);
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, text);
    }
    for (const [rel, target] of Object.entries(c.symlinks ?? {})) {
      const abs = path.join(topoDir, rel);
      await mkdir(path.dirname(abs), { recursive: true });
      await symlink(target, abs);
    }
    return { dir, file };
  }

  /** Writes a case and runs the real pipeline: loadTopology + validateTopology. */
  async run(c: CaseFiles | string, opts: RunOptions = {}): Promise<PipelineRun> {
    const written = await this.write(typeof c === 'string' ? { yaml: c } : c);
    const loaded = await loadTopology(written.file, opts.load);
    const result = validateTopology(loaded, opts.validate);
    return { ...written, loaded, result, diagnostics: result.diagnostics };
  }

  /** Removes the whole workspace. */
  async cleanup(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/**
 * Runs the real pipeline on text held in memory (`loadTopologyText` + `validateTopology`).
 * Referenced files resolve against `rootDir` (default: a folder that does not exist).
 */
export async function validateText(
  yaml: string,
  opts: RunOptions & { rootDir?: string } = {},
): Promise<{
  loaded: LoadedTopology;
  result: ValidationResult;
  diagnostics: readonly Diagnostic[];
}> {
  const loaded = await loadTopologyText(yaml, 'topology.yaml', {
    rootDir: opts.rootDir ?? path.join(os.tmpdir(), 'avnet-test-no-such-dir'),
    ...opts.load,
  });
  const result = validateTopology(loaded, opts.validate);
  return { loaded, result, diagnostics: result.diagnostics };
}

/** Summarises diagnostics for comparison in tables. */
export function summarize(diagnostics: readonly Diagnostic[]): DiagSummary[] {
  return diagnostics.map((d) => ({
    rule: d.rule,
    severity: d.severity,
    pointer: d.pointer,
    at: `${d.line ?? '?'}:${d.column ?? '?'}`,
    ...(d.related ? { related: d.related.map((r) => `${r.line ?? '?'}:${r.column ?? '?'}`) } : {}),
  }));
}

/** The diagnostics of one rule, summarised. */
export function ofRule(run: PipelineRun | readonly Diagnostic[], rule: RuleId): DiagSummary[] {
  const all = 'diagnostics' in run ? run.diagnostics : run;
  return summarize(all.filter((d) => d.rule === rule));
}

/** A failing-case expectation: pointer, position and (optionally) related positions. */
export interface Expected {
  readonly pointer: string;
  readonly at: string;
  readonly related?: readonly string[];
}

/** Builds the summaries a rule should produce, for `toEqual` against `ofRule`. */
export function expected(
  rule: RuleId,
  severity: 'error' | 'warning',
  items: readonly Expected[],
): DiagSummary[] {
  return items.map((e) => ({
    rule,
    severity,
    pointer: e.pointer,
    at: e.at,
    ...(e.related ? { related: e.related } : {}),
  }));
}
