import { runAssertions } from '../../warehouse/assertions.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import { defineCommand } from '../command.ts';
import { toJsonValue } from '../format.ts';

export const checkCommand = defineCommand({
  name: 'check',
  summary: 'Run the data assertions of sql/tests/ against the warehouse (exit 1 if any fails).',
  usage: 'retailos check [--db PATH]',
  details:
    'Each assertion is a query that returns zero rows when its invariant holds; failing rows are shown.',
  options: {},
  async run(args, io) {
    const dbPath = resolveDbPath(args.values.db, io.env);
    const warehouse = await Warehouse.open(dbPath, { readOnly: true });
    try {
      const results = await runAssertions(warehouse);
      let failed = 0;
      for (const result of results) {
        const ok = result.violations.length === 0;
        if (!ok) failed++;
        io.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${result.name}\n`);
        for (const row of result.violations.slice(0, 5))
          io.stdout.write(`       ${JSON.stringify(toJsonValue(row))}\n`);
      }
      io.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
      return failed > 0 ? 1 : 0;
    } finally {
      await warehouse.close();
    }
  },
});
