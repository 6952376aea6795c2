/**
 * serve's HTTP server (Fastify): health, the JSON API, the event stream, metrics, webhooks and the
 * dashboard. Everything but health, webhooks and the dashboard's static files needs the bearer
 * token when one is configured; every body leaving passes the redactor as a last line of defence.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../model/index.js';
import type { ServeAgent } from './serve-agent.js';
import { answerDashboard, type DashboardAssets } from './dashboard-assets.js';
import type { ServeMetrics } from './metrics.js';
import {
  genericWebhook,
  githubWebhook,
  gitlabWebhook,
  sameSecret,
  type ErrorBody,
  type WebhookAnswer,
} from './webhooks.js';

/** Largest request body accepted (webhooks); larger ones get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Options of the HTTP server. */
export interface HttpApiOptions {
  readonly agent: ServeAgent;
  readonly metrics?: ServeMetrics;
  /** Bearer token for the API; undefined: no auth (loopback only, or --insecure-no-auth). */
  readonly authToken?: string;
  /** Enables the webhook receivers. */
  readonly webhookSecret?: string;
  /** The ref pushes must name (git source). */
  readonly ref?: string;
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Removes known secret values from a body (the CLI's redactor). */
  readonly redact?: (text: string) => string;
  /** The dashboard's built files (`GET /`, `GET /assets/...`). */
  readonly dashboard?: DashboardAssets;
  readonly logger: Logger;
  /** Heartbeat comment on the event stream, ms (keeps proxies from closing it). */
  readonly heartbeatMs?: number;
}

function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

const PUBLIC_PREFIXES = ['/healthz', '/readyz', '/hooks/'];

/** True for requests that need no token: health, webhooks (signed), and the page's static files. */
function isPublic(req: FastifyRequest): boolean {
  const url = req.url.split('?', 1)[0]!;
  if (PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(p))) return true;
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    (url === '/' || url === '/index.html' || url.startsWith('/assets/'))
  );
}

/** Builds the server (not listening yet). */
export function createHttpApi(opts: HttpApiOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    forceCloseConnections: true,
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
  }) as unknown as FastifyInstance;
  const redact = opts.redact ?? ((s: string) => s);
  const sendJson = (reply: FastifyReply, status: number, body: unknown) =>
    reply
      .code(status)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(redact(JSON.stringify(body)));

  // Webhook signatures are checked on the raw bytes: every body is kept as a Buffer.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler(
    (err: { statusCode?: number; code?: string; message: string }, _req, reply) => {
      const status = err.statusCode ?? 500;
      if (status === 413)
        return sendJson(
          reply,
          413,
          errorBody('payload-too-large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`),
        );
      if (status >= 500) opts.logger.error({ err: err.message }, 'serve: request failed');
      return sendJson(
        reply,
        status,
        errorBody(err.code ?? 'error', status >= 500 ? 'internal error' : err.message),
      );
    },
  );
  app.setNotFoundHandler((req, reply) =>
    sendJson(
      reply,
      404,
      errorBody('not-found', `no such endpoint: ${req.method} ${req.url.split('?', 1)[0]}`),
    ),
  );

  app.addHook('onRequest', async (req, reply) => {
    if (!opts.authToken || isPublic(req)) return;
    const header = req.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token || !sameSecret(token, opts.authToken)) {
      reply.header('www-authenticate', 'Bearer realm="avnet"');
      return sendJson(
        reply,
        401,
        errorBody(
          'unauthorized',
          token ? 'the bearer token is not the right one' : 'a bearer token is required',
        ),
      );
    }
  });

  app.get('/healthz', async (_req, reply) => reply.code(200).type('text/plain').send('ok\n'));
  app.get('/readyz', async (_req, reply) =>
    opts.agent.ready()
      ? reply.code(200).type('text/plain').send('ready\n')
      : reply.code(503).type('text/plain').send('the first cycle has not finished yet\n'),
  );

  app.get('/metrics', async (_req, reply) => {
    if (!opts.metrics) return sendJson(reply, 404, errorBody('not-found', 'metrics are off'));
    const { contentType, body } = await opts.metrics.render();
    return reply.code(200).header('content-type', contentType).send(redact(body));
  });

  app.get('/api/v1/status', async (_req, reply) => sendJson(reply, 200, opts.agent.status()));

  app.get('/api/v1/history', async (req, reply) => {
    const raw = (req.query as Record<string, string | undefined>).limit;
    const limit = raw === undefined ? 50 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return sendJson(
        reply,
        400,
        errorBody('bad-request', 'limit must be an integer from 1 to 1000'),
      );
    return sendJson(reply, 200, opts.agent.history(limit));
  });

  app.get('/api/v1/plan', async (_req, reply) => {
    const plan = opts.agent.plan();
    return plan
      ? sendJson(reply, 200, plan)
      : sendJson(reply, 503, errorBody('not-ready', 'no plan yet: the servers have not been read'));
  });

  app.get('/api/v1/servers/:name', async (req, reply) => {
    const { name } = req.params as { name: string };
    const detail = opts.agent.serverDetail(name);
    return detail
      ? sendJson(reply, 200, detail)
      : sendJson(
          reply,
          404,
          errorBody('not-found', `no server ${JSON.stringify(name)} in the topology`),
        );
  });

  app.post('/api/v1/sync', async (_req, reply) => {
    // Without a token anyone who can reach the port (a web page in a local browser, say) could
    // make serve apply: so this endpoint exists only when a token protects it.
    if (!opts.authToken)
      return sendJson(
        reply,
        403,
        errorBody(
          'auth-token-required',
          'start avnet serve with --auth-token to allow POST /api/v1/sync',
        ),
      );
    opts.agent.trigger('manual');
    return sendJson(reply, 202, { queued: true });
  });

  app.get('/api/v1/events', (req, reply) => {
    streamEvents(opts, req.raw, reply.raw, redact);
    reply.hijack();
  });

  const hook =
    (kind: 'github' | 'gitlab' | 'generic') => async (req: FastifyRequest, reply: FastifyReply) => {
      if (!opts.webhookSecret)
        return sendJson(
          reply,
          404,
          errorBody('not-found', 'webhooks are off: start avnet serve with --webhook-secret'),
        );
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const headers = req.headers as Record<string, string | string[] | undefined>;
      const ref = opts.ref ?? 'main';
      const answer: WebhookAnswer =
        kind === 'github'
          ? githubWebhook(opts.webhookSecret, ref, headers, body)
          : kind === 'gitlab'
            ? gitlabWebhook(opts.webhookSecret, ref, headers, body)
            : genericWebhook(opts.webhookSecret, headers, body);
      if (answer.status === 401)
        opts.logger.warn({ webhook: kind }, 'serve: webhook with a bad signature refused');
      if (answer.run) opts.agent.trigger('webhook');
      return sendJson(reply, answer.status, answer.body);
    };
  app.post('/hooks/github', hook('github'));
  app.post('/hooks/gitlab', hook('gitlab'));
  app.post('/hooks/generic', hook('generic'));

  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?', 1)[0]!;
    const answer = opts.dashboard
      ? answerDashboard(opts.dashboard, req.method, path, {
          'if-none-match': req.headers['if-none-match'],
          'accept-encoding': req.headers['accept-encoding'],
        })
      : null;
    if (!answer) return sendJson(reply, 404, errorBody('not-found', `no such file: ${path}`));
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  };
  app.get('/', page);
  app.get('/index.html', page);
  app.get('/assets/*', page);

  return app;
}

/** Server-Sent Events: the status at once, then `status` and `cycle` events as they happen. */
function streamEvents(
  opts: HttpApiOptions,
  req: IncomingMessage,
  res: ServerResponse,
  redact: (s: string) => string,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const send = (event: string, data: unknown) => {
    res.write(`event: ${event}\ndata: ${redact(JSON.stringify(data))}\n\n`);
  };
  send('status', opts.agent.status());
  const unsubscribe = opts.agent.subscribe((e) =>
    e.type === 'status' ? send('status', e.status) : send('cycle', e.entry),
  );
  const heartbeat = setInterval(() => res.write(': ping\n\n'), opts.heartbeatMs ?? 15_000);
  const end = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', end);
  res.on('error', end);
}
