/**
 * The dashboard against a serve with `--auth-token`: it asks for the token once per tab, sends it
 * as a bearer token (API and event stream), says plainly when it is wrong, and never puts it
 * into the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TOKEN_STORAGE_KEY,
  axeViolations,
  launchBrowser,
  openDashboard,
  waitForNetworkDrawn,
  type TestBrowser,
} from './browser.js';
import { startTarget, type DashboardTarget } from './target.js';

// Page-side globals of the callbacks below (they run in the browser; see page-dom.ts).
declare const sessionStorage: { getItem(key: string): string | null };

const TOKEN = 'avnet-dashboard-test-token-7f3c9a';

let target: DashboardTarget;
let tb: TestBrowser;

beforeAll(async () => {
  [target, tb] = await Promise.all([startTarget({ servers: 12, token: TOKEN }), launchBrowser()]);
}, 30_000);

afterAll(async () => {
  await Promise.all([tb?.close(), target?.close()]);
});

describe('the dashboard with --auth-token', () => {
  it('asks for the token, says plainly when it is wrong, then works with the right one', async () => {
    const d = await openDashboard(tb.browser, target.baseUrl, { waitForNetwork: false });
    const { page } = d;
    const authorization: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) authorization.push(r.headers()['authorization'] ?? '');
    });
    await page.waitForSelector('#token-input');
    expect(await page.$eval('main', (m) => m.textContent)).toContain(
      'This avnet serve needs an access token',
    );
    expect(await page.$('[role=listbox]')).toBeNull();
    expect(await page.$('#token-error')).toBeNull();
    expect(await axeViolations(page)).toEqual([]);

    await page.type('#token-input', 'not-the-token');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#token-error');
    expect(await page.$eval('#token-error', (e) => e.textContent)).toMatch(
      /Wrong token: avnet serve refused it \(401 Unauthorized\)/,
    );
    expect(await page.$eval('#token-error', (e) => e.getAttribute('role'))).toBe('alert');
    expect(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_STORAGE_KEY)).toBeNull();
    expect(authorization).toContain('Bearer not-the-token');

    await page.type('#token-input', TOKEN);
    await page.keyboard.press('Enter');
    await waitForNetworkDrawn(page);
    await page.waitForSelector('.connection[data-state=live]');
    expect(await page.$$eval('[role=option]', (o) => o.length)).toBe(12);
    expect(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_STORAGE_KEY)).toBe(TOKEN);
    expect(authorization.filter((a) => a === `Bearer ${TOKEN}`).length).toBeGreaterThanOrEqual(4);
    // The token is kept for the tab only, never written into the page.
    const html = await page.content();
    expect(html).not.toContain(TOKEN);
    expect(await page.$eval('#main', (m) => m.textContent)).not.toContain(TOKEN);
    expect(d.foreign).toEqual([]);

    // A reload in the same tab does not ask again.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await waitForNetworkDrawn(page);
    expect(await page.$('#token-input')).toBeNull();
    await page.close();

    // Another tab asks again (sessionStorage is per tab).
    const other = await openDashboard(tb.browser, target.baseUrl, { waitForNetwork: false });
    await other.page.waitForSelector('#token-input');
    expect(await other.page.$('#token-error')).toBeNull();
    await other.page.close();
  });

  it('a stored token that serve no longer accepts is said to be wrong and forgotten', async () => {
    const { page } = await openDashboard(tb.browser, target.baseUrl, {
      token: 'token-of-yesterday',
      waitForNetwork: false,
    });
    await page.waitForSelector('#token-error');
    expect(await page.$eval('#token-error', (e) => e.textContent)).toContain('Wrong token');
    // Forgotten by the page, so that the next load asks instead of failing again.
    expect(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_STORAGE_KEY)).toBeNull();
    expect(await page.$('#token-input')).not.toBeNull();
    await page.close();
  });

  it('refuses the API and the event stream without the token, but serves the page itself', async () => {
    const page = await fetch(target.baseUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    for (const p of ['api/v1/status', 'api/v1/events', 'api/v1/history', 'api/v1/plan']) {
      const r = await fetch(new URL(p, target.baseUrl));
      expect(r.status, p).toBe(401);
      await r.body?.cancel();
    }
    const wrong = await fetch(new URL('api/v1/status', target.baseUrl), {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const body = await wrong.text();
    expect(body).not.toContain(TOKEN);
  });
});
