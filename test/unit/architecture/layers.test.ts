/**
 * The dependency rule of docs/architecture.md, enforced: every relative import under src/ is read and checked
 * against the layers. A forbidden import fails here with the file, the import and the rule it breaks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/retailos.ts';

/** The layers, lowest first: a folder may import its own layer and the layers below, never above. */
const LAYERS: readonly { name: string; folders: readonly string[] }[] = [
  { name: 'foundation', folders: ['contracts', 'clock', 'format', 'warehouse', 'auth', 'secrets'] },
  {
    name: 'domain',
    folders: [
      'ingest',
      'ledger',
      'allocation',
      'replenishment',
      'anomaly',
      'ml',
      'alerts',
      'workflow',
      'channels',
      'sandbox',
      'sim',
      'operations',
      'jobs',
    ],
  },
  // The faces, innermost first: the API serves the dashboards; the CLI starts the API and builds the pages.
  { name: 'face: dashboards', folders: ['dashboards'] },
  { name: 'face: api', folders: ['api'] },
  { name: 'face: cli', folders: ['cli'] },
];

const SRC = path.join(REPO_ROOT, 'src');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The top folder of src/ a path lies in (undefined: outside src/, e.g. pipelines/). */
function folderOf(file: string): string | undefined {
  const relative = path.relative(SRC, file);
  if (relative.startsWith('..')) return undefined;
  const [top] = relative.split(path.sep);
  return top;
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((layer) => layer.folders.includes(folder));
}

interface Import {
  from: string;
  to: string;
}

function relativeImports(): Import[] {
  return sourceFiles(SRC).flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => ({
      from: path.relative(REPO_ROOT, file),
      to: path.relative(REPO_ROOT, path.resolve(path.dirname(file), (match[1] ?? match[2])!)),
    })),
  );
}

/** Why an import breaks the rule, or undefined when it keeps it. */
function violation(from: string, to: string): string | undefined {
  const source = folderOf(path.join(REPO_ROOT, from));
  const target = folderOf(path.join(REPO_ROOT, to));
  if (source === undefined || target === undefined || source === target) return undefined;
  const below = layerOf(source);
  const above = layerOf(target);
  if (below < 0) return `src/${source} is in no layer: add it to docs/architecture.md and this test`;
  if (above < 0) return `src/${target} is in no layer: add it to docs/architecture.md and this test`;
  if (above > below) return `${LAYERS[below]!.name} must not import ${LAYERS[above]!.name}`;
  return undefined;
}

describe('the dependency rule (docs/architecture.md)', () => {
  const imports = relativeImports();

  it('reads the imports of every module', () => {
    expect(imports.length).toBeGreaterThan(500);
    expect(
      imports.some((entry) => entry.from === 'src/cli/main.ts' && entry.to === 'src/cli/dispatch.ts'),
    ).toBe(true);
  });

  it('every folder of src/ is in exactly one layer', () => {
    const folders = fs
      .readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    for (const folder of folders) {
      expect(
        LAYERS.filter((layer) => layer.folders.includes(folder)).map((layer) => layer.name),
        folder,
      ).toHaveLength(1);
    }
  });

  it('no module imports a layer above its own', () => {
    const broken = imports.flatMap(({ from, to }) => {
      const why = violation(from, to);
      return why === undefined ? [] : [`${from} imports ${to}: ${why}`];
    });
    expect(broken).toEqual([]);
  });

  it('the rule catches what it forbids', () => {
    expect(violation('src/api/formats.ts', 'src/cli/format.ts')).toBe('face: api must not import face: cli');
    expect(violation('src/dashboards/pages.ts', 'src/api/roles.ts')).toBe(
      'face: dashboards must not import face: api',
    );
    expect(violation('src/ledger/refresh.ts', 'src/api/server.ts')).toBe('domain must not import face: api');
    expect(violation('src/warehouse/warehouse.ts', 'src/ledger/refresh.ts')).toBe(
      'foundation must not import domain',
    );
    expect(violation('src/cli/commands/serve.ts', 'src/api/server.ts')).toBeUndefined();
    expect(violation('src/ledger/refresh.ts', 'src/warehouse/warehouse.ts')).toBeUndefined();
  });
});
