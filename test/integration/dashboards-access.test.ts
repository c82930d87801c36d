/**
 * The dashboards' access rules against path tricks: a site laid out like an Observable Framework build
 * (pages, hashed data files, shared assets, plus files that are not part of it), served by a real server
 * on loopback, probed with raw request paths (fetch would normalise them first). The same resource must
 * be refused however its path is spelled, served to roles allowed to see it, and whatever the table of
 * pages and data files does not name is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../src/dashboards/datasets.ts';
import { PAGES } from '../../src/dashboards/pages.ts';
import { createFixture, type Fixture } from '../unit/api/server-fixture.ts';
import { type RawReply, rawRequest } from './http-raw.ts';

const HASH = '0123abcd';
const MARGIN_FILE = `_file/data/margin_daily.${HASH}.json`;
/** What no integration key may ever read, whatever the path. */
const SECRET_MARKERS = [
  'MARGIN-ROWS',
  'PAGE:margin',
  'PAGE:index',
  'PAGE:replenishment',
  'OUTSIDE',
  'NOT-SITE',
];

let fx: Fixture;
let site: string;
const previousSite = process.env.RETAILOS_DASHBOARDS_DIR;

function writeSite(dir: string): void {
  const put = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  for (const page of PAGES) put(`${page.page}.html`, `<!doctype html><h1>PAGE:${page.page}</h1>`);
  for (const dataset of DATASETS) {
    const marker = dataset.name === 'margin_daily' ? 'MARGIN-ROWS' : `ROWS:${dataset.name}`;
    put(`_file/data/${dataset.name}.${HASH}.json`, JSON.stringify({ rows: [{ marker }] }));
  }
  put('_observablehq/client.abcdef12.js', 'export const CLIENT = 1;');
  put('_import/components/data.1234abcd.js', 'export const DATA = 1;');
  // Not part of the site's table: never served, to anyone.
  put('secret.txt', 'NOT-SITE');
  put('.env', 'NOT-SITE');
  put('_file/data/notes.txt', 'NOT-SITE');
  put('_file/other.json', 'NOT-SITE');
  put('_observablehq/notes.txt', 'NOT-SITE');
  fs.writeFileSync(path.join(dir, '..', 'outside.json'), 'OUTSIDE');
}

beforeAll(async () => {
  // The server finds the site through RETAILOS_DASHBOARDS_DIR when it starts.
  const parent = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'retailos-site-'));
  site = path.join(parent, 'site');
  writeSite(site);
  process.env.RETAILOS_DASHBOARDS_DIR = site;
  fx = await createFixture({ server: { operations: { enabled: false }, jobs: { enabled: false } } });
});

afterAll(async () => {
  await fx?.dispose();
  if (previousSite === undefined) delete process.env.RETAILOS_DASHBOARDS_DIR;
  else process.env.RETAILOS_DASHBOARDS_DIR = previousSite;
  if (site) fs.rmSync(path.dirname(site), { recursive: true, force: true });
});

function get(target: string, key?: string, headers: Record<string, string> = {}): Promise<RawReply> {
  return rawRequest(fx.url, {
    path: target,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
  });
}

function expectRefused(reply: RawReply, target: string): void {
  expect(reply.status, `${target} → ${reply.status}`).not.toBe(200);
  expect(reply.status, target).toBeGreaterThanOrEqual(300);
  for (const marker of SECRET_MARKERS) expect(reply.text, `${target} leaked ${marker}`).not.toContain(marker);
}

/** Spellings of the Margin data file: every one names the same resource or none. */
const MARGIN_DATA_TRICKS = [
  `/dashboards/${MARGIN_FILE}`,
  `/dashboards/_file//data/margin_daily.${HASH}.json`,
  `/dashboards//_file/data/margin_daily.${HASH}.json`,
  `/dashboards/_file/./data/margin_daily.${HASH}.json`,
  `/dashboards/./_file/data/margin_daily.${HASH}.json`,
  `/dashboards/_file/%64ata/margin_daily.${HASH}.json`,
  `/dashboards/%5ffile/data/margin_daily.${HASH}.json`,
  `/dashboards/%5Ffile/data/margin_daily.${HASH}.json`,
  `/dashboards/%255ffile/data/margin_daily.${HASH}.json`,
  `/dashboards/%25255ffile/data/margin_daily.${HASH}.json`,
  `/dashboards/%2525255ffile/data/margin_daily.${HASH}.json`,
  `/dashboards/_file/data/x/../margin_daily.${HASH}.json`,
  `/dashboards/_file/data/%2e%2e/data/margin_daily.${HASH}.json`,
  `/dashboards/login/../_file/data/margin_daily.${HASH}.json`,
  `/dashboards/_file%2fdata%2fmargin_daily.${HASH}.json`,
  `/dashboards/_file%5cdata%5cmargin_daily.${HASH}.json`,
  `/dashboards/_file\\data\\margin_daily.${HASH}.json`,
  `/dashboards/_file/data/margin%5fdaily.${HASH}.json`,
  `/dashboards/_file/data/margin_daily.${HASH}%2ejson`,
  `/dashboards/_FILE/data/margin_daily.${HASH}.json`,
  `/dashboards/_file/DATA/margin_daily.${HASH}.json`,
  `/dashboards/_file/data/MARGIN_DAILY.${HASH}.json`,
  `/dashboards/_file/data/margin_daily.${HASH}.JSON`,
  `/dashboards/_file/data/margin_daily.${HASH}.json/`,
  `/dashboards/_file/data/margin_daily.${HASH}.json/.`,
  `/dashboards/_file/data/margin_daily.${HASH}.json%00`,
  `/dashboards/_file/data/margin_daily.${HASH}.json%20`,
  `/dashboards/_file/data/margin_daily.${HASH}.json;.js`,
  `/dashboards/_file/data/margin_daily.${HASH}.json?download=1`,
  `/DASHBOARDS/_file/data/margin_daily.${HASH}.json`,
];

/** Spellings of pages an integration key may not open (margin, replenishment, and the overview). */
const PAGE_TRICKS = [
  '/dashboards/margin',
  '/dashboards/%6Dargin',
  '/dashboards/%6dargin',
  '/dashboards/%256Dargin',
  '/dashboards/margin.html',
  '/dashboards/%6Dargin.html',
  '/dashboards/margin%2ehtml',
  '/dashboards/MARGIN',
  '/dashboards/Margin.html',
  '/dashboards/margin/',
  '/dashboards/./margin',
  '/dashboards//margin',
  '/dashboards/x/../margin',
  '/dashboards/%2e/margin',
  '/dashboards/%2e%2e/dashboards/margin',
  '/dashboards/replenishment',
  '/dashboards/%72eplenishment',
  '/dashboards/%72eplenishment.html',
  '/dashboards/',
  '/dashboards/index.html',
  '/dashboards/%69ndex.html',
  '/dashboards/%69ndex',
  '/dashboards/_file/../index.html',
];

describe('dashboards: one canonical path, checked once', () => {
  it('an integration key never reads the Margin data file, however the path is spelled', async () => {
    for (const target of MARGIN_DATA_TRICKS) expectRefused(await get(target, fx.keys.integration), target);
  });

  it('an integration key never opens a page it may not see, however the path is spelled', async () => {
    for (const target of PAGE_TRICKS) expectRefused(await get(target, fx.keys.integration), target);
  });

  it('spellings that decode to a resource serve that same resource to a role allowed to see it', async () => {
    for (const target of ['/dashboards/%6Dargin', '/dashboards/./margin', '/dashboards/x/../margin.html']) {
      const reply = await get(target, fx.keys.admin);
      expect(reply.status, target).toBe(200);
      expect(reply.text).toContain('PAGE:margin');
    }
    for (const target of [
      `/dashboards/_file/%64ata/margin_daily.${HASH}.json`,
      `/dashboards/%255ffile/data/margin_daily.${HASH}.json`,
    ]) {
      const reply = await get(target, fx.keys.admin);
      expect(reply.status, target).toBe(200);
      expect(reply.text).toContain('MARGIN-ROWS');
    }
    // Names match exactly: another case is another (absent) resource.
    expect((await get('/dashboards/MARGIN', fx.keys.admin)).status).toBe(404);
    // Pages and data the integration role may see are served to it.
    expect((await get('/dashboards/inventory', fx.keys.integration)).text).toContain('PAGE:inventory');
    expect((await get(`/dashboards/_file/data/stock_daily.${HASH}.json`, fx.keys.integration)).status).toBe(
      200,
    );
    expect((await get('/dashboards/_observablehq/client.abcdef12.js', fx.keys.integration)).status).toBe(200);
  });

  it('what the table of pages and data files does not name is refused, even to admin', async () => {
    for (const target of [
      '/dashboards/secret.txt',
      '/dashboards/.env',
      '/dashboards/%2eenv',
      '/dashboards/_file/data/notes.txt',
      '/dashboards/_file/other.json',
      '/dashboards/_observablehq/notes.txt',
      '/dashboards/_observablehq/../secret.txt',
      '/dashboards/../outside.json',
      '/dashboards/%2e%2e/outside.json',
      '/dashboards/%252e%252e/outside.json',
      '/dashboards/_import/../../outside.json',
      '/dashboards/..%5coutside.json',
      `/dashboards/_file/data/unknown_dataset.${HASH}.json`,
      '/dashboards/login.html',
    ]) {
      expectRefused(await get(target, fx.keys.admin), target);
    }
    expect((await get('/dashboards/%2e%2e/outside.json', fx.keys.admin)).json).toMatchObject({
      code: 'bad_path',
    });
  });

  it('every dashboards route needs a key or a session, except the login form', async () => {
    for (const target of [
      '/dashboards/rebuild',
      '/dashboards/%72ebuild',
      '/dashboards/REBUILD',
      '/dashboards/inventory',
      `/dashboards/_file/data/meta.${HASH}.json`,
      '/dashboards/_observablehq/client.abcdef12.js',
      '/dashboards/secret.txt',
    ]) {
      const reply = await get(target);
      expect(reply.status, target).toBe(401);
      expect(reply.json, target).toMatchObject({ code: 'unauthorized' });
    }
    // A browser asking for a page is sent to the form, with the canonical path to come back to.
    const browser = await get('/dashboards/%6Dargin', undefined, { accept: 'text/html' });
    expect(browser.status).toBe(303);
    expect(browser.headers.location).toBe('/dashboards/login?next=%2Fdashboards%2Fmargin');
    expect((await get('/dashboards/login')).status).toBe(200);
    // The rebuild status needs what a rebuild needs.
    expect((await get('/dashboards/rebuild', fx.keys.integration)).status).toBe(403);
    const state = await get('/dashboards/rebuild', fx.keys.admin);
    expect(state.status).toBe(200);
    expect(state.json).toMatchObject({ state: 'idle' });
    // A session opens pages and the status, but a rebuild needs a key header (no cross-site POST starts one).
    const login = await rawRequest(fx.url, {
      method: 'POST',
      path: '/dashboards/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: fx.keys.admin }).toString(),
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect((await get('/dashboards/%6Dargin', undefined, { cookie })).text).toContain('PAGE:margin');
    expect((await get('/dashboards/rebuild', undefined, { cookie })).status).toBe(200);
    const post = await rawRequest(fx.url, {
      method: 'POST',
      path: '/dashboards/rebuild',
      headers: { cookie },
    });
    expect(post.status).toBe(401);
  });
});
