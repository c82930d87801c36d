import { type ClockReading, clockJson, readBusinessClock } from '../../clock/business-clock.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { warehouseStatus } from '../../warehouse/status.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import { defineCommand } from '../command.ts';
import { formatBytes, formatCount, formatTable, toJsonValue } from '../format.ts';

export const statusCommand = defineCommand({
  name: 'status',
  summary:
    'The business clock in force and why, event counts by type, last event time, open rejects and warehouse size.',
  usage: 'retailos status [--json]',
  options: { json: { type: 'boolean', description: 'print the status as JSON' } },
  async run(args, io) {
    const dbPath = resolveDbPath(args.values.db, io.env);
    const warehouse = await Warehouse.open(dbPath, { readOnly: true });
    try {
      const status = await warehouseStatus(warehouse);
      // A warehouse not migrated yet has no clock view: status still reports what it can.
      const clock: ClockReading | null = await readBusinessClock(warehouse).catch(() => null);
      if (args.values.json === true) {
        const json = { ...(toJsonValue(status) as object), clock: clock === null ? null : clockJson(clock) };
        io.stdout.write(`${JSON.stringify(json)}\n`);
        return 0;
      }
      io.stdout.write(
        [
          `warehouse       ${status.path} (${formatBytes(status.sizeBytes)}, schema version ${status.schemaVersion})`,
          `business clock  ${clock === null ? 'unknown (run retailos init to bring the warehouse up to date)' : `${clock.at.toISOString()}, ${clock.reason}`}`,
          `events          ${formatCount(status.events)}`,
          `last occurred   ${status.lastOccurredAt?.toISOString() ?? '-'}`,
          `last received   ${status.lastReceivedAt?.toISOString() ?? '-'}`,
          `rejects         ${formatCount(status.openRejects)} open, ${formatCount(status.resolvedRejects)} resolved`,
          '',
        ].join('\n'),
      );
      if (status.byType.length > 0)
        io.stdout.write(formatTable(['type', 'events', 'last_occurred_at'], status.byType));
      return 0;
    } finally {
      await warehouse.close();
    }
  },
});
