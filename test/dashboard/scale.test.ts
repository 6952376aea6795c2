/**
 * The dashboard at 2,000 servers in headless Chromium: it loads and a search for the last server
 * shows it within 5 s, the first picture is a legible overview (folded subtrees, no overlapping
 * boxes, labels readable), and opening everything still draws every server and every link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkStatusEntry } from '../../src/serve/serve-model.js';
import { launchBrowser, openDashboard, type TestBrowser } from './browser.js';
import type { PageDocument } from './page-dom.js';
import { startTarget, type DashboardTarget } from './target.js';

// Page-side globals of the callbacks below (they run in the browser; see page-dom.ts).
declare const document: PageDocument;

const SERVERS = 2000;
const keyOf = (l: Pick<LinkStatusEntry, 'a' | 'b' | 'type'>) => `${l.a}|${l.b}|${l.type}`;

let target: DashboardTarget;
let tb: TestBrowser;

beforeAll(async () => {
  [target, tb] = await Promise.all([startTarget({ servers: SERVERS }), launchBrowser()]);
}, 30_000);

afterAll(async () => {
  await Promise.all([tb?.close(), target?.close()]);
});

/** Boxes of the picture that overlap (in picture units), as pairs of names. */
function overlapsInPage(): string[] {
  const boxes = [...document.querySelectorAll('svg.graph [data-server]')].map((g) => {
    const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '')!;
    const w = Number(g.querySelector('.box')!.getAttribute('width'));
    return { name: g.getAttribute('data-server')!, x: Number(m[1]), y: Number(m[2]), w };
  });
  boxes.sort((a, b) => a.y - b.y);
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length && boxes[j]!.y - boxes[i]!.y < 22; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w) out.push(`${a.name}/${b.name}`);
    }
  return out;
}

describe(`the dashboard at ${SERVERS.toLocaleString('en-US')} servers`, () => {
  it('loads, and a search for the last server shows it, each within 5 s; the overview is legible', async () => {
    const t0 = performance.now();
    const d = await openDashboard(tb.browser, target.baseUrl, { waitForNetwork: false });
    const { page } = d;
    await page.waitForFunction(
      (n) =>
        document.querySelectorAll('svg.graph [data-server]').length > 0 &&
        document.querySelectorAll('[role=listbox] [role=option]').length === n,
      { timeout: 15_000, polling: 50 },
      SERVERS,
    );
    const loadMs = performance.now() - t0;
    expect(loadMs, `loaded in ${Math.round(loadMs)} ms`).toBeLessThan(5000);

    const last = target.fixture.serverNames.at(-1)!;
    const t1 = performance.now();
    await page.type('input[type=search]', last);
    await page.waitForFunction(
      (name) => {
        const rows = document.querySelectorAll('[role=listbox] [role=option]');
        return rows.length === 1 && rows[0]!.getAttribute('data-server') === name;
      },
      { timeout: 15_000, polling: 50 },
      last,
    );
    const searchMs = performance.now() - t1;
    expect(searchMs, `found in ${Math.round(searchMs)} ms`).toBeLessThan(5000);

    // The first picture: folded subtrees, few boxes, none overlapping, labels shown.
    const overview = await page.evaluate(() => ({
      boxes: document.querySelectorAll('svg.graph [data-server]').length,
      folded: document.querySelectorAll('svg.graph .node.collapsed').length,
      far: document.querySelector('svg.graph')!.classList.contains('far'),
      matchMarks: document.querySelectorAll('svg.graph .m-match').length,
    }));
    expect(overview.boxes).toBeLessThanOrEqual(120);
    expect(overview.folded).toBeGreaterThan(10);
    expect(overview.far).toBe(false);
    // The folded subtree holding the searched server says so.
    expect(overview.matchMarks).toBe(1);
    expect(await page.evaluate(overlapsInPage)).toEqual([]);

    // Selecting it opens its subtrees and brings it into view.
    await page.click(`[role=option][data-server="${last}"]`);
    await page.waitForSelector(`svg.graph [data-server="${last}"].selected`, { timeout: 5000 });
    const inView = await page.evaluate((name) => {
      const r = document
        .querySelector(`svg.graph [data-server="${name}"]`)!
        .getBoundingClientRect();
      const s = document.querySelector('svg.graph')!.getBoundingClientRect();
      return r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom;
    }, last);
    expect(inView).toBe(true);
    expect(d.foreign).toEqual([]);
    await page.close();
  });

  it('opens problems on request, and everything: every server and link drawn, no overlap', async () => {
    const { page } = await openDashboard(tb.browser, target.baseUrl);
    const f = target.fixture;
    const problemKeys = f.status.links.filter((l) => l.state !== 'online').map(keyOf);
    await page.$$eval('section.network button', (bs) =>
      bs.find((b) => b.textContent === 'Open problems')!.click(),
    );
    await page.waitForFunction(
      (keys) => keys.every((k) => document.querySelector(`svg.graph [data-link="${k}"]`)),
      { timeout: 5000 },
      problemKeys,
    );
    expect(await page.$$eval('svg.graph [data-server]', (n) => n.length)).toBeLessThan(400);

    const t0 = performance.now();
    await page.$$eval('section.network button', (bs) =>
      bs.find((b) => b.textContent === 'Open all')!.click(),
    );
    await page.waitForFunction(
      (n) => document.querySelectorAll('svg.graph [data-server]').length === n,
      { timeout: 15_000, polling: 50 },
      SERVERS,
    );
    const openMs = performance.now() - t0;
    expect(openMs, `opened in ${Math.round(openMs)} ms`).toBeLessThan(5000);
    const links = await page.$$eval('svg.graph [data-link]', (els) =>
      els.map((e) => e.getAttribute('data-link')),
    );
    expect(links.sort()).toEqual(f.status.links.map(keyOf).sort());
    expect(await page.evaluate(overlapsInPage)).toEqual([]);
    await page.close();
  });
});
