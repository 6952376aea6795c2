/**
 * Hand-written management API servers on loopback for the http client's fault tests: a real HTTPS
 * server whose every answer the test writes, and a small PKI (Node's RSA keys, forge certificates)
 * to give it certificates that name other hosts, come from another CA or have expired.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { API_VERSION } from '../../src/backends/index.js';

/** A certificate and its private key, PEM. */
export interface KeyAndCert {
  readonly cert: string;
  readonly key: string;
}

/** A throw-away CA. */
export interface TestPki {
  readonly caPem: string;
  /** A server certificate naming `names` (IPs become IP SANs), valid now unless told otherwise. */
  issue(names: readonly string[], validity?: { notBefore: Date; notAfter: Date }): KeyAndCert;
}

function rsaKeys(): { privateKeyPem: string; publicKeyPem: string } {
  // Node generates keys natively (forge's JavaScript RSA key generation takes seconds).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Creates a CA that issues loopback server certificates. */
export function createTestPki(commonName = 'avnet test CA'): TestPki {
  const caKeys = rsaKeys();
  const caKey = forge.pki.privateKeyFromPem(caKeys.privateKeyPem);
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKeyPem);
  ca.serialNumber = '01' + randomBytes(15).toString('hex');
  ca.validity.notBefore = new Date(Date.now() - 86_400_000);
  ca.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  ca.setSubject(attrs);
  ca.setIssuer(attrs);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKey, forge.md.sha256.create());
  // One key for every leaf: only the certificates' names and dates matter to these tests.
  const leafKeys = rsaKeys();
  return {
    caPem: forge.pki.certificateToPem(ca),
    issue(names, validity) {
      const c = forge.pki.createCertificate();
      c.publicKey = forge.pki.publicKeyFromPem(leafKeys.publicKeyPem);
      c.serialNumber = '01' + randomBytes(15).toString('hex');
      c.validity.notBefore = validity?.notBefore ?? new Date(Date.now() - 60_000);
      c.validity.notAfter = validity?.notAfter ?? new Date(Date.now() + 30 * 86_400_000);
      c.setSubject([{ name: 'commonName', value: names[0] ?? 'server' }]);
      c.setIssuer(ca.subject.attributes);
      c.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: names.map((n) =>
            /^[0-9.]+$/.test(n) || n.includes(':') ? { type: 7, ip: n } : { type: 2, value: n },
          ),
        },
      ]);
      c.sign(caKey, forge.md.sha256.create());
      return { cert: forge.pki.certificateToPem(c), key: leafKeys.privateKeyPem };
    },
  };
}

/** A request as the handler sees it, body read. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** What a handler answers. */
export interface Answer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
}

/** A running loopback API. */
export interface LoopbackApi {
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Requests received so far. */
  readonly requests: SeenRequest[];
  /** Connections accepted, and those the client ended (FIN) before the server closed them. */
  readonly connections: { opened: number; endedByClient: number; resumed: number };
  close(): Promise<void>;
}

/** Starts an HTTPS server on 127.0.0.1 whose answers `handle` writes (the n-th request is `n`, from 0). */
export async function startLoopbackApi(
  tls: KeyAndCert,
  handle: (req: SeenRequest, n: number) => Answer | Promise<Answer>,
  opts: { keepAliveTimeoutMs?: number } = {},
): Promise<LoopbackApi> {
  const requests: SeenRequest[] = [];
  const connections = { opened: 0, endedByClient: 0, resumed: 0 };
  const server = https.createServer(
    { cert: tls.cert, key: tls.key },
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen: SeenRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        requests.push(seen);
        void Promise.resolve(handle(seen, requests.length - 1)).then((a) => {
          const body =
            a.body === undefined
              ? ''
              : typeof a.body === 'string'
                ? a.body
                : JSON.stringify(a.body);
          res.writeHead(a.status ?? 200, { 'Content-Type': 'application/json', ...a.headers });
          res.end(body);
        });
      });
    },
  );
  if (opts.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  server.on('secureConnection', (socket) => {
    connections.opened++;
    if (socket.isSessionReused()) connections.resumed++;
    socket.on('end', () => connections.endedByClient++);
  });
  // TLS failures on the server side (the client refused our certificate) are the point of some tests.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requests,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The answer envelope of a server (`server` undefined: no `head.server` at all). */
export function envelope(
  server: { name?: string; uuid?: string; version?: string } | undefined,
  data: unknown,
  error?: { errno: number; message: string },
): unknown {
  return {
    head: {
      status: error ? 'error' : 'ok',
      timestamp: new Date().toISOString(),
      api: { version: API_VERSION },
      ...(server ? { server: { version: '13.0.0', ...server } } : {}),
    },
    data,
    ...(error ? { error } : {}),
  };
}

/** A fresh server's state, as `neighbors/state.ds` answers it. */
export function freshState(name: string, revision = 0): unknown {
  return {
    name,
    version: 13,
    protocol: 'disabled',
    pendingRestart: false,
    revision,
    neighbors: [],
  };
}
