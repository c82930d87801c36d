import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { runMain, useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();

async function storedClock(db: string): Promise<string | undefined> {
  const warehouse = await Warehouse.open(db, { readOnly: true });
  try {
    return (await warehouse.one<{ value: string }>("SELECT value FROM ledger_settings WHERE key = 'clock'"))
      ?.value;
  } finally {
    await warehouse.close();
  }
}

describe('retailos settings', () => {
  it('lists, reads and sets the ledger tunables, and refuses bad keys and values', async () => {
    const db = tmp.join('w.duckdb');
    await (await Warehouse.open(db)).close();
    const list = await runMain(['settings', '--db', db]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/clock\s+''/);
    expect(list.stdout).toMatch(/clock_watermark_days\s+3/);
    expect(list.stdout).toMatch(/count_tolerance_units\s+2/);
    expect(list.stdout).toContain('business clock in force: ');
    expect(list.stdout).toContain('wall (no operational events yet)');

    const set = await runMain(['settings', 'clock', '2024-05-01T00:00:00Z', '--db', db]);
    expect(set.status).toBe(0);
    // stored in the one canonical form the clock reads
    expect(await storedClock(db)).toBe('2024-05-01T00:00:00.000Z');
    const one = await runMain(['settings', 'clock', '--db', db]);
    expect(one.stdout).toContain('2024-05-01T00:00:00.000Z');
    expect(one.stdout).toContain('pinned with retailos settings clock');
    expect(one.stdout).not.toContain('count_tolerance');

    const badValue = await runMain(['settings', 'atp_horizon_days', '-3', '--db', db]);
    expect(badValue.status).toBe(2);
    const badKey = await runMain(['settings', 'colour', 'blue', '--db', db]);
    expect(badKey.status).toBe(2);
    expect(badKey.stderr).toContain('unknown setting "colour"');
  });

  it('takes the clock as strict ISO-8601 (no offset = UTC), wall or automatic, and refuses anything else', async () => {
    const db = tmp.join('w.duckdb');
    await (await Warehouse.open(db)).close();
    for (const [input, stored] of [
      ['2025-03-01 08:00', '2025-03-01T08:00:00.000Z'],
      ['2025-03-01T08:00:00+01:00', '2025-03-01T07:00:00.000Z'],
      ['2025-03-01', '2025-03-01T00:00:00.000Z'],
      ['wall', 'wall'],
      ['auto', ''],
      ['', ''],
    ]) {
      const set = await runMain(['settings', 'clock', input!, '--db', db]);
      expect(set.status, `${input}: ${set.stderr}`).toBe(0);
      expect(await storedClock(db), input).toBe(stored);
    }
    await runMain(['settings', 'clock', '2025-03-01T08:00:00Z', '--db', db]);
    for (const bad of ['March 1, 2025', 'yesterday', '1740787200', '2025-02-30', '2025-03-01T25:00']) {
      const refused = await runMain(['settings', 'clock', bad, '--db', db]);
      expect(refused.status, bad).toBe(2);
      expect(refused.stderr).toContain('must be ISO-8601');
      expect(refused.stderr).toContain('a time without offset is UTC');
      expect(await storedClock(db), bad).toBe('2025-03-01T08:00:00.000Z'); // nothing changed
    }
  });
});
