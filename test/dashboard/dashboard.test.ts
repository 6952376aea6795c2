/**
 * The dashboard in headless Chromium against a serve (today the fake serve; see target.ts): the
 * network drawn and listed, reasons in tooltips and details, live updates over the event
 * stream, reconnecting, search, server details, an invalid commit, keyboard use, 200% zoom,
 * axe-core, no foreign request and no secret anywhere the page looks.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkStatusEntry } from '../../src/serve/serve-model.js';
import { axeViolations, launchBrowser, openDashboard, type TestBrowser } from './browser.js';
import { fakeSha } from './fixtures.js';
import { startTarget, type DashboardTarget } from './target.js';
import type { PageDocument, PageElement, PageEventConstructor, PageStyle } from './page-dom.js';

// Page-side globals of the callbacks below (they run in the browser; see page-dom.ts).
declare const document: PageDocument;
declare const window: Record<string, unknown>;
declare function getComputedStyle(element: PageElement): PageStyle;
declare const MouseEvent: PageEventConstructor;
declare const Event: PageEventConstructor;

let target: DashboardTarget;
let tb: TestBrowser;

beforeAll(async () => {
  [target, tb] = await Promise.all([startTarget({ servers: 40 }), launchBrowser()]);
}, 30_000);

afterAll(async () => {
  await Promise.all([tb?.close(), target?.close()]);
});

const keyOf = (l: Pick<LinkStatusEntry, 'a' | 'b' | 'type'>) => `${l.a}|${l.b}|${l.type}`;
const sorted = (xs: readonly (string | null)[]) => [...xs].map(String).sort();

async function open(options: Parameters<typeof openDashboard>[2] = {}) {
  return openDashboard(tb.browser, target.baseUrl, {
    ...(target.token ? { token: target.token } : {}),
    ...options,
  });
}

async function attr(page: Page, selector: string, name: string): Promise<string | null> {
  return page.$eval(selector, (el, n) => el.getAttribute(n), name);
}

async function text(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (el as PageElement).innerText ?? el.textContent ?? '');
}

describe('the dashboard', () => {
  it('draws every server and every link, lists every server, and shows source and badges', async () => {
    const { page, foreign } = await open();
    const f = target.fixture;
    const drawn = await page.$$eval('svg.graph [data-server]', (els) =>
      els.map((e) => e.getAttribute('data-server')),
    );
    expect(sorted(drawn)).toEqual(sorted(f.serverNames));
    const edges = await page.$$eval('svg.graph [data-link]', (els) =>
      els.map((e) => e.getAttribute('data-link')),
    );
    expect(sorted(edges)).toEqual(sorted(f.status.links.map(keyOf)));
    const listed = await page.$$eval('[role=listbox] [role=option]', (els) =>
      els.map((e) => e.getAttribute('data-server')),
    );
    expect(sorted(listed)).toEqual(sorted(f.serverNames));

    // Each link coloured by its state, peers drawn differently (dashed, no arrow), and marked.
    const look = (key: string) =>
      page.$eval(`svg.graph [data-link="${key}"]`, (g) => {
        const line = g.querySelector('.line')!;
        const cs = getComputedStyle(line);
        return {
          stroke: cs.stroke,
          dash: cs.strokeDasharray,
          marker: line.getAttribute('marker-end'),
          mark: g.querySelector('.state-mark text')?.textContent ?? null,
        };
      });
    const online = f.status.links.find((l) => l.state === 'online' && l.type === 'parent-child')!;
    const peer = f.status.links.find((l) => l.type === 'peer')!;
    const offline = await look(keyOf(f.special.wrongPassword));
    const on = await look(keyOf(online));
    const unknown = await look(keyOf(f.status.links.find((l) => l.state === 'unknown')!));
    expect(offline.stroke).not.toBe(on.stroke);
    expect(unknown.stroke).not.toBe(on.stroke);
    expect(unknown.stroke).not.toBe(offline.stroke);
    expect([offline.mark, unknown.mark, on.mark]).toEqual(['✕', '?', null]);
    expect(on.marker).toBe('url(#arrow-online)');
    const p = await look(keyOf(peer));
    expect(p.dash).not.toBe('none');
    expect(p.marker).toBeNull();

    // Servers out of sync and unreadable are marked, in the picture and the list, with words.
    const node = (name: string) =>
      page.$eval(`svg.graph [data-server="${name}"]`, (g) => ({
        cls: g.getAttribute('class'),
        label: g.getAttribute('aria-label'),
        mark: g.querySelector('.mark')?.textContent,
      }));
    const oos = await node(f.special.passwordDiffers);
    expect(oos.cls).toContain('sync-OutOfSync');
    expect(oos.mark).toBe('≠');
    expect(oos.label).toContain('OutOfSync');
    const unread = await node(f.special.unreadableServer);
    expect(unread.cls).toContain('unreadable');
    expect(unread.mark).toBe('!');
    expect(unread.label).toContain('unreadable');
    expect(await text(page, `[role=option][data-server="${f.special.passwordDiffers}"]`)).toMatch(
      /OutOfSync\s*1 pending/,
    );

    const top = await text(page, 'header.topbar');
    expect(top).toContain('Sync ≠ OutOfSync');
    expect(top).toContain('Health ✕ Degraded');
    expect(top).toContain('3 offline');
    const source = await text(page, 'section.source');
    expect(source).toContain(f.status.source.url);
    expect(source).toContain(f.status.source.head!.slice(0, 7));
    expect(source).toContain('Add the Lyon sites');
    expect(source).toContain('Jeanne Admin');
    expect(source).toMatch(/FETCHED\s*\S+/i);

    // The links table lists all of them on request; plan and history are there.
    await page.click('section.links input[type=radio]:not(:checked)');
    expect(await page.$$eval('section.links tbody tr', (r) => r.length)).toBe(
      f.status.links.length,
    );
    expect(await text(page, '[data-testid=plan-summary]')).toContain(
      'Plan: 1 to add, 2 to change, 0 to destroy.',
    );
    expect(await page.$$eval('section.history tbody tr', (r) => r.length)).toBe(f.history.length);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it("shows an offline link's reason in its tooltip and in its details", async () => {
    const { page } = await open();
    const f = target.fixture;
    const cases: [LinkStatusEntry, RegExp][] = [
      [
        f.special.wrongPassword,
        /offline: wrong password \(the two entries hold different passwords/,
      ],
      [f.special.unreachable, /offline: unreachable .*connection refused/],
      [f.special.certificateMismatch, /offline: certificate mismatch .*presented sha256/],
    ];
    for (const [link, reason] of cases) {
      const title = await page.$eval(
        `svg.graph [data-link="${keyOf(link)}"] > title`,
        (t) => t.textContent,
      );
      expect(title).toMatch(reason);
    }
    // Selected in the picture: the details panel explains it.
    await page.$eval(`svg.graph [data-link="${keyOf(f.special.wrongPassword)}"] .line`, (el) =>
      el.dispatchEvent(new MouseEvent('click', { bubbles: true })),
    );
    await page.waitForSelector(`[data-details-link="${keyOf(f.special.wrongPassword)}"]`);
    const details = await text(page, 'section.details');
    expect(details).toContain('wrong password');
    expect(details).toContain('the two entries hold different passwords');
    expect(details).toContain('the passwords differ');
    // And from the links table, by keyboard.
    await page.focus(`section.links tr[data-link="${keyOf(f.special.unreachable)}"] button`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-details-link="${keyOf(f.special.unreachable)}"]`);
    expect(await text(page, 'section.details')).toMatch(/unreachable[\s\S]*connection refused/);
    await page.close();
  });

  it('filters the server list by name as one types', async () => {
    const { page } = await open();
    const names = () =>
      page.$$eval('[role=listbox] [role=option]', (els) =>
        els.map((e) => e.getAttribute('data-server')),
      );
    await page.type('input[type=search]', 'site-0001');
    await page.waitForFunction(
      () => document.querySelectorAll('[role=listbox] [role=option]').length < 20,
    );
    const expected = target.fixture.serverNames.filter((n) => n.includes('SITE-0001'));
    expect(sorted(await names())).toEqual(sorted(expected));
    expect(await text(page, '.list-count')).toBe(`${expected.length} of 40 servers`);
    // Matches light up in the picture too.
    expect(
      sorted(
        await page.$$eval('svg.graph .node.match', (els) =>
          els.map((e) => e.getAttribute('data-server')),
        ),
      ),
    ).toEqual(sorted(expected));
    await page.$eval('input[type=search]', (el) => {
      (el as PageElement).value = 'no such server';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForSelector('.servers .empty');
    await page.$eval('input[type=search]', (el) => {
      (el as PageElement).value = '';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(
      () => document.querySelectorAll('[role=listbox] [role=option]').length === 40,
    );
    await page.close();
  });

  it('shows a server’s entries desired next to actual, differences marked, secrets masked', async () => {
    const d = await open();
    const { page } = d;
    const f = target.fixture;
    await page.click(`[role=option][data-server="${f.special.passwordDiffers}"]`);
    const entry = `[data-details-server="${f.special.passwordDiffers}"] [data-neighbor="${f.special.wrongPassword.a}"]`;
    await page.waitForSelector(entry);
    const row = (field: string) =>
      page.$eval(`${entry} tr[data-field="${field}"]`, (tr) => ({
        differs: tr.classList.contains('differs'),
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
        head: tr.querySelector('th')!.textContent,
      }));
    const password = await row('password');
    expect(password.differs).toBe(true);
    expect(password.head).toContain('≠ differs');
    expect(password.cells).toEqual(['(sensitive)', '(sensitive)']);
    const address = await row('address');
    expect(address.differs).toBe(false);
    expect(address.head).not.toContain('differs');
    expect(await text(page, entry)).toContain('1 field differs: apply updates it');
    // Its links and pending change are there too.
    const details = await text(page, 'section.details');
    expect(details).toMatch(/offline, wrong password/);
    expect(details).toContain('update parent');

    await page.click(`[role=option][data-server="${f.special.encryptionDiffers}"]`);
    await page.waitForSelector(`[data-details-server="${f.special.encryptionDiffers}"] tr.differs`);
    const enc = await page.$eval(
      `[data-details-server="${f.special.encryptionDiffers}"] tr[data-field="encryption"]`,
      (tr) => ({
        differs: tr.classList.contains('differs'),
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      }),
    );
    expect(enc).toEqual({ differs: true, cells: ['yes', 'no'] });

    // An entry missing on the server is said to be created, not marked field by field.
    const missing = f.special.missingEntry;
    await page.click(`[role=option][data-server="${missing}"]`);
    const missingEntry = `[data-details-server="${missing}"] .entry`;
    await page.waitForSelector(missingEntry);
    expect(await text(page, missingEntry)).toContain('missing on the server: apply creates it');
    expect(await page.$$eval(`${missingEntry} tr.differs`, (rows) => rows.length)).toBe(0);
    expect(
      await page.$eval(`${missingEntry} tr[data-field="address"]`, (tr) =>
        [...tr.querySelectorAll('td')].map((td) => td.textContent),
      ),
    ).toEqual(['127.0.0.1:20001', '(none)']);

    // An unmanaged entry is said to be left alone.
    await page.click('[role=option][data-server="HQ"]');
    await page.waitForSelector('[data-details-server="HQ"] [data-neighbor="LEGACY"]');
    expect(await text(page, '[data-neighbor="LEGACY"]')).toContain(
      'not managed by avnet: left alone',
    );

    const html = await page.content();
    for (const s of f.secrets) expect(html).not.toContain(s);
    const detailBodies = d.responses.filter((r) => r.url.includes('/api/v1/servers/'));
    expect(detailBodies.length).toBeGreaterThanOrEqual(3);
    for (const r of detailBodies) expect(r.body).toContain('"password":"(sensitive)"');
    await page.close();
  });

  it('follows the event stream: a link going offline and back, a new commit and a finished cycle appear within a second, without reloading', async () => {
    const { page } = await open();
    await page.evaluate(
      () => ((window as unknown as { sameDocument: boolean }).sameDocument = true),
    );
    const link = target.fixture.status.links.find((l) => l.a === 'HQ')!;
    const key = keyOf(link);
    const within = async (ms: number, fn: () => Promise<unknown>) => {
      const t0 = Date.now();
      await fn();
      const took = Date.now() - t0;
      expect(took, `shown after ${took} ms`).toBeLessThan(ms);
    };
    const edgeState = (state: string, words: string) =>
      page.waitForFunction(
        (k, s, w) => {
          const g = document.querySelector(`svg.graph [data-link="${k}"]`);
          return (
            g?.getAttribute('data-state') === s &&
            (g.querySelector('title')?.textContent ?? '').includes(w)
          );
        },
        { timeout: 5000, polling: 'raf' },
        key,
        state,
        words,
      );

    await target.setLinkState(
      link.a,
      link.b,
      'offline',
      'unreachable',
      `${link.b} cannot connect to HQ`,
    );
    await within(1000, () => edgeState('offline', 'unreachable'));
    expect(await text(page, 'header.topbar')).toContain('4 offline');
    await target.setLinkState(link.a, link.b, 'online');
    await within(1000, () => edgeState('online', 'online'));
    expect(await text(page, 'header.topbar')).toContain('3 offline');

    const head = fakeSha('head-2');
    await target.newCommit(head, 'Move SITE-00009 under REGION-002');
    await within(1000, () =>
      page.waitForFunction(
        (h) => document.querySelector('[data-testid=head]')?.textContent?.includes(h),
        { timeout: 5000, polling: 'raf' },
        head.slice(0, 7),
      ),
    );
    expect(await text(page, '[data-testid=head]')).toContain('Move SITE-00009 under REGION-002');

    const cycle = await target.pushCycle({
      trigger: 'commit',
      outcome: 'applied',
      changes: { add: 0, change: 2, destroy: 0 },
      writes: 2,
      message: 'applied 2 changes',
    });
    await within(1000, () => page.waitForSelector(`[data-cycle="${cycle.id}"]`, { timeout: 5000 }));
    const row = await text(page, `[data-cycle="${cycle.id}"]`);
    expect(row).toContain('commit');
    expect(row).toContain('applied');
    expect(row).toContain('applied 2 changes');
    expect(row).toContain(head.slice(0, 7));
    expect(await text(page, '[data-testid=last-cycle]')).toContain(`#${cycle.id} commit`);
    expect(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
    await page.close();
  });

  it('says when the event stream is lost, reconnects by itself and catches up', async () => {
    const { page } = await open();
    await page.waitForSelector('.connection[data-state=live]');
    const link = target.fixture.status.links.find(
      (l) => l.a === 'REGION-001' && l.state === 'online',
    )!;
    await target.dropEvents();
    await page.waitForSelector('.connection[data-state=disconnected]', { timeout: 5000 });
    expect(await text(page, '.connection')).toMatch(/Disconnected from avnet serve.*reconnecting/i);
    expect(await attr(page, '.connection', 'role')).toBe('status');
    // Missed while disconnected: no stream is open, so no event carries it.
    await target.setLinkState(link.a, link.b, 'offline', 'connection-lost', null);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await text(page, '.connection')).toMatch(/reconnecting/i);
    await target.allowEvents();
    await page.waitForSelector('.connection[data-state=live]', { timeout: 8000 });
    await page.waitForFunction(
      (k) =>
        document.querySelector(`svg.graph [data-link="${k}"]`)?.getAttribute('data-state') ===
        'offline',
      { timeout: 5000 },
      keyOf(link),
    );
    await target.setLinkState(link.a, link.b, 'online');
    await page.close();
  });

  it('shows the diagnostics of an invalid head commit with file:line:col and rule', async () => {
    const { page } = await open();
    await target.setInvalid({
      revision: fakeSha('broken'),
      diagnostics: [
        {
          rule: 'duplicate-credentials',
          severity: 'error',
          message: 'links MAIN->AUX1 and MAIN->AUX2 use the same password with certificate of MAIN',
          file: 'topology.yaml',
          line: 21,
          column: 15,
          pointer: '/links/1/password',
          related: [{ file: 'topology.yaml', line: 14, column: 15, message: 'first used here' }],
        },
        {
          rule: 'multiple-parents',
          severity: 'warning',
          message: 'SITE-00009 is the child of more than one parent',
          file: 'topology.yaml',
          line: 40,
          column: 7,
        },
      ],
    });
    await page.waitForSelector('section.invalid', { timeout: 2000 });
    const t = await text(page, 'section.invalid');
    expect(t).toContain(`Head commit ${fakeSha('broken').slice(0, 7)} is invalid`);
    expect(t).toMatch(/topology\.yaml:21:15\s+error\s+duplicate-credentials\s+links MAIN->AUX1/);
    expect(t).toMatch(/topology\.yaml:14:15 first used here/);
    expect(t).toMatch(/topology\.yaml:40:7\s+warning\s+multiple-parents/);
    expect(t).toContain('the servers stay at');
    await target.setInvalid(null);
    await page.waitForFunction(() => !document.querySelector('section.invalid'), { timeout: 2000 });
    await page.close();
  });

  it('is usable from the keyboard: Tab to the search, to a server, Enter selects; the picture too', async () => {
    const { page } = await open();
    const active = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return {
          tag: el?.tagName,
          type: el?.getAttribute('type'),
          role: el?.getAttribute('role'),
          server: el?.getAttribute('data-server'),
          svg: !!el?.closest('svg'),
        };
      });
    let a = await active();
    for (let i = 0; i < 5 && a.type !== 'search'; i++) {
      await page.keyboard.press('Tab');
      a = await active();
    }
    expect(a.type).toBe('search');
    for (let i = 0; i < 4 && a.role !== 'option'; i++) {
      await page.keyboard.press('Tab');
      a = await active();
    }
    expect(a.role).toBe('option');
    expect(a.server).toBe('HQ');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    a = await active();
    expect(a.server).toBe('REGION-002');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-details-server="REGION-002"]');
    expect(await attr(page, '[role=option][data-server="REGION-002"]', 'aria-selected')).toBe(
      'true',
    );

    // On into the picture: one tab stop past its toolbar, then arrows and Enter.
    for (let i = 0; i < 15 && !a.svg; i++) {
      await page.keyboard.press('Tab');
      a = await active();
    }
    expect(a.svg).toBe(true);
    expect(a.server).toBe('REGION-002');
    const boxes = () => page.$$eval('svg.graph [data-server]', (els) => els.length);
    // Close HQ's subtree with −, open it again with +.
    await page.keyboard.press('Home');
    a = await active();
    expect(a.server).toBe('HQ');
    await page.keyboard.press('-');
    await page.waitForFunction(
      () => document.querySelectorAll('svg.graph [data-server]').length === 1,
    );
    await page.keyboard.press('+');
    await page.waitForFunction(
      () => document.querySelectorAll('svg.graph [data-server]').length > 1,
    );
    expect(await boxes()).toBeGreaterThan(4);
    await page.keyboard.press('ArrowRight');
    a = await active();
    expect(a.server).toBe('REGION-001');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-details-server="REGION-001"]');
    // Links are buttons: reachable with Tab from the details, Enter shows one.
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const isLink = await page.evaluate(() =>
        document.activeElement?.classList.contains('link-button'),
      );
      if (isLink) break;
    }
    const linkKey = await page.evaluate(() => document.activeElement?.getAttribute('data-link'));
    expect(linkKey).toBeTruthy();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-details-link="${linkKey}"]`);
    await page.close();
  });

  it('has no serious or critical axe-core violation, light and dark (server details and an invalid commit shown)', async () => {
    const { page } = await open();
    await target.setInvalid({
      revision: fakeSha('broken-2'),
      diagnostics: [
        {
          rule: 'schema',
          severity: 'error',
          message: 'unknown key',
          file: 'topology.yaml',
          line: 3,
          column: 1,
        },
      ],
    });
    await page.waitForSelector('section.invalid');
    await page.click(`[role=option][data-server="${target.fixture.special.passwordDiffers}"]`);
    await page.waitForSelector('section.details tr.differs');
    const violations = await axeViolations(page);
    expect(violations).toEqual([]);
    await page.click(
      `section.links tr[data-link="${keyOf(target.fixture.special.wrongPassword)}"] button`,
    );
    await page.waitForSelector('[data-details-link]');
    expect(await axeViolations(page)).toEqual([]);
    // The dark palette, for a screen kept dark, passes too.
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    expect(await page.$eval('body', (b) => getComputedStyle(b).backgroundColor)).toBe(
      'rgb(13, 17, 23)',
    );
    expect(await axeViolations(page)).toEqual([]);
    await target.setInvalid(null);
    await page.close();
  });

  it('stays usable at 200% zoom: one column, no horizontal overflow, list and picture in view', async () => {
    // 200% of a 1280×900 window: 640×450 CSS pixels at device scale 2.
    const { page } = await open({ viewport: { width: 640, height: 450, deviceScaleFactor: 2 } });
    await page.click('[role=option][data-server="REGION-001"]');
    await page.waitForSelector('[data-details-server="REGION-001"] .entry');
    const m = await page.evaluate(() => {
      const box = (sel: string) => {
        const el = document.querySelector(sel)!;
        const r = el.getBoundingClientRect();
        return {
          left: r.left,
          right: r.right,
          width: r.width,
          scroll: el.scrollWidth,
          client: el.clientWidth,
        };
      };
      return {
        page: {
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        },
        list: box('[role=listbox]'),
        search: box('input[type=search]'),
        graph: box('svg.graph'),
        details: box('section.details'),
        fontPx: parseFloat(
          getComputedStyle(document.querySelector('[role=option] .name')!).fontSize,
        ),
      };
    });
    expect(m.page.scroll).toBeLessThanOrEqual(m.page.client);
    expect(m.list.scroll).toBeLessThanOrEqual(m.list.client);
    for (const r of [m.list, m.search, m.graph, m.details]) {
      expect(r.left).toBeGreaterThanOrEqual(0);
      expect(r.right).toBeLessThanOrEqual(m.page.client + 0.5);
      expect(r.width).toBeGreaterThan(250);
    }
    expect(m.fontPx).toBeGreaterThanOrEqual(12);
    // A long server name wraps instead of pushing the list wider.
    await page.close();
  });

  it('asks nothing of any other origin and shows no secret in its HTML, scripts, answers or events', async () => {
    const d = await open();
    const { page } = d;
    const f = target.fixture;
    await page.click(`[role=option][data-server="${f.special.passwordDiffers}"]`);
    await page.waitForSelector('section.details tr.differs');
    await page.click('section.links input[type=radio]:not(:checked)');
    expect(d.foreign).toEqual([]);
    const bodies = [await page.content(), ...d.responses.map((r) => r.body)];
    expect(d.responses.some((r) => r.url.includes('/assets/') && r.url.endsWith('.js'))).toBe(true);
    expect(d.responses.some((r) => r.url.endsWith('/api/v1/status'))).toBe(true);
    // The event stream, read as the page reads it.
    const ac = new AbortController();
    const res = await fetch(new URL('api/v1/events', target.baseUrl), {
      headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    let events = '';
    while (!events.includes('\n\n'))
      events += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    expect(events).toMatch(/^event: status\ndata: \{/);
    bodies.push(events);
    for (const body of bodies) for (const s of f.secrets) expect(body).not.toContain(s);
    expect(d.assetBytes()).toBeGreaterThan(10_000);
    expect(d.assetBytes()).toBeLessThan(400_000);
    await page.close();
  });
});
