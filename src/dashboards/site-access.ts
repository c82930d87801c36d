import { type DatasetSpec, datasetNamed } from './datasets.ts';
import { type PageSpec, pageNamed } from './pages.ts';

/**
 * What the server may hand out of the built site, and under which permission. A request path is made
 * canonical ONCE (percent-decoding, double encoding included; backslashes; empty, `.` and `..`
 * segments), the canonical path is looked up in the table of pages, data files and shared assets, and
 * that entry's file is what gets served: the path checked is the path served. Whatever the table does
 * not name is refused (deny by default), and names match exactly (a case-insensitive file system would
 * otherwise serve `Margin.html` as `margin.html` past the check).
 */
export type SiteResource =
  | { kind: 'page'; page: PageSpec; file: string }
  | { kind: 'data'; dataset: DatasetSpec; file: string }
  /** Code and styles every page shares (no data): any signed-in role may load them. */
  | { kind: 'asset'; file: string };

export type CanonicalPath = { ok: true; path: string } | { ok: false; reason: string };

/** Rounds of percent-decoding tried before a path counts as hostile (one is normal, two is a proxy). */
const MAX_DECODES = 3;
const ASSET_FOLDERS = new Set(['_observablehq', '_node', '_npm', '_import']);
const ASSET_FILE = /\.(?:js|css|map|woff2?|ttf|svg|png)$/;
const DATA_FILE = /^([a-z0-9_]+)\.[0-9a-f]{8}\.json$/;

/**
 * The canonical form of a path below /dashboards/ (`rawPath` as sent: the query already cut off):
 * segments joined by `/`, no leading or trailing slash ('' for the root). Not ok for an encoding that
 * does not decode, control characters, or `..` above the root.
 */
export function canonicalSitePath(rawPath: string): CanonicalPath {
  let path = rawPath;
  for (let round = 0; path.includes('%'); round++) {
    if (round === MAX_DECODES)
      return { ok: false, reason: 'the path is percent-encoded too many times over' };
    try {
      path = decodeURIComponent(path);
    } catch {
      return { ok: false, reason: 'the path has a malformed percent-encoding' };
    }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(path)) return { ok: false, reason: 'the path has control characters' };
  const segments: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return { ok: false, reason: 'the path climbs above the site' };
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  return { ok: true, path: segments.join('/') };
}

/** The table entry a canonical path names, or undefined (refused: not part of the site). */
export function siteResource(path: string): SiteResource | undefined {
  const segments = path === '' ? [] : path.split('/');
  if (segments.length <= 1) {
    const name = (segments[0] ?? 'index').replace(/\.html$/, '');
    const page = pageNamed(name);
    return page ? { kind: 'page', page, file: `${page.page}.html` } : undefined;
  }
  if (segments.length === 3 && segments[0] === '_file' && segments[1] === 'data') {
    const name = DATA_FILE.exec(segments[2]!)?.[1];
    const dataset = name === undefined ? undefined : datasetNamed(name);
    return dataset ? { kind: 'data', dataset, file: path } : undefined;
  }
  if (
    ASSET_FOLDERS.has(segments[0]!) &&
    ASSET_FILE.test(path) &&
    segments.every((segment) => !segment.startsWith('.'))
  ) {
    return { kind: 'asset', file: path };
  }
  return undefined;
}
