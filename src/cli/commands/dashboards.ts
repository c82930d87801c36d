import path from 'node:path';
import { buildDashboards, previewDashboards, siteDir } from '../../dashboards/build.ts';
import { apiSource, openFileSource, type SnapshotSource } from '../../dashboards/sources.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { type Args, type CommandIo, defineCommand, defineGroup } from '../command.ts';

/** Where the read models come from: the warehouse file, or a running server (--api, --key). */
const SOURCE_OPTIONS = {
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
  verbose: { type: 'boolean', description: "show the Framework's own output" },
} as const;

function sourceFor(
  args: Args<typeof SOURCE_OPTIONS>,
  io: CommandIo,
): Promise<SnapshotSource> | SnapshotSource {
  const { api } = args.values;
  const key = args.values.key ?? io.env.RETAILOS_API_KEY;
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
  return openFileSource(resolveDbPath(args.values.db, io.env));
}

function logTo(io: CommandIo, verbose: boolean) {
  return {
    step: (message: string) => io.stderr.write(`${message}\n`),
    framework: (chunk: string) => {
      if (verbose) io.stderr.write(chunk);
    },
  };
}

const build = defineCommand({
  name: 'build',
  summary: 'Export the read models to a snapshot (read-only) and build the static site.',
  details: [
    'Builds into --out (default dashboards/dist, or $RETAILOS_DASHBOARDS_DIR): what `retailos serve` serves at',
    '/dashboards/. Reads the warehouse file; while `retailos serve` holds it, read through the server instead:',
    '--api http://127.0.0.1:8080 --key rk_… (a key with sql:query: admin or analyst).',
  ].join('\n'),
  options: {
    out: { type: 'string', valueName: 'DIR', description: 'where the site goes (default dashboards/dist)' },
    ...SOURCE_OPTIONS,
  },
  async run(args, io) {
    const source = await sourceFor(args, io);
    const out = path.resolve(args.values.out ?? siteDir(io.env));
    let result: Awaited<ReturnType<typeof buildDashboards>>;
    try {
      result = await buildDashboards(source, out, logTo(io, args.values.verbose));
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
});

const dev = defineCommand({
  name: 'dev',
  summary: 'Export a snapshot to dashboards/.snapshot and run the Framework preview with live reload.',
  options: {
    port: {
      type: 'int',
      min: 1,
      max: 65535,
      default: 3000,
      valueName: 'N',
      description: 'preview port (default 3000)',
    },
    host: {
      type: 'string',
      default: '127.0.0.1',
      valueName: 'ADDR',
      description: 'preview address (default 127.0.0.1)',
    },
    ...SOURCE_OPTIONS,
  },
  async run(args, io) {
    const source = await sourceFor(args, io);
    await previewDashboards(
      source,
      { port: args.values.port, host: args.values.host },
      logTo(io, args.values.verbose),
    );
    return 0;
  },
});

export const dashboardsCommand = defineGroup({
  name: 'dashboards',
  summary: 'Build the dashboards site (Observable Framework, offline) or preview it while editing.',
  usage:
    'retailos dashboards build [--out DIR] [--api URL --key KEY] | retailos dashboards dev [--port 3000]',
  details: [
    'Read models that other parts of the platform have not computed yet are exported empty, and the pages say so.',
    'No network access is needed: Plot, Inputs and d3 come from node_modules.',
  ].join('\n'),
  subcommands: [build, dev],
  missing: 'Say what to do: retailos dashboards build, or retailos dashboards dev (see --help)',
});
