import path from 'node:path';
import { PROJECT_ROOT } from '../../warehouse/config.ts';
import type { Command } from '../command.ts';
import { ingestCommand } from './ingest.ts';
import { initCommand } from './init.ts';
import { statusCommand } from './status.ts';

/** The demo retailer's fixture events that ship with the repository. */
export const DEMO_DATA_DIR = path.join(PROJECT_ROOT, 'data', 'demo');

export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Run the main job on the embedded default: create the warehouse, land the demo retailer, show its status.',
  usage: 'retailos demo [--db PATH]',
  details:
    'This is what `npm start` runs. Safe to repeat: ingest is idempotent, so a second run lands nothing new.',
  options: {},
  async run(args, io) {
    const common = { values: { db: args.values.db }, positionals: [] };
    await initCommand.run(common, io);
    io.stdout.write(
      `\nLanding the demo retailer from ${path.relative(process.cwd(), DEMO_DATA_DIR) || DEMO_DATA_DIR} …\n`,
    );
    const code = await ingestCommand.run(
      { values: { db: args.values.db }, positionals: [DEMO_DATA_DIR] },
      io,
    );
    io.stdout.write('\n');
    await statusCommand.run(common, io);
    io.stdout.write(
      '\nNext: retailos sql "SELECT * FROM stg_nodes" · retailos rejects list · retailos --help\n',
    );
    return code;
  },
};
