/**
 * The dashboard on the real thing: `avnet serve --git` following a bare repository, applying over
 * the http backend to emulated servers that really link, in headless Chromium. A commit that
 * points the child at a dead address shows the link offline with its reason; a fixing commit and
 * a signed webhook turn it online on the open page, without a reload; search, server details, an
 * invalid commit's diagnostics, the token prompt, axe-core, no foreign request and no secret.
 */
import { createHmac } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/sim/index.js';
import { git, gitEnv } from '../gitops/git-fixture.js';
import { ADMIN, copyExample, freePorts, simulate, type TopologyCopy } from '../sim/helpers.js';
import { startServe, type RunningServe } from '../serve/serve-harness.js';
import {
  axeViolations,
  launchBrowser,
  openDashboard,
  waitForNetworkDrawn,
  type DashboardPage,
  type TestBrowser,
} from './browser.js';
import type { PageDocument, PageElement } from './page-dom.js';

declare const document: PageDocument;
declare const window: Record<string, unknown>;

const TOKEN = 'real-serve-dashboard-token-3a9f1';
const HOOK = 'real-serve-webhook-secret-b71e0';
const LINK = 'MAIN|AUXILIARY|parent-child';

let copy: TopologyCopy;
let work: string;
let env: NodeJS.ProcessEnv;
let sim: Simulation;
let serve: RunningServe;
let tb: TestBrowser;
let dash: DashboardPage;
let linkPassword: string;
let good: string;

async function commitAndPush(message: string, yaml: string): Promise<void> {
  await writeFile(path.join(work, 'topology.yaml'), yaml);
  await git(['commit', '--quiet', '-am', message], work, env);
  await git(['push', '--quiet', 'origin', 'main'], work, env);
}

async function webhook(): Promise<void> {
  const body = JSON.stringify({ ref: 'refs/heads/main' });
  const res = await fetch(`${serve.url}/hooks/github`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': `sha256=${createHmac('sha256', HOOK).update(body).digest('hex')}`,
    },
  });
  expect(res.status).toBe(202);
}

async function text(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (el as PageElement).innerText ?? el.textContent ?? '');
}

beforeAll(async () => {
  copy = await copyExample('basic');
  linkPassword = (await readFile(path.join(copy.dir, 'secrets/main-auxiliary'), 'utf8')).trim();
  good = await readFile(copy.file, 'utf8');
  const [dead] = await freePorts(1);
  sim = await simulate(copy.file);
  const root = path.dirname(copy.dir);
  env = gitEnv(path.join(root, 'home'));
  await mkdir(path.join(root, 'home'), { recursive: true });
  const origin = path.join(root, 'origin.git');
  work = copy.dir;
  await writeFile(path.join(root, 'ca.pem'), sim.caPem);
  await git(['init', '--quiet', '--bare', '--initial-branch=main', origin], root, env);
  await git(['init', '--quiet', '--initial-branch=main'], work, env);
  // The first commit sends the child to an address where nothing listens: the link stays offline.
  await writeFile(
    copy.file,
    good.replace(
      'password: { file: secrets/main-auxiliary }',
      `password: { file: secrets/main-auxiliary }\n    address: 127.0.0.1:${dead}`,
    ),
  );
  await git(['add', '.'], work, env);
  await git(['commit', '--quiet', '-m', 'the basic network, with a wrong address'], work, env);
  await git(['remote', 'add', 'origin', origin], work, env);
  await git(['push', '--quiet', 'origin', 'main'], work, env);
  [serve, tb] = await Promise.all([
    startServe(
      [
        '--git',
        `file://${origin}`,
        '--git-interval',
        '0',
        '--interval',
        '0',
        '--apply',
        '--backend',
        'http',
        '--ca',
        path.join(root, 'ca.pem'),
        '--data',
        path.join(root, 'data'),
        '--auth-token',
        'env:T',
        '--webhook-secret',
        'env:W',
        '--link-interval',
        '300ms',
        '--wait',
        '1s',
      ],
      {
        cwd: root,
        env: { ...env, T: TOKEN, W: HOOK, AVNET_USER: ADMIN.user, AVNET_PASSWORD: ADMIN.password },
      },
    ),
    launchBrowser(),
  ]);
}, 60_000);

afterAll(async () => {
  await tb?.close();
  expect(await serve?.stop()).toBe(0);
  for (const secret of [linkPassword, TOKEN, HOOK, ADMIN.password])
    expect(serve.stderr(), 'serve log').not.toContain(secret);
  await sim?.stop();
  await copy?.cleanup();
  await rm(path.join(path.dirname(copy.dir), 'home'), { recursive: true, force: true });
}, 60_000);

describe('the dashboard on a real avnet serve', { timeout: 120_000 }, () => {
  it('shows every server and the link offline with its reason', async () => {
    dash = await openDashboard(tb.browser, serve.url + '/', { token: TOKEN });
    const { page } = dash;
    const servers = await page.$$eval('svg.graph [data-server]', (els) =>
      els.map((e) => e.getAttribute('data-server')).sort(),
    );
    expect(servers).toEqual(['AUXILIARY', 'MAIN']);
    await page.waitForFunction(
      (key: string) =>
        /offline: unreachable/.test(
          document.querySelector(`svg.graph [data-link="${key}"] > title`)?.textContent ?? '',
        ),
      { timeout: 30_000, polling: 100 },
      LINK,
    );
    const title = await page.$eval(`svg.graph [data-link="${LINK}"] > title`, (t) => t.textContent);
    expect(title).toMatch(/ECONNREFUSED|connect/);
    await page.focus(`section.links tr[data-link="${LINK}"] button`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-details-link="${LINK}"]`);
    expect(await text(page, 'section.details')).toMatch(/unreachable/);
    expect(await text(page, 'header.topbar')).toMatch(/Health . (Degraded|Progressing)/);
  });

  it('a fixing commit and a signed webhook turn the link online on the open page, without a reload', async () => {
    const { page } = dash;
    await page.evaluate(() => {
      window['sameDocument'] = true;
    });
    await commitAndPush('send the child to MAIN again', good);
    await webhook();
    await page.waitForFunction(
      (key: string) =>
        !document.querySelector(`svg.graph [data-link="${key}"] .state-mark`) &&
        /online/.test(
          document.querySelector(`svg.graph [data-link="${key}"] > title`)?.textContent ?? '',
        ),
      { timeout: 30_000, polling: 100 },
      LINK,
    );
    expect(await page.evaluate(() => window['sameDocument'])).toBe(true);
    await page.waitForFunction(
      () => /Health . Healthy/.test(document.querySelector('header.topbar')?.textContent ?? ''),
      { timeout: 10_000 },
    );
    expect(await text(page, 'section.history')).toMatch(/webhook/);
  });

  it('filters by name, and shows a server desired next to actual with the password masked', async () => {
    const { page } = dash;
    await page.type('input[type=search]', 'AUX');
    await page.waitForFunction(
      () => document.querySelectorAll('[role=listbox] [role=option]').length === 1,
    );
    await page.click('[role=option][data-server="AUXILIARY"]');
    await page.waitForSelector('[data-details-server="AUXILIARY"] [data-neighbor="MAIN"]');
    const details = await text(page, 'section.details');
    expect(details).toContain('MAIN');
    expect(details).toContain('(sensitive)');
    expect(details).not.toContain(linkPassword);
    await page.$eval('input[type=search]', (el) => {
      (el as PageElement & { value: string }).value = '';
      el.dispatchEvent(
        new (window['Event'] as new (t: string, i: object) => unknown)('input', { bubbles: true }),
      );
    });
  });

  it("shows an invalid commit's diagnostics with file:line:col and rule, live", async () => {
    const { page } = dash;
    await commitAndPush('a typo', good.replace('child: AUXILIARY', 'child: AUXILARY'));
    await webhook();
    await page.waitForSelector('section.invalid', { timeout: 30_000 });
    const t = await text(page, 'section.invalid');
    expect(t).toMatch(/topology\.yaml:\d+:\d+/);
    expect(t).toContain('unknown-server');
    await commitAndPush('fix the typo', good);
    await webhook();
    await page.waitForFunction(() => !document.querySelector('section.invalid'), {
      timeout: 30_000,
    });
  });

  it('has no serious or critical axe-core violation, asks nothing of another origin and shows no secret', async () => {
    const { page } = dash;
    expect(await axeViolations(page)).toEqual([]);
    expect(dash.foreign).toEqual([]);
    const html = await page.content();
    for (const secret of [linkPassword, TOKEN, HOOK, ADMIN.password]) {
      expect(html).not.toContain(secret);
      for (const r of dash.responses) expect(r.body, r.url).not.toContain(secret);
    }
    expect(dash.assetBytes()).toBeLessThan(400 * 1024);
  });

  it('asks for the token in a new tab and says plainly when it is wrong', async () => {
    const other = await openDashboard(tb.browser, serve.url + '/', { waitForNetwork: false });
    const { page } = other;
    await page.waitForSelector('#token-input');
    await page.type('#token-input', 'not-the-token');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#token-error');
    expect(await page.$eval('#token-error', (e) => e.textContent)).toMatch(/Wrong token/);
    await page.type('#token-input', TOKEN);
    await page.keyboard.press('Enter');
    await waitForNetworkDrawn(page);
    await page.close();
  });
});
