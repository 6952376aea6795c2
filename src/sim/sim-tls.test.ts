import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIM_HOSTS,
  createSimTlsIdentity,
  hostsNotNamed,
  identityForHosts,
} from './sim-tls.js';

/** GETs https://HOST:PORT/ trusting only `caPem`; resolves 'ok' or the TLS error code. */
async function handshake(
  identity: { certPem: string; keyPem: string },
  caPem: string,
  host: string,
): Promise<string> {
  const server = https.createServer({ cert: identity.certPem, key: identity.keyPem }, (_q, r) =>
    r.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve) => {
      const req = https.get({ host, port, path: '/', ca: caPem, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve('ok'));
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe("the management APIs' HTTPS identity", () => {
  const identity = createSimTlsIdentity(['127.0.0.21', 'LOCALHOST', '[::1]']);

  it('names the loopback defaults and every host asked for, as IP or DNS names', () => {
    const x = new X509Certificate(identity.certPem);
    expect(x.subjectAltName).toContain('IP Address:127.0.0.21');
    expect(x.subjectAltName).toContain('DNS:localhost');
    expect(hostsNotNamed(identity.certPem, [...DEFAULT_SIM_HOSTS, '127.0.0.21'])).toEqual([]);
    expect(hostsNotNamed(identity.certPem, ['127.0.0.22', '127.0.0.21'])).toEqual(['127.0.0.22']);
    expect(x.checkIssued(new X509Certificate(identity.caPem))).toBe(true);
  });

  it('issues a certificate from the same CA for hosts the given one does not name', async () => {
    expect(identityForHosts(identity, ['127.0.0.21', '::1'])).toBe(identity);
    expect(await handshake(identity, identity.caPem, '127.0.0.22')).toBe(
      'ERR_TLS_CERT_ALTNAME_INVALID',
    );
    const wider = identityForHosts(identity, ['127.0.0.22']);
    expect(wider.caPem).toBe(identity.caPem);
    expect(
      hostsNotNamed(wider.certPem, ['127.0.0.21', '127.0.0.22', ...DEFAULT_SIM_HOSTS]),
    ).toEqual([]);
    expect(await handshake(wider, identity.caPem, '127.0.0.22')).toBe('ok');
    expect(await handshake(wider, identity.caPem, '127.0.0.21')).toBe('ok');
  });

  it('refuses hosts it cannot cover when the CA key is not at hand', () => {
    const { caKeyPem: _dropped, ...withoutKey } = identity;
    expect(() => identityForHosts(withoutKey, ['127.0.0.30'])).toThrow(
      /does not name 127\.0\.0\.30, and the identity given has no CA key/,
    );
  });
});
