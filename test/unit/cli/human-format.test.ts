/**
 * The human formats (src/format/human.ts, re-exported by src/cli/format.ts) and the table's rounding: what
 * people read has whole units, money to the cent, whole days, whole packs, and never a 16-digit float,
 * "Infinity" or "NaN"; JSON and CSV keep every digit.
 */
import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatDays,
  formatDaysSpread,
  formatDecimal,
  formatMoney,
  formatPacks,
  formatPercent,
  formatPerDay,
  formatRows,
  formatTable,
  formatUnits,
  MISSING,
  plural,
  TABLE_DECIMALS,
  tableNumber,
} from '../../../src/cli/format.ts';
import { describePacks } from '../../../src/format/human.ts';
import { rawNumbers } from '../../helpers/readable.ts';

/** A small deterministic generator of awkward numbers: thirds, tiny and huge values, negatives. */
function* awkward(): Generator<number> {
  let seed = 7;
  const next = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  yield* [0, -0, 1 / 3, 5 / 6, 2 / 3, 0.005, 0.0049, 1e-9, 123456.789, -2.5, 99.995, 1e12 / 7];
  for (let i = 0; i < 200; i++) yield (next() - 0.3) * 10 ** Math.floor(next() * 7 - 2);
}

describe('human formats', () => {
  it('units are whole, with thousands separators, and never "-0"', () => {
    expect(formatUnits(1234.6)).toBe('1,235');
    expect(formatUnits(0.8333333333333334)).toBe('1');
    expect(formatUnits(-0.4)).toBe('0');
    expect(formatUnits(-12.5)).toBe('-12');
    expect(formatUnits(Number.POSITIVE_INFINITY)).toBe(MISSING);
    expect(formatUnits(null)).toBe(MISSING);
  });

  it('money to the cent in dollars', () => {
    expect(formatMoney(13567.581)).toBe('$13,567.58');
    expect(formatMoney(99)).toBe('$99.00');
    expect(formatMoney(0.001)).toBe('$0.00');
    expect(formatMoney(-0.001)).toBe('$0.00');
    expect(formatMoney(-5.5)).toBe('-$5.50');
    expect(formatMoney(Number.NaN)).toBe(MISSING);
  });

  it('days are whole; no demand instead of Infinity; a spread reads mean ± spread', () => {
    expect(formatDays(17.5)).toBe('18 d');
    expect(formatDays(0.2)).toBe('< 1 d');
    expect(formatDays(0)).toBe('0 d');
    expect(formatDays(Number.POSITIVE_INFINITY)).toBe('no demand');
    expect(formatDays(Number.POSITIVE_INFINITY, 'never')).toBe('never');
    expect(formatDaysSpread(10.5, 2.6)).toBe('11 ± 3 d');
    expect(formatDaysSpread(1, 0)).toBe('1 d');
  });

  it('rates, shares and decimals', () => {
    expect(formatPerDay(0.8333333333333334)).toBe('0.8/day');
    expect(formatPerDay(12.34)).toBe('12/day');
    expect(formatPercent(0.9412)).toBe('94.1%');
    expect(formatPercent(0.9412, 0)).toBe('94%');
    expect(formatDecimal(2 / 3, 2)).toBe('0.67');
    expect(formatDecimal(-0.01, 1)).toBe('0');
  });

  it('packs are whole packs, the rest loose', () => {
    expect(formatPacks(24, 6)).toBe('4 × 6');
    expect(formatPacks(22, 6)).toBe('3 × 6 + 4');
    expect(formatPacks(5, 6)).toBe('5 loose');
    expect(formatPacks(7, 1)).toBe('7');
    expect(describePacks(24, 6)).toBe('4 packs of 6');
    expect(describePacks(22, 6)).toBe('3 packs of 6 + 4 loose');
    expect(describePacks(6, 6)).toBe('1 pack of 6');
    expect(describePacks(3, 1)).toBe('3 units');
    // Any quantity and pack size: the packs and the loose units add back up, and no fraction of a pack.
    for (const [qty, pack] of [
      [5, 6],
      [47, 6],
      [1000, 12],
      [13, 4],
    ] as const) {
      const text = formatPacks(qty, pack);
      const [, packs = '0', loose = '0'] =
        /^(?:(\d+) × \d+)?(?: \+ )?(?:(\d+)(?: loose)?)?$/.exec(text) ?? [];
      expect(Number(packs) * pack + Number(loose), text).toBe(qty);
      expect(text).not.toMatch(/\d\.\d/);
    }
  });

  it('dates and times in UTC', () => {
    expect(formatDate('2024-05-09T23:59:00Z')).toBe('2024-05-09');
    expect(formatDate(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02');
    expect(formatDateTime('2024-04-28T23:20:03.000Z')).toBe('2024-04-28 23:20 UTC');
    expect(formatDate('not a date')).toBe(MISSING);
    expect(formatDate(null)).toBe(MISSING);
  });

  it('plural', () => {
    expect(plural(1, 'SKU')).toBe('1 SKU');
    expect(plural(1200, 'SKU')).toBe('1,200 SKUs');
  });

  it('no format lets a raw float, Infinity or NaN through, whatever the number', () => {
    for (const x of awkward()) {
      for (const text of [
        formatUnits(x),
        formatMoney(x),
        formatDays(x),
        formatPerDay(x),
        formatPercent(x),
        formatDecimal(x, 2),
      ]) {
        expect(rawNumbers(text, 2), `${x} → ${text}`).toEqual([]);
      }
      expect(rawNumbers(tableNumber(x), TABLE_DECIMALS), `${x}`).toEqual([]);
    }
    for (const x of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      expect(rawNumbers(`${formatUnits(x)} ${formatMoney(x)} ${formatDays(x)} ${tableNumber(x)}`)).toEqual(
        [],
      );
    }
  });
});

describe('table cells', () => {
  it('round non-integers for reading and keep integers as they are', () => {
    expect(tableNumber(0.8333333333333334)).toBe('0.833');
    expect(tableNumber(13567.581234)).toBe('13567.58');
    expect(tableNumber(0.0123456)).toBe('0.0123');
    expect(tableNumber(0.00123456)).toBe('0.0012');
    expect(tableNumber(0.0000123)).toBe('0');
    expect(tableNumber(20240101)).toBe('20240101');
    expect(tableNumber(-0.0001)).toBe('-0.0001');
    expect(tableNumber(Number.POSITIVE_INFINITY)).toBe('∞');
  });

  it('a table shows rounded figures, also inside nested values; CSV and JSON keep every digit', () => {
    const rows = [{ sku: 'A', cover: 1 / 3, days: Number.POSITIVE_INFINITY, impact: { share: 2 / 3 } }];
    const columns = ['sku', 'cover', 'days', 'impact'];
    const table = formatRows(columns, rows, 'table');
    expect(rawNumbers(table, TABLE_DECIMALS)).toEqual([]);
    expect(table).toContain('0.333');
    expect(table).toContain('{"share":0.667}');
    expect(formatRows(columns, rows, 'csv')).toContain('0.3333333333333333');
    expect(JSON.parse(formatRows(['cover'], rows, 'json'))).toEqual([
      { sku: 'A', cover: 1 / 3, days: 'Infinity', impact: { share: 2 / 3 } },
    ]);
  });

  it('aligns formatted figures to the right, text to the left', () => {
    const text = formatTable(
      ['sku', 'cost', 'share'],
      [
        { sku: 'LONG-SKU-1', cost: formatMoney(5), share: formatPercent(0.5) },
        { sku: 'B', cost: formatMoney(12345.6), share: formatPercent(0.125) },
      ],
    );
    const [header, , first, second] = text.split('\n');
    expect(first).toMatch(/^LONG-SKU-1 +\$5\.00 +50\.0%$/);
    expect(second).toMatch(/^B {11}\$12,345\.60 +12\.5%$/);
    expect(first!.indexOf('$5.00') + '$5.00'.length).toBe(
      second!.indexOf('$12,345.60') + '$12,345.60'.length,
    );
    expect(header!.startsWith('sku')).toBe(true);
  });
});
