/**
 * Headless Chromium for the dashboard's tests and benchmark: Debian's /usr/bin/chromium (never
 * a downloaded browser), a fresh profile per launch, and pages that refuse any request to an
 * origin other than the page's own, recording it so the test can fail on it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page, type Viewport } from 'puppeteer-core';
import type { PageDocument } from './page-dom.js';

// Page-side globals of the callbacks below (they run in the browser; see page-dom.ts).
declare const document: PageDocument;
declare const sessionStorage: { setItem(key: string, value: string): void };
declare const window: unknown;

/** The browser binary (AVNET_CHROMIUM overrides it). */
export const CHROMIUM = process.env['AVNET_CHROMIUM'] ?? '/usr/bin/chromium';

/** The session-storage key the dashboard keeps its token under. */
export const TOKEN_STORAGE_KEY = 'avnet-dashboard-token';

/** A launched browser and how to get rid of it. */
export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: the dashboard's browser tests need Debian's chromium (apt-get install -y chromium)`,
    );
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'avnet-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** One response the page received, with its body when it was text. */
export interface SeenResponse {
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** An open dashboard page and what it did on the network. */
export interface DashboardPage {
  readonly page: Page;
  /** Requests to any other origin (refused). */
  readonly foreign: string[];
  /** Every finished response of the page's own origin (the event stream excluded: it never ends). */
  readonly responses: SeenResponse[];
  /** Bytes of JS and CSS the page loaded (uncompressed). */
  assetBytes(): number;
}

/** Options of `openDashboard`. */
export interface OpenOptions {
  /** Put into sessionStorage before the page starts, as if typed earlier in this tab. */
  readonly token?: string;
  readonly viewport?: Viewport;
  /** Wait until the picture and the list are drawn (default true). */
  readonly waitForNetwork?: boolean;
}

/** Opens the dashboard at `baseUrl` in a new page of `browser`. */
export async function openDashboard(
  browser: Browser,
  baseUrl: string,
  options: OpenOptions = {},
): Promise<DashboardPage> {
  const page = await browser.newPage();
  await page.setViewport(options.viewport ?? { width: 1440, height: 900 });
  const origin = new URL(baseUrl).origin;
  const foreign: string[] = [];
  const responses: SeenResponse[] = [];
  const pending: Promise<void>[] = [];
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || new URL(url).origin === origin) {
      void req.continue();
    } else {
      foreign.push(url);
      void req.abort('blockedbyclient');
    }
  });
  page.on('response', (res) => {
    const url = res.url();
    if (url.startsWith('data:') || url.includes('/api/v1/events')) return;
    const contentType = res.headers()['content-type'] ?? '';
    pending.push(
      res.text().then(
        (body) => void responses.push({ url, status: res.status(), contentType, body }),
        () => void responses.push({ url, status: res.status(), contentType, body: '' }),
      ),
    );
  });
  if (options.token !== undefined) {
    await page.evaluateOnNewDocument(
      (key: string, token: string) => sessionStorage.setItem(key, token),
      TOKEN_STORAGE_KEY,
      options.token,
    );
  }
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  if (options.waitForNetwork !== false) await waitForNetworkDrawn(page);
  return {
    page,
    foreign,
    responses,
    assetBytes: () =>
      responses
        .filter((r) => /\/assets\/.*\.(js|css)$/.test(new URL(r.url).pathname))
        .reduce((n, r) => n + Buffer.byteLength(r.body), 0),
  };
}

/** Waits until the picture has boxes and the server list has rows. */
export async function waitForNetworkDrawn(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelectorAll('svg.graph [data-server]').length > 0 &&
      document.querySelectorAll('[role=listbox] [role=option]').length > 0,
    { timeout, polling: 50 },
  );
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function axeViolations(
  page: Page,
): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  // Evaluated through the DevTools protocol rather than added as a <script>: the page's CSP
  // (script-src 'self') rightly refuses an injected inline script.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: {
              id: string;
              impact: string;
              help: string;
              nodes: { target: string[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run();
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }));
  });
}
