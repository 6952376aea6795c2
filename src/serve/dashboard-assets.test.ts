import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageFile } from '../util/package-root.js';
import {
  DASHBOARD_CSP,
  DASHBOARD_DIR,
  answerDashboard,
  dashboardAssetLookup,
  loadDashboardAssets,
} from './dashboard-assets.js';

let dir: string;
const js = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-dashboard-assets-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><link rel="stylesheet" href="assets/main-AB.css"><script type="module" src="assets/main-CD.js"></script>',
  );
  await writeFile(path.join(dir, 'assets', 'main-CD.js'), js);
  await writeFile(path.join(dir, 'assets', 'main-AB.css'), 'body{color:#000}');
  await writeFile(path.join(dir, 'assets', 'notes.exe'), 'not served');
  await mkdir(path.join(dir, 'assets', 'sub.js'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadDashboardAssets', () => {
  it('serves index.html at / and every known asset type under /assets/, nothing else', () => {
    const a = loadDashboardAssets(dir);
    expect(a.built).toBe(true);
    expect([...a.entries.keys()].sort()).toEqual([
      '/',
      '/assets/main-AB.css',
      '/assets/main-CD.js',
    ]);
    expect(a.entries.get('/')!.contentType).toBe('text/html; charset=utf-8');
    expect(a.entries.get('/assets/main-CD.js')!.contentType).toBe('text/javascript; charset=utf-8');
    expect(a.entries.get('/assets/main-AB.css')!.cacheControl).toContain('immutable');
    expect(a.entries.get('/')!.cacheControl).toBe('no-cache');
    // Read once: the same object is handed out again.
    expect(loadDashboardAssets(dir)).toBe(a);
  });

  it('answers with the CSP and security headers, 304 for a matching ETag, gzip when accepted', () => {
    const a = loadDashboardAssets(dir);
    const plain = answerDashboard(a, 'GET', '/assets/main-CD.js')!;
    expect(plain.status).toBe(200);
    expect(plain.body.toString()).toBe(js);
    expect(plain.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    expect(plain.headers['content-length']).toBe(String(Buffer.byteLength(js)));
    expect(plain.headers['content-encoding']).toBeUndefined();

    const etag = plain.headers['etag']!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = answerDashboard(a, 'GET', '/assets/main-CD.js', {
      'if-none-match': `W/${etag}`,
    })!;
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);

    const zipped = answerDashboard(a, 'GET', '/assets/main-CD.js', {
      'accept-encoding': 'br, gzip;q=0.8',
    })!;
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).toString()).toBe(js);
    const refused = answerDashboard(a, 'GET', '/assets/main-CD.js', {
      'accept-encoding': 'gzip;q=0',
    })!;
    expect(refused.headers['content-encoding']).toBeUndefined();

    expect(answerDashboard(a, 'HEAD', '/')!.body.length).toBe(0);
    expect(answerDashboard(a, 'POST', '/')!.status).toBe(405);
    expect(answerDashboard(a, 'GET', '/index.html')!.status).toBe(200);
  });

  it('knows only its own files: other paths, traversal and unknown types are not its answer', () => {
    const a = loadDashboardAssets(dir);
    for (const p of [
      '/assets/notes.exe',
      '/assets/../index.html',
      '/assets/%2e%2e/index.html',
      '/assets/sub.js',
      '/api/v1/status',
      '/assets/',
    ])
      expect(answerDashboard(a, 'GET', p), p).toBeNull();
  });

  it('hands serve the same files and headers through the lookup its HTTP server takes', () => {
    const a = loadDashboardAssets(dir);
    const lookup = dashboardAssetLookup(a);
    const js = lookup('/assets/main-CD.js')!;
    expect(js.contentType).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe(a.entries.get('/assets/main-CD.js')!.body);
    expect(js.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(js.headers['etag']).toBe(a.entries.get('/assets/main-CD.js')!.etag);
    expect(js.headers['cache-control']).toContain('immutable');
    expect(lookup('/')!.contentType).toBe('text/html; charset=utf-8');
    expect(lookup('/assets/notes.exe')).toBeUndefined();
    expect(lookup('/api/v1/status')).toBeUndefined();
  });

  it('without a bundle, / says how to build it (503) and assets are not found', () => {
    const a = loadDashboardAssets(path.join(dir, 'missing'));
    expect(a.built).toBe(false);
    const r = answerDashboard(a, 'GET', '/')!;
    expect(r.status).toBe(503);
    expect(r.body.toString()).toContain('dashboard not built: run <code>npm run build</code>');
    expect(r.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(answerDashboard(a, 'GET', '/assets/main-CD.js')).toBeNull();
  });

  it('has a strict policy: own origin only, no inline script, no framing, no plugins', () => {
    const rules = Object.fromEntries(
      DASHBOARD_CSP.split(';').map((r) => {
        const [name, ...values] = r.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(rules['default-src']).toBe("'self'");
    expect(rules['script-src']).toBe("'self'");
    expect(rules['connect-src']).toBe("'self'");
    expect(rules['object-src']).toBe("'none'");
    expect(rules['frame-ancestors']).toBe("'none'");
    expect(DASHBOARD_CSP).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
  });
});

describe('the built dashboard (npm run build)', () => {
  const built = packageFile(DASHBOARD_DIR);

  it('is one page, one script and one stylesheet, all local, no inline code', () => {
    expect(existsSync(path.join(built, 'index.html')), `${built} missing: run npm run build`).toBe(
      true,
    );
    const a = loadDashboardAssets(built);
    expect(a.built).toBe(true);
    const html = a.entries.get('/')!.body.toString();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const local = refs.filter((r) => r !== 'data:,');
    expect(local.filter((r) => r.endsWith('.js'))).toHaveLength(1);
    expect(local.filter((r) => r.endsWith('.css'))).toHaveLength(1);
    for (const r of local) {
      expect(r, 'relative, so a path prefix works').toMatch(/^assets\//);
      expect(a.entries.has(`/${r}`), `${r} is served`).toBe(true);
    }
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    for (const [p, entry] of a.entries) {
      if (p === '/') continue;
      const text = entry.body.toString();
      // No fetch of fonts, images or scripts from elsewhere.
      expect(text, p).not.toMatch(/url\(\s*["']?(https?:)?\/\//);
      expect(text, p).not.toMatch(/@import|sourceMappingURL/);
    }
    const bytes = [...a.entries.values()]
      .filter((e) => e.path.startsWith('/assets/'))
      .reduce((n, e) => n + e.body.length, 0);
    expect(bytes, 'JS + CSS within the 400 KB budget').toBeLessThan(400_000);
  });
});
