import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { runMain, useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();

describe('retailos settings', () => {
  it('lists, reads and sets the ledger tunables, and refuses bad keys and values', async () => {
    const db = tmp.join('w.duckdb');
    await (await Warehouse.open(db)).close();
    const list = await runMain(['settings', '--db', db]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/clock\s+''/);
    expect(list.stdout).toMatch(/count_tolerance_units\s+2/);

    const set = await runMain(['settings', 'clock', '2024-05-01T00:00:00Z', '--db', db]);
    expect(set.status).toBe(0);
    const warehouse = await Warehouse.open(db);
    try {
      const row = await warehouse.one<{ value: string }>(
        "SELECT value FROM ledger_settings WHERE key = 'clock'",
      );
      expect(row?.value).toBe('2024-05-01T00:00:00Z');
    } finally {
      await warehouse.close();
    }
    const one = await runMain(['settings', 'clock', '--db', db]);
    expect(one.stdout).toContain('2024-05-01T00:00:00Z');
    expect(one.stdout).not.toContain('count_tolerance');

    const badValue = await runMain(['settings', 'clock', 'yesterday', '--db', db]);
    expect(badValue.status).toBe(2);
    expect(badValue.stderr).toContain('ISO-8601');
    const badNumber = await runMain(['settings', 'atp_horizon_days', '-3', '--db', db]);
    expect(badNumber.status).toBe(2);
    const badKey = await runMain(['settings', 'colour', 'blue', '--db', db]);
    expect(badKey.status).toBe(2);
    expect(badKey.stderr).toContain('unknown setting "colour"');
  });
});
