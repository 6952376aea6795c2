/**
 * The emulated management API on the wire (schemas/drweb-api.openapi.yaml), and the server
 * protocol seen by a client that does not know the link password.
 */
import https from 'node:https';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/sim/index.js';
import { sampleEntry } from '../backends/contract.js';
import {
  ADMIN,
  eventually,
  generateTopology,
  serverYaml,
  simulate,
  type GeneratedTopology,
} from './helpers.js';

let topo: GeneratedTopology;
let sim: Simulation;
const BASIC = 'Basic ' + Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

function call(
  server: string,
  method: string,
  pathAndQuery: string,
  opts: { auth?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(pathAndQuery, topo.api(server));
  const body =
    opts.body === undefined
      ? undefined
      : typeof opts.body === 'string'
        ? opts.body
        : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method,
      ca: sim.caPem,
      headers: {
        ...(opts.auth === null ? {} : { Authorization: opts.auth ?? BASIC }),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...opts.headers,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
      });
    });
    req.end(body);
  });
}

beforeAll(async () => {
  topo = await generateTopology(['MAIN', 'AUX'], (t) =>
    [
      'apiVersion: avnet/v1',
      'kind: Topology',
      'servers:',
      serverYaml(t, 'MAIN'),
      serverYaml(t, 'AUX'),
      '',
    ].join('\n'),
  );
  sim = await simulate(topo.file);
});

afterAll(async () => {
  await sim?.stop();
  await topo?.cleanup();
});

describe('management API', () => {
  it('answers server/summary.ds in the Dr.Web envelope, with uuid and version', async () => {
    const r = await call('MAIN', 'GET', '/api/server/summary.ds?format=json');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.body.head).toMatchObject({
      status: 'ok',
      api: { version: '1.0' },
      server: { name: 'MAIN', version: '13.0.0', uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(Date.parse(r.body.head.timestamp)).not.toBeNaN();
    expect(r.body.data).toMatchObject({
      name: 'MAIN',
      versionMajor: 13,
      protocol: 'disabled',
      revision: 0,
      neighbors: 0,
    });
    expect(r.body.data.uuid).toBe(r.body.head.server.uuid);
  });

  it('refuses missing or wrong credentials with 401 and never asks for them', async () => {
    for (const auth of [
      null,
      'Basic ' + Buffer.from('admin:nope').toString('base64'),
      'Bearer x',
    ]) {
      const r = await call('MAIN', 'GET', '/api/neighbors/state.ds', { auth });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBeUndefined();
      expect(r.body).toMatchObject({
        head: { status: 'error' },
        data: null,
        error: { errno: 2, message: 'authentication failed' },
      });
    }
  });

  it('reports unknown scripts, wrong methods and formats with their status codes', async () => {
    expect((await call('MAIN', 'GET', '/api/server/nothing.ds')).body.error.errno).toBe(3);
    expect((await call('MAIN', 'GET', '/api/server/nothing.ds')).status).toBe(404);
    expect((await call('MAIN', 'GET', '/api/neighbors/apply.ds')).status).toBe(405);
    expect((await call('MAIN', 'POST', '/api/neighbors/state.ds', { body: {} })).status).toBe(405);
    expect((await call('MAIN', 'GET', '/api/neighbors/state.ds?format=xml')).status).toBe(406);
  });

  it('guards writes with revisions: required, checked, answered with the new state and ETag', async () => {
    const missing = await call('AUX', 'POST', '/api/neighbors/add.ds', {
      body: { entry: sampleEntry('MAIN') },
    });
    expect([missing.status, missing.body.error.errno]).toEqual([428, 8]);
    const added = await call('AUX', 'POST', '/api/neighbors/add.ds', {
      body: { entry: sampleEntry('MAIN', { password: 'wire-secret-9f' }) },
      headers: { 'If-Match': '"0"' },
    });
    expect(added.status).toBe(200);
    expect(added.headers.etag).toBe('"1"');
    expect(added.body.data.revision).toBe(1);
    const stale = await call('AUX', 'POST', '/api/server/protocol.ds', {
      body: { revision: 0, state: 'enabled' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ data: { revision: 1 }, error: { errno: 7 } });
    const again = await call('AUX', 'POST', '/api/neighbors/add.ds', {
      body: { revision: 1, entry: sampleEntry('MAIN') },
    });
    expect([again.status, again.body.error.errno]).toEqual([409, 6]);
    const unknown = await call('AUX', 'POST', '/api/neighbors/delete.ds', {
      body: { revision: 1, name: 'NOBODY' },
    });
    expect([unknown.status, unknown.body.error.errno]).toEqual([404, 5]);
    const change = await call('AUX', 'POST', '/api/neighbors/change.ds', {
      body: { revision: 1, entry: sampleEntry('NOBODY') },
    });
    expect(change.status).toBe(404);
    const disagree = await call('AUX', 'POST', '/api/server/restart.ds', {
      body: { revision: 0 },
      headers: { 'If-Match': '"1"' },
    });
    expect(disagree.status).toBe(400);
    const state = await call('AUX', 'GET', '/api/neighbors/state.ds');
    expect(state.headers.etag).toBe('"1"');
    expect(state.body.data.neighbors[0].password).toBe('wire-secret-9f');
  });

  it('rejects invalid entries without echoing their values', async () => {
    const r = await call('MAIN', 'POST', '/api/neighbors/apply.ds', {
      body: {
        revision: 0,
        upsert: [{ ...sampleEntry('AUX'), password: 'echo-me-not-77', encryption: 'maybe' }],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/invalid change: .*encryption/);
    expect(r.text).not.toContain('echo-me-not-77');
    expect(
      (
        await call('MAIN', 'POST', '/api/neighbors/apply.ds', {
          body: '{nope',
          headers: { 'If-Match': '0' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('MAIN', 'POST', '/api/neighbors/apply.ds', {
          body: { revision: 0, upsert: [sampleEntry('MAIN')] },
        })
      ).body.error.message,
    ).toMatch(/cannot be its own neighbor/);
  });

  it('replays a write sent again with the same Idempotency-Key instead of doing it twice', async () => {
    const before = sim.servers.get('MAIN')!.writes;
    const rev = sim.servers.get('MAIN')!.state.revision;
    const send = (body: unknown) =>
      call('MAIN', 'POST', '/api/server/protocol.ds', {
        body,
        headers: { 'Idempotency-Key': 'key-1' },
      });
    const first = await send({ revision: rev, state: 'enabled' });
    const second = await send({ revision: rev, state: 'enabled' });
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(sim.servers.get('MAIN')!.writes).toBe(before + 1);
    const reused = await send({ revision: rev, state: 'disabled' });
    expect([reused.status, reused.body.error.errno]).toEqual([422, 11]);
  });

  it('answers neighbors/status.ds with each entry as its server sees it', async () => {
    const r = await call('AUX', 'GET', '/api/neighbors/status.ds');
    expect(r.body.data).toMatchObject({
      protocol: 'disabled',
      links: [
        {
          neighbor: 'MAIN',
          type: 'peer',
          dials: true,
          state: 'offline',
          reason: 'protocol-disabled',
        },
      ],
    });
  });
});

describe('server protocol', () => {
  it('lets no one in without the shared password, and never sends it', async () => {
    const main = sim.servers.get('MAIN')!;
    const aux = sim.servers.get('AUX')!;
    // MAIN: running, with an entry for AUX pinning AUX's certificate.
    const entry = sampleEntry('AUX', {
      password: 'the-link-secret-31',
      neighborCertificates: [aux.spec.certificatePem],
      ownCertificates: [main.spec.certificatePem],
      address: null,
    });
    main.commit({ expectedRevision: main.state.revision, protocol: 'enabled', upsert: [entry] });
    main.commit({ expectedRevision: main.state.revision, restart: true });

    // A client holding AUX's certificate and key, but not the password.
    const socket = tls.connect({
      host: '127.0.0.1',
      port: main.spec.address.port,
      cert: aux.spec.certificatePem,
      key: aux.spec.keyPem,
      rejectUnauthorized: false,
    });
    let received = '';
    socket.setEncoding('utf8').on('data', (c: string) => (received += c));
    await new Promise((r) => socket.once('secureConnect', r));
    // It really is TLS with MAIN's certificate.
    expect(socket.getPeerX509Certificate()?.fingerprint256).toBe(main.spec.fingerprint256);
    socket.write(
      JSON.stringify({ t: 'hello', v: 1, from: 'AUX', to: 'MAIN', type: 'peer', nonce: 'aa' }) +
        '\n',
    );
    await eventually(() => (received.includes('\n') ? true : undefined), 5000, 'a challenge');
    const challenge = JSON.parse(received.split('\n')[0]!);
    expect(challenge).toMatchObject({
      t: 'challenge',
      proof: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    socket.write(
      JSON.stringify({
        t: 'proof',
        proof: '0'.repeat(64),
        encryption: 'possible',
        compression: 'no',
      }) + '\n',
    );
    await new Promise((r) => socket.once('close', r));
    const abort = JSON.parse(received.trim().split('\n')[1]!);
    expect(abort).toMatchObject({ t: 'abort', code: 'wrong-password' });
    expect(received).not.toContain('the-link-secret-31');
    const view = main.linkViews().find((v) => v.neighbor === 'AUX')!;
    expect(view).toMatchObject({ state: 'offline', reason: 'wrong-password' });
  });

  it('refuses a server it has no entry for, and a certificate the entry does not pin', async () => {
    const main = sim.servers.get('MAIN')!;
    const talk = async (from: string, cert: { certificatePem: string; keyPem: string }) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: main.spec.address.port,
        cert: cert.certificatePem,
        key: cert.keyPem,
        rejectUnauthorized: false,
      });
      let text = '';
      socket.setEncoding('utf8').on('data', (c: string) => (text += c));
      await new Promise((r) => socket.once('secureConnect', r));
      socket.write(
        JSON.stringify({ t: 'hello', v: 1, from, to: 'MAIN', type: 'peer', nonce: 'bb' }) + '\n',
      );
      await new Promise((r) => socket.once('close', r));
      return JSON.parse(text.trim());
    };
    expect(await talk('STRANGER', main.spec)).toMatchObject({
      code: 'one-sided',
      detail: 'MAIN has no neighbor entry for STRANGER',
    });
    // MAIN's own certificate is not the one its entry pins for AUX.
    expect(await talk('AUX', main.spec)).toMatchObject({ code: 'certificate-mismatch' });
  });
});
