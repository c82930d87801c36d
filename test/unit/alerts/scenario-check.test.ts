/**
 * The scenario check's reading of the returns wave: its returns and refunds count from the day the first
 * boosted return can arrive (the manifest's shippedFrom + the shortest return delay it records), not from
 * the wave's nominal start. Given manifest records and delivered alerts, expected explained / unexplained.
 */
import { describe, expect, it } from 'vitest';
import {
  returnsWaveWindow,
  type ScenarioRecord,
  scoreAnomalies,
} from '../../../src/alerts/scenario-check.ts';
import type { AlertRow } from '../../../src/alerts/store.ts';

/** As the simulator writes it for the small retailer, seed 7 (2024-03-04 + 56 days, window from day 28). */
const WAVE: ScenarioRecord = {
  name: 'returns-wave',
  startDate: '2024-04-01',
  endDate: '2024-04-15',
  category: 'electronics',
  multiplier: 4,
  shippedFrom: '2024-03-12',
  shippedUntil: '2024-04-12',
  returnDelayDays: [3, 24],
};

function anomaly(conditionKey: string): AlertRow {
  return {
    alert_id: `al-${conditionKey}`,
    rule_id: 'anomaly',
    kind: 'anomaly',
    condition_key: conditionKey,
    severity: 'warning',
    role: 'planner',
    node_id: null,
    channel_id: null,
    sku: null,
    title: conditionKey,
    detail: '',
    metric_value: null,
    threshold: null,
    impact: {},
    status: 'open',
    opened_at: '2024-03-30T23:00:00Z',
    last_seen_at: '2024-03-30T23:00:00Z',
    escalated_at: null,
    resolved_at: null,
  } as AlertRow;
}

const explained = (scenario: ScenarioRecord, day: string, key: string) =>
  scoreAnomalies([scenario], [{ day, alert: anomaly(key) }]).matched === 1;

describe('scenario check: returns-wave window', () => {
  it('starts at shippedFrom + the shortest return delay, ends a week after the wave', () => {
    expect(returnsWaveWindow(WAVE)).toEqual({ from: '2024-03-15', to: '2024-04-22' });
    // another manifest: the window moves with what it records, not with a fixed date
    expect(
      returnsWaveWindow({
        ...WAVE,
        startDate: '2024-05-20',
        endDate: '2024-06-03',
        shippedFrom: '2024-04-29',
        returnDelayDays: [5, 30],
      }),
    ).toEqual({ from: '2024-05-04', to: '2024-06-10' });
  });

  it('explains a refunds alert inside the early window, not one before it', () => {
    expect(explained(WAVE, '2024-03-30', 'refunds_amount:channel:WEB')).toBe(true);
    expect(explained(WAVE, '2024-03-15', 'refunds_amount:channel:MKT-AMZ')).toBe(true);
    expect(explained(WAVE, '2024-03-14', 'refunds_amount:channel:MKT-AMZ')).toBe(false);
    expect(explained(WAVE, '2024-03-01', 'returns_units:all:all')).toBe(false);
    // the far end, and other series in the window
    expect(explained(WAVE, '2024-04-22', 'returns_units:all:all')).toBe(true);
    expect(explained(WAVE, '2024-04-23', 'returns_units:all:all')).toBe(false);
    expect(explained(WAVE, '2024-03-30', 'sales_units:all:all')).toBe(false);
  });

  it('scores precision and recall with the early refunds alert explained', () => {
    const received = [
      { day: '2024-03-30', alert: anomaly('refunds_amount:channel:WEB') },
      { day: '2024-03-10', alert: anomaly('refunds_amount:channel:MKT-AMZ') },
      { day: '2024-04-02', alert: anomaly('returns_units:category:electronics') },
      { day: '2024-04-03', alert: { ...anomaly('low'), kind: 'low_stock' } as AlertRow },
    ];
    const score = scoreAnomalies([WAVE], received);
    expect(score).toMatchObject({ alerts: 3, matched: 2, incidents: 1, detected: 1, recall: 1 });
    expect(score.precision).toBeCloseTo(2 / 3, 10);
    expect(score.unmatched).toEqual(['2024-03-10 refunds_amount:channel:MKT-AMZ']);
  });

  it('reads a manifest without shippedFrom or return delays from the nominal start', () => {
    const { shippedFrom: _s, returnDelayDays: _d, ...older } = WAVE;
    expect(returnsWaveWindow(older as ScenarioRecord).from).toBe('2024-04-01');
    expect(explained(older as ScenarioRecord, '2024-03-30', 'refunds_amount:channel:WEB')).toBe(false);
  });
});
