import { resolveDbPath } from '../../warehouse/config.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import { defineCommand } from '../command.ts';

export const initCommand = defineCommand({
  name: 'init',
  summary: 'Create the warehouse (or bring an existing one up to date): migrations and read models.',
  usage: 'retailos init [--db PATH]',
  options: {},
  async run(args, io) {
    const dbPath = resolveDbPath(args.values.db, io.env);
    const warehouse = await Warehouse.open(dbPath);
    const version = await warehouse.one<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_migrations',
    );
    await warehouse.close();
    io.stdout.write(`Warehouse ready at ${dbPath} (schema version ${version?.v ?? 0}).\n`);
    return 0;
  },
});
