import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../src/load/index.js';
import { validateTopology } from '../src/validate/index.js';
import { loadSimServers } from '../src/sim/index.js';
import {
  describeNetwork,
  generateNetwork,
  networkEnv,
  toYaml,
  type GeneratedNetwork,
} from './generate-network.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'avnet-gen-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function validate(net: GeneratedNetwork, env?: Record<string, string>) {
  const loaded = await loadTopology(net.topologyFile, {
    resolveSecrets: true,
    env: env ?? net.env,
  });
  return validateTopology(loaded);
}

describe('generateNetwork', () => {
  it('writes a network that validates with no diagnostics, secrets resolved', async () => {
    const net = await generateNetwork(path.join(tmp, 'n150'), { servers: 150, api: true });
    const result = await validate(net);
    expect(result.diagnostics).toEqual([]);
    expect(Object.keys(net.document.servers)).toHaveLength(150);
    // Every link has its own env variable and password value.
    expect(new Set(Object.keys(net.env)).size).toBe(net.links.length);
    expect(new Set(Object.values(net.env)).size).toBe(net.links.length);
    expect(net.links.some((l) => l.kind === 'peer')).toBe(true);
  });

  it('gives every server its own certificate with a distinct fingerprint', async () => {
    const net = await generateNetwork(path.join(tmp, 'n40'), { servers: 40 });
    const files = await readdir(path.join(net.dir, 'certs'));
    expect(files).toHaveLength(40);
    const prints = await Promise.all(
      files.map(
        async (f) =>
          new X509Certificate(await readFile(path.join(net.dir, 'certs', f))).fingerprint256,
      ),
    );
    expect(new Set(prints).size).toBe(40);
  });

  it('is valid at the smallest sizes and with host addressing', async () => {
    for (const servers of [1, 2, 3]) {
      const net = await generateNetwork(path.join(tmp, `tiny${servers}`), { servers });
      expect((await validate(net)).diagnostics).toEqual([]);
    }
    const hosts = await generateNetwork(path.join(tmp, 'hosts'), {
      servers: 30,
      addressing: 'hosts',
      api: true,
    });
    expect((await validate(hosts)).diagnostics).toEqual([]);
    expect(hosts.servers[0]!.address).toBe('127.0.0.1:2193');
  });

  it('writes YAML that parses back to the document', () => {
    const model = describeNetwork({ servers: 60, api: true });
    expect(parse(toYaml(model.document), { version: '1.2' })).toEqual(model.document);
  });

  it('reuses cached certificates', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const a = await generateNetwork(path.join(tmp, 'c1'), { servers: 12, certCacheDir: cacheDir });
    const b = await generateNetwork(path.join(tmp, 'c2'), { servers: 12, certCacheDir: cacheDir });
    const pem = (n: GeneratedNetwork) => readFile(path.join(n.dir, 'certs', 'HQ.pem'), 'utf8');
    expect(await pem(a)).toBe(await pem(b));
    expect((await validate(b)).diagnostics).toEqual([]);
  });

  it('writes the private keys the emulator needs beside the certificates', async () => {
    const net = await generateNetwork(path.join(tmp, 'keys'), {
      servers: 20,
      api: true,
      keys: true,
    });
    expect((await validate(net)).diagnostics).toEqual([]);
    for (const s of net.servers) {
      const certFile = path.join(net.dir, s.certificate);
      const keyFile = certFile.replace(/\.pem$/, '.key');
      const cert = new X509Certificate(await readFile(certFile));
      expect(cert.checkPrivateKey(createPrivateKey(await readFile(keyFile)))).toBe(true);
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect(s.api).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    }
    // The emulator accepts the network as it is: loopback addresses, https APIs, matching keys.
    const specs = await loadSimServers(net.topologyFile);
    expect(specs.map((s) => s.name)).toEqual(net.servers.map((s) => s.name));
    // Without the option no key is written.
    const plain = await generateNetwork(path.join(tmp, 'nokeys'), { servers: 5 });
    expect((await readdir(path.join(plain.dir, 'certs'))).every((f) => f.endsWith('.pem'))).toBe(
      true,
    );
  });

  it('applies modifications that later suites diff against', async () => {
    const base = describeNetwork({ servers: 50 });
    const peer = base.links.find((l) => l.kind === 'peer')!;
    const modified = await generateNetwork(path.join(tmp, 'mod'), {
      servers: 50,
      modify: [
        { kind: 'link-password', link: 0 },
        { kind: 'link-encryption', link: peer.index, value: 'no' },
        {
          kind: 'custom',
          apply: (doc) => {
            doc.servers['SITE-00001']!.encryption = 'no';
          },
        },
      ],
    });
    const env0 = base.links[0]!.env;
    expect(modified.env[env0]).not.toBe(base.env[env0]);
    expect(networkEnv({ servers: 50, modify: { kind: 'link-password', link: 0 } })[env0]).toBe(
      modified.env[env0],
    );
    expect(modified.document.links[peer.index]!.encryption).toBe('no');
    // SITE-00001 refuses encryption while its parent region insists on it.
    const result = await validate(modified);
    expect(result.diagnostics.map((d) => `${d.rule} ${d.pointer}`)).toEqual([
      `encryption-mismatch /links/${base.links.findIndex((l) => l.ends[1] === 'SITE-00001')}`,
    ]);

    const removed = describeNetwork({ servers: 50, modify: { kind: 'remove-link', link: 3 } });
    expect(removed.document.links).toHaveLength(base.links.length - 1);
    expect(removed.env[base.links[3]!.env]).toBeUndefined();
  });
});
