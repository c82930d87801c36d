import fs from 'node:fs';
import path from 'node:path';
import { createKey, listKeys } from '../../api/keys.ts';
import { startDemoChannels } from '../../channels/demo.ts';
import { readBusinessClock } from '../../clock/business-clock.ts';
import { siteDir } from '../../dashboards/build.ts';
import { resolveSources } from '../../ingest/sources.ts';
import { refreshLedger } from '../../ledger/refresh.ts';
import { runPipeline } from '../../operations/pipeline.ts';
import { planReplenishment } from '../../replenishment/service.ts';
import { ensureReadModels as ensureReplenishmentViews } from '../../replenishment/sql.ts';
import { DEFAULT_SEED } from '../../sim/params.ts';
import { isSimulationOf, readManifest, simulate } from '../../sim/simulate.ts';
import { PROJECT_ROOT, resolveDbPath } from '../../warehouse/config.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import { syncExceptions } from '../../workflow/exceptions.ts';
import { type CommandIo, defineCommand } from '../command.ts';
import { invoke } from '../dispatch.ts';
import { formatCount } from '../format.ts';
import { ProgressBar } from '../progress.ts';
import { dashboardsCommand } from './dashboards.ts';
import { ingestWithProgress, printSummary } from './ingest.ts';
import { serveCommand } from './serve.ts';
import { statusCommand } from './status.ts';

/** The hand-written fixture retailer that ships with the repository. */
export const DEMO_DATA_DIR = path.join(PROJECT_ROOT, 'data', 'demo');
const DEMO_SCALES = ['small', 'demo'] as const;
type DemoScale = (typeof DEMO_SCALES)[number];

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'The main job on the embedded default: simulate the demo retailer, land it, show the state.',
  usage: 'retailos demo [--db PATH] [--scale small|demo] [--fixtures] [--serve [--port N]]',
  details: [
    'What `npm start` runs. Steps: create or update the warehouse; simulate the retailer into',
    'data/generated/<scale> (first run only: an existing simulation with the same options is reused);',
    'ingest it (idempotent: a second run lands nothing new); apply it to the ledger and allocate open orders;',
    'pin the business clock to its last event; on the first run propose a replenishment plan and open the',
    'exception queue; print the status; with --serve, build the dashboards (first run), create an admin key',
    'named "demo" (printed once), start local stand-ins of its sales channels (web shop on a sandbox Shopify,',
    'Amazon on a sandbox SP-API, eBay behind a signed webhook; the server publishes availability to them) and',
    'serve the API and dashboards until Ctrl-C.',
    'The simulated faults include a few malformed rows on purpose: they are rejected and listed,',
    'and do not make the command fail. --fixtures lands the small hand-written data/demo set instead.',
  ].join('\n'),
  options: {
    scale: {
      type: 'enum',
      choices: DEMO_SCALES,
      default: 'demo',
      valueName: 'S',
      description: 'simulation scale: demo (default) or small (m5 is for benchmarks: retailos simulate)',
    },
    fixtures: { type: 'boolean', description: 'land the fixtures in data/demo instead of a simulation' },
    serve: { type: 'boolean', description: 'then serve the API on it (what npm start does)' },
    port: {
      type: 'int',
      min: 0,
      max: 65535,
      valueName: 'N',
      description: 'with --serve: the port (default 8080)',
    },
    'sim-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'where the simulation is kept (default data/generated/<scale>)',
    },
  },
  async run(args, io) {
    const { scale, db, port } = args.values;
    const dbPath = resolveDbPath(db, io.env);
    const started = performance.now();
    const simDir = path.resolve(
      args.values['sim-dir'] ?? path.join(PROJECT_ROOT, 'data', 'generated', scale),
    );
    const inputDir = args.values.fixtures ? DEMO_DATA_DIR : await ensureSimulation(scale, simDir, io);
    const expectedRejects = args.values.fixtures ? 0 : (readManifest(inputDir)?.faults.malformed ?? 0);

    io.stdout.write(`Landing ${path.relative(process.cwd(), inputDir) || inputDir} into ${dbPath} …\n`);
    const warehouse = await Warehouse.open(dbPath);
    try {
      const { sources } = await resolveSources([inputDir]);
      const summary = await ingestWithProgress(warehouse, sources, io);
      printSummary(io, summary, [], false);
      if (summary.rejected !== expectedRejects) {
        io.stderr.write(
          `Expected ${expectedRejects} rejected rows (the simulated malformed ones), got ${summary.rejected}.\n`,
        );
        return 1;
      }
      if (expectedRejects > 0) {
        io.stdout.write(
          `The ${expectedRejects} rejected rows are simulated faults, rejected on purpose: retailos rejects list\n`,
        );
      }
      await announceBusinessClock(warehouse, io);
      io.stdout.write('Applying the events to the ledger and allocating open orders …\n');
      const pipeline = await runPipeline(warehouse, { trigger: 'demo' });
      // Replenishment's read models (supplier performance, exposure) as views, for analysts and dashboards.
      await ensureReplenishmentViews(warehouse);
      const stats = pipeline.allocation?.result?.stats;
      io.stdout.write(
        `Ledger: ${formatCount(pipeline.ledger?.events ?? 0)} events applied; allocator: ` +
          (stats
            ? `${formatCount(stats.lines)} open lines, ${formatCount(stats.unitsAllocated)} units allocated, ` +
              `${formatCount(stats.unitsBackordered)} backordered`
            : 'nothing new to allocate') +
          ` (${pipeline.seconds.toFixed(1)} s).\n`,
      );
      await firstPlanAndQueue(warehouse, io);
    } finally {
      await warehouse.close();
    }
    io.stdout.write('\n');
    // The same commands a user would run next, with the same warehouse.
    const dbFlag = db === undefined ? [] : ['--db', db];
    await invoke(statusCommand, dbFlag, io);
    io.stdout.write(`\nLanded in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
    if (!args.values.serve) {
      io.stdout.write('Next: retailos serve · retailos sql "SELECT * FROM stg_nodes" · retailos --help\n');
      return 0;
    }
    await ensureDashboards(dbFlag, io);
    await announceDemoKey(dbPath, io);
    // The web shop and marketplaces as local stand-ins the server publishes to (docs/channels.md).
    const setup = await Warehouse.open(dbPath);
    const channels = await startDemoChannels(setup).finally(() => setup.close());
    io.stdout.write(
      `Sales channels (local stand-ins, published to as availability changes):\n  ${channels.lines.join('\n  ')}\n` +
        'Watch them: retailos channels status --api http://127.0.0.1:8080 --key <the demo key>\n',
    );
    try {
      return await invoke(
        serveCommand,
        [...dbFlag, ...(port === undefined ? [] : ['--port', String(port)])],
        io,
      );
    } finally {
      await channels.stop();
    }
  },
});

/**
 * What the server's scheduled jobs would have done by now, so the first look is not empty: a replenishment
 * plan and the exception queue's owners, SLAs and escalations. First run only (no plan has run yet): later
 * ones come from the server's jobs, and a second `demo` lands nothing new.
 */
async function firstPlanAndQueue(warehouse: Warehouse, io: CommandIo): Promise<void> {
  const started = performance.now();
  const existing = await warehouse.one<{ n: bigint }>('SELECT count(*) AS n FROM replenishment_runs');
  if (Number(existing?.n ?? 0) > 0) return; // done on an earlier run: a second demo run lands nothing new
  const plan = await planReplenishment(warehouse);
  const queue = await syncExceptions(warehouse, { actor: 'demo' });
  // The plan's and the queue's events (approvals, workflow) join the ledger's watermark too.
  await refreshLedger(warehouse);
  io.stdout.write(
    `Replenishment: ${formatCount(plan.recommendations)} recommendations proposed; ` +
      `exception queue: ${formatCount(queue.opened)} opened, ${formatCount(queue.autoResolved)} auto-resolved, ` +
      `${formatCount(queue.escalated)} escalations (${((performance.now() - started) / 1000).toFixed(1)} s).\n`,
  );
}

/**
 * The demo retailer lives in simulated time: its "now" is its data's watermark, not today's wall clock
 * (against which every order would be overdue and every KPI window empty). The business clock does that by
 * itself (src/clock: the wall clock is far past the data); say which clock is in force and why.
 */
async function announceBusinessClock(warehouse: Warehouse, io: CommandIo): Promise<void> {
  const clock = await readBusinessClock(warehouse);
  io.stdout.write(
    `Business clock: ${clock.at.toISOString()}, ${clock.reason} (see: retailos settings clock)\n`,
  );
}

/**
 * The dashboards are a static build of the warehouse's read models: built here on the first run (about a
 * minute for the demo retailer), then rebuilt by the server's hourly job and on POST /dashboards/rebuild.
 */
async function ensureDashboards(dbFlag: string[], io: CommandIo): Promise<void> {
  if (fs.existsSync(path.join(siteDir(io.env), 'index.html'))) return;
  io.stdout.write('Building the dashboards (first run only) …\n');
  const code = await invoke(dashboardsCommand, ['build', ...dbFlag], io);
  if (code !== 0)
    io.stderr.write('The dashboards did not build; the API is served anyway (retailos dashboards build).\n');
}

const DEMO_KEY_NAME = 'demo';

/** Gives the demo an admin key: created (and shown, once) on the first run, named on later ones. */
async function announceDemoKey(dbPath: string, io: CommandIo): Promise<void> {
  const warehouse = await Warehouse.open(dbPath);
  try {
    const existing = (await listKeys(warehouse, false)).find((key) => key.name === DEMO_KEY_NAME);
    if (existing) {
      io.stdout.write(
        `The demo's admin key is ${existing.key_id} (shown when it was created). Lost it? ` +
          `retailos keys revoke ${existing.key_id} && retailos keys create --role admin --name ${DEMO_KEY_NAME}\n`,
      );
      return;
    }
    const { key } = await createKey(warehouse, { role: 'admin', name: DEMO_KEY_NAME });
    io.stdout.write(`Admin key for the demo (shown once, stored hashed): ${key}\n`);
    io.stdout.write(
      `Try: curl -H "Authorization: Bearer ${key}" http://127.0.0.1:8080/api/v1/openapi.json\n` +
        'Dashboards: open http://127.0.0.1:8080/dashboards/ and log in with this key.\n',
    );
  } finally {
    await warehouse.close();
  }
}

/** The simulation directory for a scale, generated on the first run and reused afterwards. */
async function ensureSimulation(scale: DemoScale, dir: string, io: CommandIo): Promise<string> {
  const options = { scale, seed: DEFAULT_SEED };
  if (isSimulationOf(dir, options)) {
    io.stdout.write(
      `Reusing the simulated ${scale} retailer in ${path.relative(process.cwd(), dir) || dir}.\n`,
    );
    return dir;
  }
  io.stdout.write(`Simulating the ${scale} retailer (first run only) …\n`);
  const progress = new ProgressBar(io.stderr);
  try {
    const result = await simulate(options, dir, {
      onDay: (done, days, events) =>
        progress.update({
          label: 'simulate',
          position: done,
          total: days,
          unit: 'rows',
          detail: `day ${done}/${days}, ${formatCount(events)} events`,
        }),
    });
    io.stdout.write(
      `Simulated ${formatCount(result.manifest.events.total)} events over ${result.manifest.options.days} days ` +
        `in ${result.seconds.toFixed(1)} s.\n`,
    );
  } finally {
    progress.done();
  }
  return dir;
}
