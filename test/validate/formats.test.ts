/**
 * The four `validate` output formats on one broken file with several rules firing, `--strict`,
 * the clean examples, and secrets that must not appear in any of them.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/model/index.js';
import { allRuleDocs } from '../../src/cli/rule-docs.js';
import {
  BASIC_CERTS,
  expectNoCrash,
  parseReport,
  runAvnet,
  runMain,
  tempDir,
  type CliResult,
  type JsonReport,
} from './helpers.js';

let dir: string;
let remove: () => Promise<void>;
/** A file name with `,` and `:`, which GitHub workflow command properties must escape. */
const BROKEN_NAME = 'net,1:broken.yaml';
let broken: string;
let warningsOnly: string;

// Lines matter: assertions below refer to them.
const BROKEN = [
  'apiVersion: avnet/v1', // 1
  'kind: Topology', // 2
  'servers:', // 3
  '  MAIN:', // 4
  '    address: main.example', // 5
  '    certificates: [certs/MAIN.pem]', // 6
  '    encryption: yes', // 7
  '  AUX:', // 8
  '    address: aux.example', // 9
  '    certificates: [certs/AUXILIARY.pem]', // 10
  '    encryption: no', // 11
  'links:', // 12
  '  - parent: MAIN', // 13  encryption-mismatch, related: lines 7 and 11
  '    child: AUX', // 14
  '    password: an-inline-password', // 15  plaintext-secret (warning)
  '  - parent: MAIN', // 16
  '    child: "100%\\nDONE,x:y"', // 17  unknown-server; message holds % , : and a newline
  '    password: { env: AVNET_MAIN_X }', // 18
  '',
].join('\n');

const WARNINGS_ONLY = [
  'apiVersion: avnet/v1',
  'kind: Topology',
  'servers:',
  '  MAIN: { address: main.example, certificates: [certs/MAIN.pem] }',
  '  AUX: { address: aux.example, certificates: [certs/AUXILIARY.pem] }',
  'links:',
  '  - parent: MAIN',
  '    child: AUX',
  '    password: { env: AVNET_MAIN_AUX }',
  '    reconnectPeriod: 15m', // periodic-only: a warning
  '',
].join('\n');

beforeAll(async () => {
  ({ dir, remove } = await tempDir('formats'));
  await mkdir(path.join(dir, 'certs'));
  for (const c of ['MAIN.pem', 'AUXILIARY.pem'])
    await copyFile(path.join(BASIC_CERTS, c), path.join(dir, 'certs', c));
  broken = path.join(dir, BROKEN_NAME);
  warningsOnly = path.join(dir, 'warnings.yaml');
  await writeFile(broken, BROKEN);
  await writeFile(warningsOnly, WARNINGS_ONLY);
});

afterAll(async () => {
  await remove?.();
});

async function validate(file: string, ...flags: string[]): Promise<CliResult> {
  const result = await runMain(['validate', file, ...flags]);
  expectNoCrash(result);
  return result;
}

describe('--format text', () => {
  it('prints FILE:LINE:COL: SEVERITY: MESSAGE [rule], the source line, a caret, a summary', async () => {
    const { code, stdout, stderr } = await validate(broken);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    const heads = lines.filter(
      (l) => l.startsWith(broken) && /:\d+:\d+: (error|warning): /.test(l),
    );
    const parsed = heads.map((l) => {
      const m = /^(.*):(\d+):(\d+): (error|warning): (.*) \[([a-z-]+)\]$/.exec(l);
      expect(m, l).not.toBeNull();
      return { line: Number(m![2]), col: Number(m![3]), sev: m![4], msg: m![5], rule: m![6] };
    });
    expect(parsed.map((p) => [p.rule, p.sev, p.line, p.col])).toEqual([
      ['encryption-mismatch', 'error', 13, 5],
      ['plaintext-secret', 'warning', 15, 15],
      ['unknown-server', 'error', 17, 12],
    ]);
    // The message stays on one line: the newline in the server name is shown as ⟨U+000A⟩.
    expect(parsed[2]!.msg).toBe('server "100%⟨U+000A⟩DONE,x:y" is not defined in servers');

    // Each head is followed by the numbered source line and a caret under the column.
    for (const p of parsed) {
      const at = lines.findIndex((l) => l.startsWith(`${broken}:${p.line}:${p.col}:`));
      const source = lines[at + 1]!;
      const caret = lines[at + 2]!;
      expect(source.startsWith(`${p.line} | `)).toBe(true);
      const sourceText = source.slice(`${p.line} | `.length);
      expect(caret).toMatch(/^ +\| +\^+$/);
      expect(caret.indexOf('^') - caret.indexOf('|') - 2).toBe(p.col - 1);
      if (p.rule !== 'plaintext-secret') {
        expect(sourceText).toBe(BROKEN.split('\n')[p.line - 1]);
      }
    }
    // The inline password's line is masked.
    expect(stdout).toContain('15 |     password: ***');
    expect(stdout).not.toContain('an-inline-password');
    // Related places as notes.
    expect(stdout).toContain(`  note: ${broken}:7:17: MAIN: encryption yes`);
    expect(stdout).toContain(`  note: ${broken}:11:17: AUX: encryption no`);
    expect(lines.at(-1)).toBe(`${broken}: invalid: 2 errors, 1 warning`);
  });

  it('has no colour codes when stdout is not a terminal', async () => {
    const { stdout } = await validate(broken);
    expect(stdout).not.toContain('\u001b[');
  });
});

describe('--format json', () => {
  let report: JsonReport;
  let raw: CliResult;
  beforeAll(async () => {
    raw = await validate(broken, '--format', 'json');
    report = parseReport(raw.stdout);
  });

  it('prints only the JSON report on stdout, nothing on stderr, and exits 1', () => {
    expect(raw.code).toBe(1);
    expect(raw.stderr).toBe('');
    expect(raw.stdout.trim().startsWith('{')).toBe(true);
  });

  it('has the contract shape: version, file, valid, counts, diagnostics', () => {
    expect(Object.keys(report)).toEqual([
      'version',
      'file',
      'valid',
      'errors',
      'warnings',
      'diagnostics',
    ]);
    expect(report).toMatchObject({
      version: 1,
      file: broken,
      valid: false,
      errors: 2,
      warnings: 1,
    });
    const allowed = new Set([
      'rule',
      'severity',
      'message',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'pointer',
      'server',
      'neighbor',
      'related',
    ]);
    for (const d of report.diagnostics) {
      for (const k of Object.keys(d)) expect(allowed.has(k), k).toBe(true);
      expect(RULE_IDS).toContain(d.rule);
      expect(['error', 'warning']).toContain(d.severity);
      expect(typeof d.message).toBe('string');
      expect(d.file).toBe(broken);
      expect(Number.isInteger(d.line) && d.line! >= 1).toBe(true);
      expect(Number.isInteger(d.column) && d.column! >= 1).toBe(true);
      expect(d.pointer).toMatch(/^(\/[^/]*)*$/);
      expect(Array.isArray(d.related)).toBe(true);
      for (const r of d.related) {
        for (const k of Object.keys(r)) expect(['file', 'line', 'column', 'message']).toContain(k);
      }
    }
    expect(report.errors).toBe(report.diagnostics.filter((d) => d.severity === 'error').length);
    expect(report.warnings).toBe(report.diagnostics.filter((d) => d.severity === 'warning').length);
  });

  it('gives positions, pointers and related places', () => {
    const byRule = new Map(report.diagnostics.map((d) => [d.rule, d]));
    expect(byRule.get('encryption-mismatch')).toMatchObject({
      line: 13,
      column: 5,
      pointer: '/links/0',
      related: [
        { file: broken, line: 7, column: 17, message: 'MAIN: encryption yes (from server)' },
        { file: broken, line: 11, column: 17, message: 'AUX: encryption no (from server)' },
      ],
    });
    expect(byRule.get('plaintext-secret')).toMatchObject({
      severity: 'warning',
      line: 15,
      column: 15,
      pointer: '/links/0/password',
      related: [],
    });
    expect(byRule.get('unknown-server')).toMatchObject({
      line: 17,
      column: 12,
      pointer: '/links/1/child',
      message: 'server "100%⟨U+000A⟩DONE,x:y" is not defined in servers',
    });
  });

  it('says valid: true for a warnings-only file, and false for it under --strict', async () => {
    const plain = await validate(warningsOnly, '--format', 'json');
    expect(plain.code).toBe(0);
    expect(parseReport(plain.stdout)).toMatchObject({ valid: true, errors: 0, warnings: 1 });
    const strict = await validate(warningsOnly, '--format', 'json', '--strict');
    expect(strict.code).toBe(1);
    expect(parseReport(strict.stdout)).toMatchObject({ valid: false, errors: 0, warnings: 1 });
  });
});

describe('--format github', () => {
  it('prints one workflow command per diagnostic with escaped properties and data', async () => {
    const { code, stdout, stderr } = await validate(broken, '--format', 'github');
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const file = broken.replace(/%/g, '%25').replace(/:/g, '%3A').replace(/,/g, '%2C');
    expect(file).toContain('net%2C1%3Abroken.yaml');
    const command = /^::(error|warning) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$/;
    const parsed = lines.map((l) => {
      const m = command.exec(l);
      expect(m, l).not.toBeNull();
      const props = Object.fromEntries(
        m![2]!.split(',').map((p) => p.split('=') as [string, string]),
      );
      return { level: m![1], props, data: m![3]! };
    });
    expect(parsed.map((p) => [p.level, p.props.title, p.props.line, p.props.col])).toEqual([
      ['error', 'encryption-mismatch', '13', '5'],
      ['warning', 'plaintext-secret', '15', '15'],
      ['error', 'unknown-server', '17', '12'],
    ]);
    for (const p of parsed) expect(p.props.file).toBe(file);
    // `%` is escaped in the message (the newline is already shown as ⟨U+000A⟩); `,` and `:` may stay.
    expect(parsed[2]!.data).toBe('server "100%25⟨U+000A⟩DONE,x:y" is not defined in servers');
  });

  it('prints warnings as errors under --strict, and nothing for a clean file', async () => {
    const strict = await validate(warningsOnly, '--format', 'github', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^::error file=.*title=periodic-only::/);
    const plain = await validate(warningsOnly, '--format', 'github');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^::warning file=.*title=periodic-only::/);
    const clean = await validate('examples/basic/topology.yaml', '--format', 'github');
    expect(clean).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('--format sarif', () => {
  interface SarifRule {
    id: string;
    shortDescription: { text: string };
    fullDescription?: { text: string };
    help: { text: string; markdown?: string };
    helpUri: string;
    defaultConfiguration?: { level: string };
  }
  interface SarifRegion {
    startLine: number;
    startColumn: number;
    endLine?: number;
    endColumn?: number;
  }
  interface SarifLocation {
    id?: number;
    message?: { text: string };
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: SarifRegion;
    };
  }
  interface SarifLog {
    $schema: string;
    version: string;
    runs: {
      tool: { driver: { name: string; version: string; rules: SarifRule[] } };
      originalUriBaseIds?: Record<string, { uri?: string; description?: { text: string } }>;
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: SarifLocation[];
        relatedLocations?: SarifLocation[];
      }[];
    }[];
  }
  let sarif: SarifLog;
  let code: number;
  beforeAll(async () => {
    const r = await validate(broken, '--format', 'sarif');
    code = r.code;
    sarif = JSON.parse(r.stdout) as SarifLog;
  });

  it('is a SARIF 2.1.0 log with one run of avnet', () => {
    expect(code).toBe(1);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.tool.driver.name).toBe('avnet');
    expect(sarif.runs[0]!.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('describes every rule id once, with help text and a helpUri into docs/rules.md', () => {
    const rules = sarif.runs[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual([...RULE_IDS]);
    const docs = new Map(allRuleDocs().map((d) => [d.id, d]));
    for (const r of rules) {
      expect(r.helpUri.endsWith(`docs/rules.md#${r.id}`), r.helpUri).toBe(true);
      expect(r.shortDescription.text).toBe(docs.get(r.id as never)!.summary);
      expect(r.help.text).toContain(docs.get(r.id as never)!.description);
      expect(r.help.text.length).toBeGreaterThan(r.shortDescription.text.length);
      expect(['error', 'warning']).toContain(r.defaultConfiguration?.level);
    }
  });

  it('reports results with ruleId, ruleIndex, level, locations, regions and related locations', () => {
    const run = sarif.runs[0]!;
    const results = run.results;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['encryption-mismatch', 'error'],
      ['plaintext-secret', 'warning'],
      ['unknown-server', 'error'],
    ]);
    for (const r of results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.locations).toHaveLength(1);
      // The file lives outside the working folder: an absolute file:// URI, not a bare path.
      expect(r.locations[0]!.physicalLocation.artifactLocation).toEqual({
        uri: pathToFileURL(broken).href,
      });
      expect(r.message.text.length).toBeGreaterThan(0);
    }
    expect(results[0]!.locations[0]!.physicalLocation.region).toMatchObject({
      startLine: 13,
      startColumn: 5,
    });
    expect(results[2]!.locations[0]!.physicalLocation.region).toEqual({
      startLine: 17,
      startColumn: 12,
      endLine: 17,
      endColumn: 28,
    });
    expect(results[0]!.relatedLocations).toEqual([
      {
        id: 1,
        message: { text: 'MAIN: encryption yes (from server)' },
        physicalLocation: {
          artifactLocation: { uri: pathToFileURL(broken).href },
          region: expect.objectContaining({ startLine: 7, startColumn: 17 }),
        },
      },
      {
        id: 2,
        message: { text: 'AUX: encryption no (from server)' },
        physicalLocation: {
          artifactLocation: { uri: pathToFileURL(broken).href },
          region: expect.objectContaining({ startLine: 11, startColumn: 17 }),
        },
      },
    ]);
    expect(results[1]!.relatedLocations).toBeUndefined();
  });
});

describe('--format sarif locations', () => {
  it('gives a file inside the working folder relative to SRCROOT', async () => {
    const r = await validate('examples/broken/unknown-server.yaml', '--format', 'sarif');
    const log = JSON.parse(r.stdout) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: unknown } }[] }[] }[];
    };
    for (const result of log.runs[0]!.results) {
      expect(result.locations[0]!.physicalLocation.artifactLocation).toEqual({
        uri: 'examples/broken/unknown-server.yaml',
        uriBaseId: 'SRCROOT',
      });
    }
  });

  it('declares SRCROOT for relative locations and gives a file outside the working folder as a file:// URI', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'avnet sarif '));
    const file = path.join(outside, 'topology.yaml');
    await copyFile(broken, file);
    try {
      const r = await validate(file, '--format', 'sarif');
      const log = JSON.parse(r.stdout) as {
        runs: {
          originalUriBaseIds: Record<string, unknown>;
          results: { locations: { physicalLocation: { artifactLocation: unknown } }[] }[];
        }[];
      };
      const run = log.runs[0]!;
      expect(run.originalUriBaseIds).toHaveProperty('SRCROOT');
      for (const result of run.results) {
        const where = result.locations[0]!.physicalLocation.artifactLocation;
        // Not a bare absolute path (SARIF1004): an absolute, percent-encoded file URI.
        expect(where).toEqual({ uri: pathToFileURL(file).href });
        expect(pathToFileURL(file).href).toMatch(/^file:\/\/\/.*avnet%20sarif%20/);
      }
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('exit codes', () => {
  it('--strict turns a warnings-only file into exit 1 in every format', async () => {
    for (const format of ['text', 'json', 'github', 'sarif']) {
      expect((await validate(warningsOnly, '--format', format)).code, format).toBe(0);
      expect((await validate(warningsOnly, '--format', format, '--strict')).code, format).toBe(1);
    }
    const text = await validate(warningsOnly, '--strict');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      `${warningsOnly}: invalid: 0 errors, 1 warning (warnings fail under --strict)`,
    );
  });

  for (const example of ['examples/basic/topology.yaml', 'examples/enterprise/topology.yaml']) {
    it(`exits 0 for ${example} in every format, also under --strict`, async () => {
      for (const format of ['text', 'json', 'github', 'sarif']) {
        const r = await validate(example, '--format', format, '--strict');
        expect(r.code, `${format}: ${r.stdout}`).toBe(0);
        expect(r.stderr).toBe('');
        if (format === 'json')
          expect(parseReport(r.stdout)).toMatchObject({ valid: true, errors: 0, warnings: 0 });
        if (format === 'sarif') expect(JSON.parse(r.stdout).runs[0].results).toEqual([]);
        if (format === 'text') expect(r.stdout).toMatch(/: valid \(\d+ servers, \d+ links?\)\n$/);
      }
    });
  }

  it('exits 64 on an unknown format', async () => {
    const r = await validate(broken, '--format', 'xml');
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
  });
});

describe('secrets never appear in validate output', () => {
  // Distinctive values with no characters any format escapes, so a leak is found verbatim.
  const INLINE = 'InlineHunter2Secret';
  const ENV = 'EnvCorrectHorseSecret';
  const FROM_FILE = 'FileBatteryStapleSecret';
  let secretsDir: string;
  let removeSecrets: () => Promise<void>;
  let file: string;
  let syntaxFile: string;

  // Errors sit on the very lines that hold the passwords.
  const SECRETS = [
    'apiVersion: avnet/v1',
    'kind: Topology',
    'servers:',
    '  MAIN: { address: main.example, certificates: [certs/MAIN.pem] }',
    '  AUX1: { address: aux1.example, certificates: [certs/AUXILIARY.pem] }',
    '  AUX2: { address: aux2.example, certificates: [certs/AUXILIARY.pem] }',
    'links:',
    // line 8: plaintext-secret and notifications-without-events (AUX1 receives no events)
    `  - { parent: MAIN, child: AUX1, password: ${INLINE}, notify: [AUX1] }`,
    // line 9: a schema error next to the env password; its value equals the inline one, so
    // duplicate-credentials fires on it by value (MAIN's certificate is on both links)
    '  - { parent: MAIN, child: AUX2, password: { env: AVNET_T_SAME }, compression: maybe }',
    // line 10: an unknown server next to a second env password
    '  - { parent: MAIN, child: NOPE, password: { env: AVNET_T_ENV } }',
    // line 11: a secret file, and a license period error on the same line
    '  - { parent: AUX1, child: AUX2, password: { file: pw.txt }, licenses: { validity: 0d } }',
    '',
  ].join('\n');

  // The password sits on the line of a YAML syntax error, so the file cannot be parsed.
  const SYNTAX = [
    'apiVersion: avnet/v1',
    'kind: Topology',
    'servers: { MAIN: { address: main.example }, AUX1: { address: aux1.example } }',
    'links:',
    '  - parent: MAIN',
    '    child: AUX1',
    `    password: ${INLINE}: [unclosed`,
    '',
  ].join('\n');

  const env = { AVNET_T_SAME: INLINE, AVNET_T_ENV: ENV };
  const leaks = (r: CliResult) =>
    [INLINE, ENV, FROM_FILE, 'Hunter2', 'CorrectHorse', 'BatteryStaple'].filter(
      (s) => r.stdout.includes(s) || r.stderr.includes(s),
    );

  beforeAll(async () => {
    ({ dir: secretsDir, remove: removeSecrets } = await tempDir('secrets'));
    await mkdir(path.join(secretsDir, 'certs'));
    for (const c of ['MAIN.pem', 'AUXILIARY.pem'])
      await copyFile(path.join(BASIC_CERTS, c), path.join(secretsDir, 'certs', c));
    await writeFile(path.join(secretsDir, 'pw.txt'), `${FROM_FILE}\n`);
    file = path.join(secretsDir, 'topology.yaml');
    syntaxFile = path.join(secretsDir, 'syntax.yaml');
    await writeFile(file, SECRETS);
    await writeFile(syntaxFile, SYNTAX);
  });

  afterAll(async () => {
    await removeSecrets?.();
  });

  it('reports errors on the password lines (so the test means something)', async () => {
    const r = await runAvnet(['validate', 'topology.yaml', '--format', 'json', '--secrets'], {
      cwd: secretsDir,
      env,
    });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const report = parseReport(r.stdout);
    const at = (line: number) =>
      report.diagnostics.filter((d) => d.line === line).map((d) => d.rule);
    expect(at(8)).toEqual(
      expect.arrayContaining(['plaintext-secret', 'notifications-without-events']),
    );
    expect(at(9)).toEqual(expect.arrayContaining(['schema', 'duplicate-credentials']));
    expect(at(10)).toContain('unknown-server');
    expect(at(11)).toContain('license-periods');
    expect(leaks(r)).toEqual([]);
  });

  const variants: [string, string[]][] = [
    ['text', ['--format', 'text']],
    ['json', ['--format', 'json']],
    ['github', ['--format', 'github']],
    ['sarif', ['--format', 'sarif']],
    ['text with --log-level debug', ['--format', 'text', '--log-level', 'debug']],
    ['json with --log-level debug', ['--format', 'json', '--log-level', 'debug']],
  ];

  for (const [name, flags] of variants) {
    it(`${name}: no secret value on stdout or stderr, resolved or not`, async () => {
      const [resolved, unresolved] = await Promise.all([
        runAvnet(['validate', 'topology.yaml', ...flags, '--secrets'], { cwd: secretsDir, env }),
        runAvnet(['validate', 'topology.yaml', ...flags], { cwd: secretsDir, env }),
      ]);
      for (const r of [resolved, unresolved]) {
        expectNoCrash(r);
        expect(r.code).toBe(1);
        expect(r.stdout.length).toBeGreaterThan(0);
        expect(leaks(r)).toEqual([]);
      }
      if (flags.includes('debug')) expect(resolved.stderr).toContain('"level":20');
    });
  }

  it('masks an inline password on a line with a YAML syntax error, in every format', async () => {
    const runs = await Promise.all(
      variants.map(([, flags]) =>
        runAvnet(['validate', 'syntax.yaml', ...flags], { cwd: secretsDir }),
      ),
    );
    for (const r of runs) {
      expectNoCrash(r);
      expect(r.code).toBe(1);
      expect(leaks(r)).toEqual([]);
    }
    // The text snippet still shows where the error is.
    expect(runs[0]!.stdout).toMatch(/syntax\.yaml:7:\d+: error: .*\[yaml-syntax\]/);
    expect(runs[0]!.stdout).toMatch(/^7 \| {5}password: \*+$/m);
  });
});
