import { describe, expect, it } from 'vitest';
import { Calendar, formatDate, parseDate, weekdayOf } from '../../../src/sim/calendar.ts';
import { CALIBRATION, CATEGORIES } from '../../../src/sim/params.ts';

const HOME = CATEGORIES.indexOf('home');

describe('Calendar', () => {
  const calendar = new Calendar('2024-11-04', 70); // Monday 4 November 2024 .. 12 January 2025
  const dayOf = (date: string) => parseDate(date) - parseDate('2024-11-04');

  it('knows dates and weekdays', () => {
    expect(formatDate(parseDate('2024-02-29'))).toBe('2024-02-29');
    expect(weekdayOf(parseDate('2024-11-04'))).toBe(0);
    expect(calendar.date(0)).toBe('2024-11-04');
    expect(calendar.weekday(5)).toBe(5);
    expect(calendar.date(100)).toBe('2025-02-12'); // past the end too
    expect(calendar.dayOfYear(dayOf('2025-01-01'))).toBe(0);
  });

  it('applies the calibrated weekday profile in an ordinary week', () => {
    const monday = calendar.storeFactor(0, HOME);
    const saturday = calendar.storeFactor(5, HOME);
    const ratio = CALIBRATION.dayOfWeek[5] / CALIBRATION.dayOfWeek[0];
    expect(saturday / monday).toBeCloseTo(ratio, 2);
  });

  it('puts the US holidays on the right days', () => {
    expect(calendar.holiday(dayOf('2024-11-28'))).toBe('thanksgiving');
    expect(calendar.holiday(dayOf('2024-11-29'))).toBe('black-friday');
    expect(calendar.holiday(dayOf('2024-12-02'))).toBe('cyber-monday');
    expect(calendar.holiday(dayOf('2024-12-25'))).toBe('christmas');
    expect(calendar.holiday(dayOf('2025-01-01'))).toBe('new-year');
  });

  it('closes stores on Christmas and New Year, the DC on Sundays and holidays', () => {
    expect(calendar.storesClosed(dayOf('2024-12-25'))).toBe(true);
    expect(calendar.storeFactor(dayOf('2024-12-25'), HOME)).toBe(0);
    expect(calendar.storesClosed(dayOf('2025-01-01'))).toBe(true);
    expect(calendar.storesClosed(dayOf('2024-12-24'))).toBe(false);
    expect(calendar.dcClosed(dayOf('2024-11-10'))).toBe(true); // a Sunday
    expect(calendar.dcClosed(dayOf('2024-11-28'))).toBe(true); // Thanksgiving
    expect(calendar.dcClosed(dayOf('2024-11-29'))).toBe(false);
    expect(calendar.onlineFactor(dayOf('2024-12-25'), HOME)).toBeGreaterThan(0);
  });

  it('peaks on Black Friday, before Christmas, and online on Cyber Monday', () => {
    const normalFriday = calendar.storeFactor(dayOf('2024-11-15'), HOME);
    expect(calendar.storeFactor(dayOf('2024-11-29'), HOME) / normalFriday).toBeGreaterThan(2);
    const earlyDecember = calendar.storeFactor(dayOf('2024-12-03'), HOME);
    expect(calendar.storeFactor(dayOf('2024-12-24'), HOME) / earlyDecember).toBeGreaterThan(1.6);
    expect(
      calendar.onlineFactor(dayOf('2024-12-02'), HOME) / calendar.onlineFactor(dayOf('2024-11-18'), HOME),
    ).toBeGreaterThan(1.8);
    // the Thanksgiving week as a whole keeps Walmart's week lift
    let week = 0;
    let plain = 0;
    for (let day = dayOf('2024-11-23'); day <= dayOf('2024-11-29'); day++) {
      week += calendar.storeFactor(day, HOME);
      plain += calendar.storeFactor(day - 14, HOME);
    }
    expect(week / plain).toBeCloseTo(CALIBRATION.holidayWeekLift.thanksgiving, 1);
  });

  it('gives electronics a stronger peak than health', () => {
    const electronics = CATEGORIES.indexOf('electronics');
    const health = CATEGORIES.indexOf('health');
    const peak = (category: number) =>
      calendar.storeFactor(dayOf('2024-12-21'), category) /
      calendar.storeFactor(dayOf('2024-11-16'), category);
    expect(peak(electronics)).toBeGreaterThan(peak(health));
  });
});
