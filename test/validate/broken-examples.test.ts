/**
 * examples/broken: every file's `--format json` output still equals its `.expected.json`, and
 * the README still shows what `avnet validate` prints, so the documentation stays true.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BROKEN_DIR,
  expectedJsonPath,
  listBrokenExamples,
  renderBrokenReadme,
  runBrokenExample,
  type BrokenExample,
} from '../../scripts/gen-broken-examples.js';
import { expectNoCrash, REPO_ROOT, runMain } from './helpers.js';

const REGENERATE = 'npm run build && node dist/scripts/gen-broken-examples.js';

let examples: BrokenExample[] = [];

beforeAll(async () => {
  const files = await listBrokenExamples(REPO_ROOT);
  // The CLI's own main() with captured streams, from the repository root as the README shows;
  // hostile.test.ts and formats.test.ts cover the spawned process.
  examples = await Promise.all(
    files.map((f) => runBrokenExample(REPO_ROOT, f, (root, args) => runMain(args, { cwd: root }))),
  );
}, 120_000);

describe('examples/broken', () => {
  it('holds one example per common mistake', () => {
    expect(examples.map((e) => e.file)).toEqual(
      expect.arrayContaining([
        'duplicate-credentials.yaml',
        'peer-address-both-sides.yaml',
        'missing-fields.yaml',
        'encryption-mismatch.yaml',
        'unknown-server.yaml',
        'off-grid-restriction.yaml',
        'v10-without-public-key.yaml',
        'expired-certificate.yaml',
      ]),
    );
  });

  it('every example prints what its .expected.json says', async () => {
    for (const e of examples) {
      expectNoCrash(e.json);
      const expected = await readFile(expectedJsonPath(REPO_ROOT, e.file), 'utf8').catch(
        () => '(missing)',
      );
      expect(e.json.stdout, `${e.file} changed; regenerate with: ${REGENERATE}`).toBe(expected);
    }
  });

  it('every example shows the problem it is about (each file fails or warns)', () => {
    const wanted: Record<string, string> = {
      'duplicate-credentials.yaml': 'duplicate-credentials',
      'shared-certificate.yaml': 'shared-certificate',
      'peer-address-both-sides.yaml': 'peer-address-both-sides',
      'missing-fields.yaml': 'missing-field',
      'encryption-mismatch.yaml': 'encryption-mismatch',
      'unknown-server.yaml': 'unknown-server',
      'off-grid-restriction.yaml': 'invalid-schedule',
      'v10-without-public-key.yaml': 'version-interop',
      'expired-certificate.yaml': 'certificate-expired',
      'plaintext-password.yaml': 'plaintext-secret',
    };
    for (const e of examples) {
      const report = JSON.parse(e.json.stdout) as { diagnostics: { rule: string }[] };
      expect(report.diagnostics.length, e.file).toBeGreaterThan(0);
      if (wanted[e.file]) expect(report.diagnostics.map((d) => d.rule)).toContain(wanted[e.file]);
      // Errors exit 1, warnings alone exit 0.
      const errors = (JSON.parse(e.json.stdout) as { errors: number }).errors;
      expect(e.text.code, e.file).toBe(errors > 0 ? 1 : 0);
    }
  });

  it('the expired certificate stays expired: it ended on 2021-01-01, whatever today is', () => {
    const e = examples.find((x) => x.file === 'expired-certificate.yaml')!;
    expect(e.text.stdout).toContain('expired on 2021-01-01T00:00:00Z');
  });

  it('README.md shows the current output of every example', async () => {
    const readme = await readFile(path.join(REPO_ROOT, BROKEN_DIR, 'README.md'), 'utf8');
    expect(readme, `examples/broken/README.md is stale; regenerate with: ${REGENERATE}`).toBe(
      renderBrokenReadme(examples),
    );
  });

  it('never leaks the inline password of plaintext-password.yaml', () => {
    const e = examples.find((x) => x.file === 'plaintext-password.yaml')!;
    for (const out of [e.text.stdout, e.text.stderr, e.json.stdout, e.json.stderr])
      expect(out).not.toContain('correct-horse-battery-staple');
  });
});
