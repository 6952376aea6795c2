/**
 * The dashboard's files for `GET /` and `GET /assets/*`: read once from `dist/dashboard` (built
 * by `npm run build`), with their content types, ETags, cache rules, a gzip copy and a strict
 * Content-Security-Policy. Framework-free: serve's Fastify routes and the tests' plain
 * node:http server answer through `answerDashboard`, so both send the same headers. Without a
 * built bundle `GET /` answers a page that says how to build it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageFile } from '../util/package-root.js';

/** Where `npm run build` puts the bundle, relative to the package. */
export const DASHBOARD_DIR = 'dist/dashboard';

/**
 * The page's Content-Security-Policy: everything from avnet itself, no inline script or style
 * element, no plugins, no framing, no foreign connections (the page talks to its own origin only).
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** One file the dashboard serves. */
export interface DashboardAsset {
  /** URL path: `/` or `/assets/main-HASH.js`. */
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** The body gzipped, when that is smaller. */
  readonly gzip: Buffer | null;
  /** Strong ETag (quoted). */
  readonly etag: string;
  readonly cacheControl: string;
}

/** The dashboard's files, by URL path. */
export interface DashboardAssets {
  /** False when the bundle is missing: `/` then answers the "not built" page with 503. */
  readonly built: boolean;
  readonly dir: string;
  readonly entries: ReadonlyMap<string, DashboardAsset>;
  readonly csp: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The page served when the bundle is missing (someone runs avnet from source without building). */
export const NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>avnet: dashboard not built</title></head>
<body><main><h1>The avnet dashboard is not built</h1>
<p>dashboard not built: run <code>npm run build</code> in the avnet folder, then restart <code>avnet serve</code>.</p>
<p>The API works meanwhile: <a href="api/v1/status">api/v1/status</a>.</p></main></body></html>
`;

function asset(
  urlPath: string,
  contentType: string,
  body: Buffer,
  cacheControl: string,
): DashboardAsset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const zipped = body.length > 1024 ? gzipSync(body, { level: 9 }) : null;
  return {
    path: urlPath,
    contentType,
    body,
    gzip: zipped && zipped.length < body.length ? zipped : null,
    etag,
    cacheControl,
  };
}

function notBuilt(dir: string): DashboardAssets {
  const page = asset('/', TYPES['.html']!, Buffer.from(NOT_BUILT_HTML), 'no-store');
  return { built: false, dir, entries: new Map([['/', page]]), csp: DASHBOARD_CSP };
}

const cache = new Map<string, DashboardAssets>();

/**
 * The dashboard's files from `dir` (default: the package's dist/dashboard), read once and kept.
 * `index.html` is `/` (revalidated on every load: it names the current bundle); files under
 * `assets/` carry content hashes in their names and are cached for a year.
 */
export function loadDashboardAssets(dir: string = packageFile(DASHBOARD_DIR)): DashboardAssets {
  const key = path.resolve(dir);
  const known = cache.get(key);
  if (known) return known;
  let result: DashboardAssets;
  try {
    const index = readFileSync(path.join(key, 'index.html'));
    const entries = new Map<string, DashboardAsset>();
    entries.set('/', asset('/', TYPES['.html']!, index, 'no-cache'));
    const assetsDir = path.join(key, 'assets');
    for (const name of readdirSync(assetsDir).sort()) {
      const file = path.join(assetsDir, name);
      const type = TYPES[path.extname(name)];
      if (type === undefined || !statSync(file).isFile()) continue;
      const urlPath = `/assets/${name}`;
      entries.set(
        urlPath,
        asset(urlPath, type, readFileSync(file), 'public, max-age=31536000, immutable'),
      );
    }
    result = { built: true, dir: key, entries, csp: DASHBOARD_CSP };
  } catch {
    result = notBuilt(key);
  }
  cache.set(key, result);
  return result;
}

/** A ready answer: status, headers and body. */
export interface DashboardResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Headers every dashboard answer carries. */
export function dashboardHeaders(a: DashboardAsset, csp: string): Record<string, string> {
  return {
    'content-type': a.contentType,
    etag: a.etag,
    'cache-control': a.cacheControl,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    vary: 'Accept-Encoding',
  };
}

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * The answer to a request for `urlPath` (without the query), or null when the path is not the
 * dashboard's (the caller answers 404 or routes it elsewhere). GET and HEAD only; a matching
 * `If-None-Match` gets 304; gzip when the client accepts it.
 */
export function answerDashboard(
  assets: DashboardAssets,
  method: string,
  urlPath: string,
  requestHeaders: { readonly 'if-none-match'?: string; readonly 'accept-encoding'?: string } = {},
): DashboardResponse | null {
  const a = assets.entries.get(urlPath === '/index.html' ? '/' : urlPath);
  if (!a) return null;
  const headers = dashboardHeaders(a, assets.csp);
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      status: 405,
      headers: { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
      body: Buffer.from('method not allowed\n'),
    };
  }
  const status = assets.built ? 200 : 503;
  const inm = requestHeaders['if-none-match'];
  if (
    assets.built &&
    inm !== undefined &&
    inm.split(',').some((t) => t.trim().replace(/^W\//, '') === a.etag)
  ) {
    return { status: 304, headers, body: Buffer.alloc(0) };
  }
  const zipped = a.gzip !== null && acceptsGzip(requestHeaders['accept-encoding']);
  const body = zipped ? a.gzip! : a.body;
  const out = {
    ...headers,
    'content-length': String(body.length),
    ...(zipped ? { 'content-encoding': 'gzip' } : {}),
  };
  return { status, headers: out, body: method === 'HEAD' ? Buffer.alloc(0) : body };
}

/** A file as serve's HTTP server hands it out (`HttpApiOptions.assets` in http-api.ts). */
export interface DashboardStaticAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The lookup serve's HTTP server takes: URL path → the file with its headers (CSP, ETag, cache
 * rules), or undefined. For 304s, gzip and the 503 of a missing bundle use `answerDashboard`.
 */
export function dashboardAssetLookup(
  assets: DashboardAssets = loadDashboardAssets(),
): (urlPath: string) => DashboardStaticAsset | undefined {
  return (urlPath) => {
    const a = assets.entries.get(urlPath === '/index.html' ? '/' : urlPath);
    if (!a) return undefined;
    const {
      'content-type': contentType,
      vary: _vary,
      ...headers
    } = dashboardHeaders(a, assets.csp);
    return { contentType: contentType!, body: a.body, headers };
  };
}
