/**
 * Part of the build: bundles the dashboard (`dashboard/`, Preact + d3) with esbuild into
 * `dist/dashboard/`: `index.html`, one JS and one CSS file under `assets/` with content hashes in
 * their names, `manifest.json` (files and sizes) and `licenses.txt` (the bundled packages'
 * licenses). Built into a temporary folder and swapped in whole, so serve never reads half a
 * bundle. Run after `tsc`: `node dist/scripts/build-dashboard.js`.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { isMainModule, repoRoot } from './repo-root.js';

/** Where the bundle goes, relative to the package root. */
export const DASHBOARD_DIST = 'dist/dashboard';

/** Browsers the bundle is built for (all evergreen browsers of the last years). */
export const DASHBOARD_TARGETS = ['chrome109', 'edge109', 'firefox115', 'safari16'];

/** One file of the bundle. */
export interface BuiltFile {
  /** Relative to dist/dashboard, with forward slashes: `assets/main-3F2A.js`. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What `dist/dashboard/manifest.json` holds. */
export interface DashboardManifest {
  readonly version: string;
  readonly builtAt: string;
  readonly files: readonly BuiltFile[];
  /** JS + CSS the page loads, uncompressed. */
  readonly assetBytes: number;
}

async function licenses(root: string, inputs: readonly string[]): Promise<string> {
  const packages = new Set<string>();
  for (const input of inputs) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
    if (m) packages.add(m[1]!);
  }
  const parts = ['The avnet dashboard bundles these packages; their licenses follow.', ''];
  for (const name of [...packages].sort()) {
    const dir = path.join(root, 'node_modules', name);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      version?: string;
      license?: string;
    };
    const file = (await readdir(dir)).find((f) => /^licen[cs]e/i.test(f));
    const text = file ? await readFile(path.join(dir, file), 'utf8') : `License: ${pkg.license}`;
    parts.push(
      `== ${name} ${pkg.version ?? ''} (${pkg.license ?? 'see below'})`,
      '',
      text.trim(),
      '',
    );
  }
  return parts.join('\n');
}

/** Builds the dashboard of the checkout at `root` into `root/dist/dashboard`; returns its manifest. */
export async function buildDashboard(rootDir: string): Promise<DashboardManifest> {
  const root = path.resolve(rootDir);
  const outDir = path.join(root, DASHBOARD_DIST);
  const tmpDir = `${outDir}.tmp-${process.pid}`;
  await rm(tmpDir, { recursive: true, force: true });
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'dashboard/src/main.tsx' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: DASHBOARD_TARGETS,
    platform: 'browser',
    outdir: path.join(tmpDir, 'assets'),
    entryNames: '[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: 'dashboard/tsconfig.json',
    metafile: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  if (!js || !css) throw new Error('esbuild produced no JS or no CSS for the dashboard');
  const rel = (f: string) => path.relative(tmpDir, f).split(path.sep).join('/');
  const template = await readFile(path.join(root, 'dashboard', 'index.html'), 'utf8');
  const html = template.replace('{{css}}', rel(css)).replace('{{js}}', rel(js));
  await writeFile(path.join(tmpDir, 'index.html'), html);
  await writeFile(
    path.join(tmpDir, 'licenses.txt'),
    await licenses(root, Object.keys(result.metafile.inputs)),
  );
  const files: BuiltFile[] = [];
  for (const f of [path.join(tmpDir, 'index.html'), js, css]) {
    const body = await readFile(f);
    files.push({
      path: rel(f),
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
  }
  const manifest: DashboardManifest = {
    version: pkg.version,
    builtAt: new Date().toISOString(),
    files,
    assetBytes: files.filter((f) => f.path.startsWith('assets/')).reduce((n, f) => n + f.bytes, 0),
  };
  await writeFile(path.join(tmpDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  // Swap the folders: the old bundle stays whole until the new one is complete.
  await mkdir(path.dirname(outDir), { recursive: true });
  const oldDir = `${outDir}.old-${process.pid}`;
  if (existsSync(outDir)) await rename(outDir, oldDir);
  await rename(tmpDir, outDir);
  await rm(oldDir, { recursive: true, force: true });
  return manifest;
}

if (isMainModule(import.meta.url)) {
  const manifest = await buildDashboard(repoRoot(new URL(import.meta.url)));
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `built the dashboard into ${DASHBOARD_DIST}: ${manifest.files
      .map((f) => `${f.path} ${kb(f.bytes)}`)
      .join(', ')} (JS + CSS ${kb(manifest.assetBytes)})`,
  );
}
