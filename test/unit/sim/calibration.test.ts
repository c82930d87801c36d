/**
 * The calibration constants in params.ts are what src/sim/calibrate.ts derives from the real data in
 * ../shared/data (skipped where that data is not present).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate, DEFAULT_DATA_DIR } from '../../../src/sim/calibrate.ts';
import { CALIBRATION } from '../../../src/sim/params.ts';

const available = fs.existsSync(path.join(DEFAULT_DATA_DIR, 'favorita', 'transactions.csv'));

describe.skipIf(!available)('calibration against ../shared/data', () => {
  it('reproduces the constants of params.ts', () => {
    const result = calibrate();
    const close = (actual: readonly number[], expected: readonly number[]) => {
      expect(actual).toHaveLength(expected.length);
      actual.forEach((value, index) => {
        expect(Math.abs(value - expected[index]!), `index ${index}`).toBeLessThan(0.002);
      });
    };
    close(result.favorita.dayOfWeek, CALIBRATION.dayOfWeek);
    close(result.favorita.december, CALIBRATION.december);
    close(result.walmart.weekOfYearBase, CALIBRATION.weekOfYear);
    expect(result.favorita.noise.dayLogSd).toBeCloseTo(CALIBRATION.noise.dayLogSd, 3);
    expect(result.favorita.noise.storeDayLogSd).toBeCloseTo(CALIBRATION.noise.storeDayLogSd, 3);
    for (const [name, lift] of Object.entries(CALIBRATION.holidayWeekLift)) {
      expect(result.walmart.holidayWeekLift[name], name).toBeCloseTo(lift, 3);
    }
    for (const [name, ratio] of Object.entries(CALIBRATION.holidayDay)) {
      expect(result.favorita.holidays[name], name).toBeCloseTo(ratio, 3);
    }
    expect(result.m5.zeroShare).toBeCloseTo(CALIBRATION.item.zeroShare, 3);
    expect(result.m5.rateLogMean).toBeCloseTo(CALIBRATION.item.rateLogMean, 3);
    expect(result.m5.rateLogSd).toBeCloseTo(CALIBRATION.item.rateLogSd, 3);
    expect(result.m5.nbShape).toBeCloseTo(CALIBRATION.item.nbShape, 2);
    expect(result.m5.top20Share).toBeCloseTo(CALIBRATION.item.top20Share, 3);
    // sanity of what the data says: weekends busiest, a December peak, Thanksgiving the biggest holiday week
    const dow = result.favorita.dayOfWeek;
    expect(Math.max(...dow)).toBe(dow[5]);
    expect(Math.max(...result.favorita.month)).toBe(result.favorita.month[11]);
    expect(result.walmart.holidayWeekLift.thanksgiving).toBeGreaterThan(1.3);
  });
});
