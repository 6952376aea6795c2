/**
 * Webhook receivers: GitHub (`X-Hub-Signature-256`), GitLab (`X-Gitlab-Token`) and a generic
 * sender (`X-Avnet-Signature`). Every check works on the raw body and compares in constant time;
 * nothing in a body is looked at before its signature is verified.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two strings (their SHA-256 digests are compared, so lengths leak nothing). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `sha256=HEX` of the body under the secret, as GitHub and avnet's own senders sign. */
export function signBody(secret: string, body: Buffer | string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when `header` is the body's `sha256=HEX` HMAC under `secret` (constant time). */
export function verifySignature(
  secret: string,
  body: Buffer,
  header: string | string[] | undefined,
): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const expected = Buffer.from(signBody(secret, body).slice(7), 'hex');
  const given = Buffer.from(header.slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The full ref a push must name to concern `ref` (a branch name, a tag, or a full ref). */
export function refMatches(pushed: unknown, ref: string): boolean {
  if (typeof pushed !== 'string') return false;
  if (ref.startsWith('refs/')) return pushed === ref;
  return pushed === `refs/heads/${ref}` || pushed === `refs/tags/${ref}`;
}

/** What a webhook request gets, and whether it starts a fetch and a cycle. */
export type WebhookAnswer =
  | { readonly status: 401; readonly body: ErrorBody; readonly run: false }
  | { readonly status: 400; readonly body: ErrorBody; readonly run: false }
  | { readonly status: 200; readonly body: { readonly ok: true }; readonly run: false }
  | { readonly status: 202; readonly body: { readonly queued: true }; readonly run: true }
  | { readonly status: 202; readonly body: { readonly ignored: string }; readonly run: false };

/** The error body of every serve endpoint. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

const UNAUTHORIZED: WebhookAnswer = {
  status: 401,
  run: false,
  body: { error: { code: 'unauthorized', message: 'missing or wrong webhook signature' } },
};

function parsePush(body: Buffer): { ref?: unknown } | undefined {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as { ref?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

function push(body: Buffer, ref: string): WebhookAnswer {
  const parsed = parsePush(body);
  if (!parsed)
    return {
      status: 400,
      run: false,
      body: { error: { code: 'bad-request', message: 'the push body is not JSON' } },
    };
  if (!refMatches(parsed.ref, ref)) {
    return {
      status: 202,
      run: false,
      body: { ignored: `push to ${String(parsed.ref)}, not ${ref}` },
    };
  }
  return { status: 202, run: true, body: { queued: true } };
}

/** A GitHub delivery: signature, then `ping` or `push` on the followed ref. */
export function githubWebhook(
  secret: string,
  ref: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): WebhookAnswer {
  if (!verifySignature(secret, body, headers['x-hub-signature-256'])) return UNAUTHORIZED;
  const event = headers['x-github-event'];
  if (event === 'ping') return { status: 200, run: false, body: { ok: true } };
  if (event !== 'push')
    return { status: 202, run: false, body: { ignored: `event ${String(event)}` } };
  return push(body, ref);
}

/** A GitLab delivery: the token, then `Push Hook` or `Tag Push Hook` on the followed ref. */
export function gitlabWebhook(
  secret: string,
  ref: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): WebhookAnswer {
  const token = headers['x-gitlab-token'];
  if (typeof token !== 'string' || !sameSecret(token, secret)) return UNAUTHORIZED;
  const event = headers['x-gitlab-event'];
  if (event !== 'Push Hook' && event !== 'Tag Push Hook')
    return { status: 202, run: false, body: { ignored: `event ${String(event)}` } };
  return push(body, ref);
}

/** Any sender signing its body like avnet's notifications: always a fetch and a cycle. */
export function genericWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): WebhookAnswer {
  if (!verifySignature(secret, body, headers['x-avnet-signature'])) return UNAUTHORIZED;
  return { status: 202, run: true, body: { queued: true } };
}
