/**
 * The dashboards end to end: a small simulated retailer landed and refreshed into a real warehouse, the
 * site built by `retailos dashboards build` (Observable Framework, offline), served by a real API server
 * on loopback, and driven by Debian's Chromium through playwright-core: log in with an API key, open every
 * page (no console errors, SVG marks, non-empty tables), change a filter, check role refusals.
 * Screenshots go to bench/results/screenshots/ (git-ignored).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/api/keys.ts';
import { type RunningServer, startServer } from '../../src/api/server.ts';
import { main } from '../../src/cli/main.ts';
import { PAGES } from '../../src/dashboards/pages.ts';
import { exportSnapshot } from '../../src/dashboards/snapshot.ts';
import { readerSource } from '../../src/dashboards/sources.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCREENSHOTS = path.join(REPO_ROOT, 'bench', 'results', 'screenshots');
const MARK_SHAPES = [
  'g[aria-label="line"] > path',
  'g[aria-label="bar"] > rect',
  'g[aria-label="area"] > path',
  'g[aria-label="dot"] > circle',
  'g[aria-label="rect"] > rect',
  'g[aria-label="tick"] > line',
]
  .map((selector) => `svg ${selector}`)
  .join(', ');
const CHROMIUM = process.env.RETAILOS_CHROMIUM ?? '/usr/bin/chromium';

async function cli(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await main(args, {
    stdout: sink((text) => {
      out += text;
    }),
    stderr: sink((text) => {
      err += text;
    }),
    env: { ...process.env },
  });
  if (code !== 0) throw new Error(`retailos ${args.join(' ')} exited ${code}:\n${out}\n${err}`);
  return out;
}

let dir: string;
let server: RunningServer;
let browserDir: string;
let browser: BrowserContext;
let adminKey: string;
let warehouseKey: string;
const previousSiteEnv = process.env.RETAILOS_DASHBOARDS_DIR;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (what .ci/run does)`);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-dashboards-'));
  const db = path.join(dir, 'warehouse.duckdb');
  const site = path.join(dir, 'site');
  // Five weeks of the small retailer: every page has orders, stock, counts, POs, returns and margin.
  await cli([
    'simulate',
    '--scale',
    'small',
    '--days',
    '35',
    '--seed',
    '7',
    '--out',
    path.join(dir, 'sim'),
    '--db',
    db,
  ]);
  await cli(['ingest', path.join(dir, 'sim'), '--db', db]);
  await cli(['refresh', '--db', db]);
  // Recommendations with their projected stock curves for the Replenishment page.
  await cli(['replenish', 'plan', '--db', db]);
  const warehouse = await Warehouse.open(db);
  try {
    adminKey = (await createKey(warehouse, { role: 'admin', name: 'browser test' })).key;
    warehouseKey = (await createKey(warehouse, { role: 'warehouse', name: 'dock' })).key;
  } finally {
    await warehouse.close();
  }
  const built = await cli(['dashboards', 'build', '--out', site, '--db', db]);
  expect(built).toMatch(/Built 8 pages/);
  process.env.RETAILOS_DASHBOARDS_DIR = site;
  server = await startServer({
    dbPath: db,
    port: 0,
    logger: pino({ level: 'silent' }),
    operations: { enabled: false },
  });
  browserDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-chromium-'));
  browser = await chromium.launchPersistentContext(browserDir, {
    executablePath: CHROMIUM,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  // Playwright's 30 s defaults are speed checks in disguise on a loaded two-core machine: guard rails only.
  browser.setDefaultTimeout(120_000);
  browser.setDefaultNavigationTimeout(120_000);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (previousSiteEnv === undefined) delete process.env.RETAILOS_DASHBOARDS_DIR;
  else process.env.RETAILOS_DASHBOARDS_DIR = previousSiteEnv;
  for (const folder of [dir, browserDir]) if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

/** Opens a page and records console errors, failed requests and uncaught exceptions while it loads. */
async function open(page: Page, url: string): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  await page.goto(url, { waitUntil: 'networkidle' });
  return problems;
}

async function logIn(page: Page, key: string): Promise<void> {
  await page.goto(`${server.url}/dashboards/`);
  expect(page.url()).toContain('/dashboards/login');
  await page.fill('#key', key);
  await Promise.all([page.waitForURL(`${server.url}/dashboards/`), page.click('button[type=submit]')]);
}

describe('dashboards in Chromium', () => {
  it('asks for a key, refuses a bad one, and sets an HttpOnly SameSite=Strict session cookie', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/dashboards/margin`);
    expect(page.url()).toContain('/dashboards/login?next=%2Fdashboards%2Fmargin');
    await page.fill('#key', 'rk_000000000000_not-a-key');
    await page.click('button[type=submit]');
    await expect(page.locator('.error').textContent()).resolves.toMatch(/not valid/);
    await logIn(page, adminKey);
    const cookie = (await browser.cookies(`${server.url}/dashboards/`)).find(
      (c) => c.name === 'retailos_session',
    );
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboards' });
    await page.close();
  });

  it.each(PAGES.map((spec) => [spec.page, spec.title] as const))(
    'page %s loads with no console errors, draws charts and fills tables',
    async (name, title) => {
      const page = await browser.newPage();
      const problems = await open(page, `${server.url}/dashboards/${name === 'index' ? '' : name}`);
      await expect(page.locator('h1').first().textContent()).resolves.toBe(title);
      // Plot draws each mark as a <g aria-label="line|bar|area|dot|rect|tick"> of SVG shapes: count the shapes.
      await expect.poll(() => page.locator(MARK_SHAPES).count(), { timeout: 60_000 }).toBeGreaterThan(0);
      const rows = await page.locator('table tbody tr').count();
      expect(rows).toBeGreaterThan(0);
      await expect(page.locator('.observablehq--error').count()).resolves.toBe(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    },
  );

  it("the replenishment page draws a recommendation's projected stock without and with it", async () => {
    const page = await browser.newPage();
    try {
      // The context may hold a session from an earlier test already; log in only when asked to.
      await page.goto(`${server.url}/dashboards/`, { waitUntil: 'networkidle' });
      if (page.url().includes('/dashboards/login')) await logIn(page, adminKey);
      await page.waitForLoadState('networkidle');
      const problems = await open(page, `${server.url}/dashboards/replenishment`);
      expect(problems).toEqual([]);
      const card = page.locator('.card', { hasText: 'Projected stock' }).first();
      await card.waitFor();
      expect(await card.textContent()).not.toContain('carries no projected stock curve');
      // Plot draws one path per series (without, with) inside its line mark.
      expect(await card.locator('svg [aria-label="line"] path').count()).toBe(2);
    } finally {
      await page.close();
    }
  });

  it('a filter changes what is shown', async () => {
    const page = await browser.newPage();
    await open(page, `${server.url}/dashboards/`);
    const table = page.locator('.card', { hasText: 'Margin by channel' }).locator('table tbody tr');
    const before = await table.allTextContents();
    expect(before.length).toBeGreaterThan(1);
    await page.locator('.filter-bar select').first().selectOption('WEB');
    await expect.poll(() => table.count()).toBe(1);
    expect((await table.allTextContents())[0]).toContain('WEB');
    await page.close();
  });

  it('respects roles: a warehouse key sees inventory but not margin, and data files are guarded', async () => {
    const asWarehouse = { authorization: `Bearer ${warehouseKey}` };
    expect((await fetch(`${server.url}/dashboards/inventory`, { headers: asWarehouse })).status).toBe(200);
    const refused = await fetch(`${server.url}/dashboards/margin`, { headers: asWarehouse });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/valuation:read/);
    const html = await (
      await fetch(`${server.url}/dashboards/margin`, { headers: { authorization: `Bearer ${adminKey}` } })
    ).text();
    const dataFile = /_file\/data\/margin_daily\.[0-9a-f]+\.json/.exec(html)?.[0];
    expect(dataFile).toBeDefined();
    expect((await fetch(`${server.url}/dashboards/${dataFile}`, { headers: asWarehouse })).status).toBe(403);
    expect((await fetch(`${server.url}/dashboards/${dataFile}`)).status).toBe(401);
    const data = await fetch(`${server.url}/dashboards/${dataFile}`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(data.status).toBe(200);
    expect(((await data.json()) as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
  });

  it('rebuilds only for keys with sql:query, and exports through the server connections', async () => {
    expect((await fetch(`${server.url}/dashboards/rebuild`, { method: 'POST' })).status).toBe(401);
    const refused = await fetch(`${server.url}/dashboards/rebuild`, {
      method: 'POST',
      headers: { authorization: `Bearer ${warehouseKey}` },
    });
    expect(refused.status).toBe(403);
    const summary = await exportSnapshot(
      readerSource(server.context.readers),
      path.join(dir, 'server-snapshot'),
    );
    const margin = summary.datasets.find((dataset) => dataset.name === 'margin_daily');
    expect(margin).toMatchObject({ available: true });
    expect(margin!.rows).toBeGreaterThan(0);
  });
});
