import path from 'node:path';
import { buildDashboards, previewDashboards, siteDir } from '../../dashboards/build.ts';
import { apiSource, openFileSource, type SnapshotSource } from '../../dashboards/sources.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import type { Command, CommandIo, ParsedArgs } from '../command.ts';

function sourceFor(args: ParsedArgs, io: CommandIo): Promise<SnapshotSource> | SnapshotSource {
  const api = args.values.api as string | undefined;
  const key = (args.values.key as string | undefined) ?? io.env.RETAILOS_API_KEY;
  if (api !== undefined) {
    if (!key)
      throw new UserError(
        '--api needs a key with sql:query (admin or analyst): --key rk_… or $RETAILOS_API_KEY',
      );
    try {
      new URL(api);
    } catch {
      throw new UserError(`--api takes a URL such as http://127.0.0.1:8080, got "${api}"`);
    }
    return apiSource(api, key);
  }
  return openFileSource(resolveDbPath(args.values.db as string | undefined, io.env));
}

function port(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new UserError(`--port takes 1–65535, got ${text}`);
  return value;
}

export const dashboardsCommand: Command = {
  name: 'dashboards',
  summary: 'Build the dashboards site (Observable Framework, offline) or preview it while editing.',
  usage:
    'retailos dashboards build [--out DIR] [--api URL --key KEY] | retailos dashboards dev [--port 3000]',
  details: [
    'build  exports the read models the pages need to a snapshot (read-only), then builds the static site into',
    '       --out (default dashboards/dist, or $RETAILOS_DASHBOARDS_DIR): what `retailos serve` serves at /dashboards/.',
    '       Reads the warehouse file; while `retailos serve` holds it, read through the server instead:',
    '       --api http://127.0.0.1:8080 --key rk_… (a key with sql:query: admin or analyst).',
    'dev    exports a snapshot to dashboards/.snapshot and runs the Framework preview with live reload.',
    'Read models that other parts of the platform have not computed yet are exported empty, and the pages say so.',
    'No network access is needed: Plot, Inputs and d3 come from node_modules.',
  ].join('\n'),
  options: {
    out: {
      type: 'string',
      valueName: 'DIR',
      description: 'build: where the site goes (default dashboards/dist)',
    },
    api: {
      type: 'string',
      valueName: 'URL',
      description: 'read through a running server instead of the file',
    },
    key: {
      type: 'string',
      valueName: 'KEY',
      description: 'with --api: an API key (default $RETAILOS_API_KEY)',
    },
    port: { type: 'string', valueName: 'N', description: 'dev: preview port (default 3000)' },
    host: { type: 'string', valueName: 'ADDR', description: 'dev: preview address (default 127.0.0.1)' },
    verbose: { type: 'boolean', description: "show the Framework's own output" },
  },
  async run(args, io) {
    const [action, ...extra] = args.positionals;
    if (action !== 'build' && action !== 'dev') {
      throw new UserError(
        'Say what to do: retailos dashboards build, or retailos dashboards dev (see --help)',
      );
    }
    if (extra.length > 0) throw new UserError(`Unexpected arguments: ${extra.join(' ')}`);
    const verbose = Boolean(args.values.verbose);
    const log = {
      step: (message: string) => io.stderr.write(`${message}\n`),
      framework: (chunk: string) => {
        if (verbose) io.stderr.write(chunk);
      },
    };
    const source = await sourceFor(args, io);
    if (action === 'dev') {
      await previewDashboards(
        source,
        {
          port: port(args.values.port as string | undefined, 3000),
          host: (args.values.host as string) ?? '127.0.0.1',
        },
        log,
      );
      return 0;
    }
    const out = path.resolve((args.values.out as string | undefined) ?? siteDir(io.env));
    let result: Awaited<ReturnType<typeof buildDashboards>>;
    try {
      result = await buildDashboards(source, out, log);
    } finally {
      await source.close();
    }
    const missing = result.snapshot.datasets.filter((dataset) => !dataset.available);
    io.stdout.write(
      `Built ${result.pages} pages into ${result.outDir} in ${result.seconds.toFixed(1)} s ` +
        `(${result.snapshot.datasets.length - missing.length}/${result.snapshot.datasets.length} datasets computed).\n`,
    );
    for (const dataset of missing) io.stdout.write(`  not computed yet: ${dataset.name} — ${dataset.note}\n`);
    io.stdout.write('Serve it with: retailos serve  →  http://127.0.0.1:8080/dashboards/\n');
    return 0;
  },
};
