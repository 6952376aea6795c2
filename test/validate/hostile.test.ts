/**
 * Hostile and broken input through the real CLI: whatever the file holds, `avnet validate`
 * exits 1 with a diagnostic of the right rule, valid JSON on stdout and no stack trace.
 */
import { copyFile, mkdir, open, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TOPOLOGY_BYTES } from '../../src/load/source-file.js';
import {
  BASIC_CERTS,
  expectNoCrash,
  parseReport,
  runAvnet,
  tempDir,
  type CliResult,
} from './helpers.js';

let root: string;
let removeRoot: () => Promise<void>;
/** The topology folder; `outside/` is its sibling, outside its tree. */
let net: string;
let outside: string;

const HEADER = 'apiVersion: avnet/v1\nkind: Topology\n';

/** A valid two-server topology whose AUX certificate (or publicKey, or secret file) is `ref`. */
function withReference(ref: string, where: 'certificate' | 'publicKey' | 'secret'): string {
  const q = JSON.stringify(ref);
  return [
    HEADER.trimEnd(),
    'servers:',
    '  MAIN:',
    '    address: main.example',
    '    certificates: [certs/MAIN.pem]',
    '  AUX:',
    '    address: aux.example',
    `    certificates: [${where === 'certificate' ? q : 'certs/AUXILIARY.pem'}]`,
    ...(where === 'publicKey' ? [`    publicKey: ${q}`] : []),
    'links:',
    '  - parent: MAIN',
    '    child: AUX',
    `    password: ${where === 'secret' ? `{ file: ${q} }` : '{ env: AVNET_MAIN_AUX }'}`,
    '',
  ].join('\n');
}

async function write(name: string, content: string | Uint8Array): Promise<string> {
  const file = path.join(net, name);
  await writeFile(file, content);
  return file;
}

async function validateJson(file: string, extra: readonly string[] = []): Promise<CliResult> {
  return runAvnet(['validate', file, '--format', 'json', ...extra], { cwd: net });
}

/** Runs the CLI and checks the contract every hostile input must keep. */
async function expectRejected(
  file: string,
  rule: string,
  message?: RegExp,
  extra: readonly string[] = [],
): Promise<ReturnType<typeof parseReport>> {
  const result = await validateJson(file, extra);
  expect(result.stdout + result.stderr).not.toContain('outside-secret-value');
  expectNoCrash(result);
  expect(result.code, result.stderr).toBe(1);
  const report = parseReport(result.stdout);
  expect(report.valid).toBe(false);
  expect(report.errors).toBeGreaterThan(0);
  const hit = report.diagnostics.find((d) => d.rule === rule);
  expect(hit, JSON.stringify(report.diagnostics, null, 2)).toBeDefined();
  expect(hit!.severity).toBe('error');
  for (const d of report.diagnostics) {
    expect(d.line ?? 1).toBeGreaterThanOrEqual(1);
    expect(d.column ?? 1).toBeGreaterThanOrEqual(1);
  }
  if (message) expect(hit!.message).toMatch(message);
  return report;
}

beforeAll(async () => {
  ({ dir: root, remove: removeRoot } = await tempDir('hostile'));
  net = path.join(root, 'net');
  outside = path.join(root, 'outside');
  await mkdir(path.join(net, 'certs'), { recursive: true });
  await mkdir(outside);
  await copyFile(path.join(BASIC_CERTS, 'MAIN.pem'), path.join(net, 'certs', 'MAIN.pem'));
  await copyFile(path.join(BASIC_CERTS, 'AUXILIARY.pem'), path.join(net, 'certs', 'AUXILIARY.pem'));
  await copyFile(path.join(BASIC_CERTS, 'AUXILIARY.pem'), path.join(outside, 'x.pem'));
  await writeFile(path.join(outside, 'secret'), 'outside-secret-value\n');
});

afterAll(async () => {
  await removeRoot?.();
});

describe.concurrent('hostile topology files', () => {
  it('an empty file', async () => {
    await expectRejected(await write('empty.yaml', ''), 'schema', /empty/);
  });

  it('a file of whitespace and comments only', async () => {
    await expectRejected(
      await write('comments.yaml', '   \n\t\n# nothing here\n   # nor here\n\n'),
      'schema',
      /empty/,
    );
  });

  it('binary garbage', async () => {
    // A fixed pseudo-random byte stream (with NUL bytes), so the test is the same on every run.
    const bytes = Buffer.alloc(4096);
    let x = 0x2545f491;
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    bytes[100] = 0;
    await expectRejected(await write('garbage.yaml', bytes), 'yaml-syntax', /binary/);
  });

  it('text that is not UTF-8 (Latin-1 bytes)', async () => {
    const latin1 = Buffer.from(`${HEADER}name: caf\xe9 r\xe9seau\nservers: {}\n`, 'latin1');
    await expectRejected(await write('latin1.yaml', latin1), 'yaml-syntax', /UTF-8/);
  });

  it('UTF-16 text', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')]);
    await expectRejected(await write('utf16.yaml', utf16), 'yaml-syntax');
  });

  it('a directory given as FILE', async () => {
    await mkdir(path.join(net, 'folder.yaml'));
    await expectRejected(path.join(net, 'folder.yaml'), 'yaml-syntax', /directory/);
  });

  it('a file over the size limit', async () => {
    // Sparse: the size is there at once, no 32 MiB written.
    const file = path.join(net, 'huge.yaml');
    const handle = await open(file, 'w');
    await handle.write(HEADER);
    await handle.truncate(MAX_TOPOLOGY_BYTES + 1);
    await handle.close();
    await expectRejected(file, 'yaml-syntax', /too large/);
  });

  it('an alias bomb ("billion laughs")', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const name = String.fromCharCode(97 + i);
      const prev = String.fromCharCode(96 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    await expectRejected(
      await write('bomb.yaml', `${HEADER}servers: {}\nx:\n  ${lines.join('\n  ')}\n`),
      'yaml-syntax',
      /alias/,
    );
  });

  it('flow sequences nested 10,000 deep', async () => {
    const deep = `${HEADER}servers: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    await expectRejected(await write('deep-seq.yaml', deep), 'yaml-syntax');
  });

  it('flow mappings nested 10,000 deep', async () => {
    const deep = `${HEADER}servers: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`;
    await expectRejected(await write('deep-map.yaml', deep), 'yaml-syntax');
  });

  it('a million unclosed brackets, and compact sequences nested a million deep', async () => {
    // Both used to keep yaml busy for minutes and gigabytes; the pre-scan refuses them at once.
    for (const [name, body] of [
      ['million-brackets.yaml', `servers: ${'['.repeat(1_000_000)}\n`],
      ['million-dashes.yaml', `servers:\n  ${'- '.repeat(1_000_000)}x\n`],
    ] as const) {
      const report = await expectRejected(await write(name, HEADER + body), 'yaml-syntax');
      expect(JSON.stringify(report)).toMatch(/more than 100 levels deep/);
    }
  });

  it('several YAML documents', async () => {
    const report = await expectRejected(
      await write('multi.yaml', `${HEADER}servers: {}\n---\n${HEADER}servers: {}\n`),
      'yaml-syntax',
      /several YAML documents/,
    );
    expect(report.diagnostics.find((d) => d.rule === 'yaml-syntax')!.line).toBe(4);
  });

  it('a duplicate server name', async () => {
    await expectRejected(
      await write(
        'dup.yaml',
        `${HEADER}servers:\n  MAIN: {address: a.example}\n  MAIN: {address: b.example}\n`,
      ),
      'yaml-syntax',
      /duplicate key/,
    );
  });

  it('a scalar, a sequence and a null where the topology mapping belongs', async () => {
    for (const [name, text] of [
      ['scalar.yaml', 'just a string\n'],
      ['seq.yaml', '- apiVersion: avnet/v1\n- kind: Topology\n'],
      ['null.yaml', '~\n'],
    ] as const) {
      await expectRejected(await write(name, text), 'schema');
    }
  });
});

describe.concurrent('hostile referenced files', () => {
  it('a certificate path that climbs out of the folder (../x.pem)', async () => {
    await expectRejected(
      await write('up.yaml', withReference('../outside/x.pem', 'certificate')),
      'path-outside-root',
    );
  });

  it('an absolute certificate path', async () => {
    await expectRejected(
      await write('abs.yaml', withReference(path.join(outside, 'x.pem'), 'certificate')),
      'path-outside-root',
    );
  });

  it('a symbolic link inside the folder that points outside it', async () => {
    await symlink(path.join(outside, 'x.pem'), path.join(net, 'certs', 'escape.pem'));
    await expectRejected(
      await write('symlink.yaml', withReference('certs/escape.pem', 'certificate')),
      'path-outside-root',
    );
  });

  it('a secret file outside the folder, even when secrets are resolved', async () => {
    const file = await write('secret-out.yaml', withReference('../outside/secret', 'secret'));
    await expectRejected(file, 'path-outside-root', undefined, ['--secrets']);
  });

  it('a certificate path that is a directory', async () => {
    await mkdir(path.join(net, 'certs', 'dir.pem'));
    await expectRejected(
      await write('cert-dir.yaml', withReference('certs/dir.pem', 'certificate')),
      'certificate-invalid',
      /directory/,
    );
  });

  it('a dangling symbolic link as certificate (an unreadable file)', async () => {
    await symlink('gone.pem', path.join(net, 'certs', 'dangling.pem'));
    await expectRejected(
      await write('dangling.yaml', withReference('certs/dangling.pem', 'certificate')),
      'certificate-invalid',
      /does not exist/,
    );
  });

  it('a missing certificate file', async () => {
    await expectRejected(
      await write('missing-cert.yaml', withReference('certs/nope.pem', 'certificate')),
      'certificate-invalid',
      /does not exist/,
    );
  });

  it('a certificate file holding garbage', async () => {
    await writeFile(path.join(net, 'certs', 'garbage.pem'), 'this is not a certificate\n');
    await expectRejected(
      await write('cert-garbage.yaml', withReference('certs/garbage.pem', 'certificate')),
      'certificate-invalid',
      /not a PEM certificate/,
    );
  });

  it('a binary certificate file', async () => {
    await writeFile(path.join(net, 'certs', 'binary.pem'), Buffer.from([0x30, 0x82, 0, 0, 1]));
    await expectRejected(
      await write('cert-binary.yaml', withReference('certs/binary.pem', 'certificate')),
      'certificate-invalid',
    );
  });

  it('a private key where the certificate belongs', async () => {
    await copyFile(path.join(BASIC_CERTS, 'MAIN.key'), path.join(net, 'certs', 'key.pem'));
    await expectRejected(
      await write('cert-key.yaml', withReference('certs/key.pem', 'certificate')),
      'certificate-invalid',
      /private key/,
    );
  });

  it('a truncated PEM certificate (cut in the middle)', async () => {
    const pem = await readFile(path.join(BASIC_CERTS, 'MAIN.pem'), 'utf8');
    await writeFile(path.join(net, 'certs', 'cut.pem'), pem.slice(0, pem.length >> 1));
    await expectRejected(
      await write('cert-cut.yaml', withReference('certs/cut.pem', 'certificate')),
      'certificate-invalid',
    );
  });

  it('a PEM certificate with lines missing between BEGIN and END', async () => {
    const lines = (await readFile(path.join(BASIC_CERTS, 'MAIN.pem'), 'utf8')).split('\n');
    const holed = [...lines.slice(0, 4), ...lines.slice(-3)].join('\n');
    await writeFile(path.join(net, 'certs', 'holed.pem'), holed);
    await expectRejected(
      await write('cert-holed.yaml', withReference('certs/holed.pem', 'certificate')),
      'certificate-invalid',
      /cannot be parsed/,
    );
  });

  it('a public key file holding garbage', async () => {
    await writeFile(
      path.join(net, 'certs', 'bad.pub'),
      '-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n',
    );
    await expectRejected(
      await write('pub-garbage.yaml', withReference('certs/bad.pub', 'publicKey')),
      'certificate-invalid',
      /public key/,
    );
  });
});

describe('a topology file that does not exist', () => {
  it('exits 64 (usage error) with a one-line message and nothing on stdout', async () => {
    const result = await runAvnet(['validate', 'no-such-topology.yaml', '--format', 'json'], {
      cwd: net,
    });
    expectNoCrash(result);
    expect(result.code).toBe(64);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no-such-topology\.yaml.*does not exist/);
  });

  it('defaults to topology.yaml in the working folder', async () => {
    const { dir, remove } = await tempDir('nofile');
    try {
      const result = await runAvnet(['validate'], { cwd: dir });
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(/topology\.yaml does not exist/);
    } finally {
      await remove();
    }
  });
});
