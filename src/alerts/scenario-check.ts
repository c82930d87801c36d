import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { detectOperationalAnomalies } from '../anomaly/operational.ts';
import { ManualClock } from '../clock/sources.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { AlertConfig } from './config.ts';
import { runAlerts } from './service.ts';
import type { AlertRow } from './store.ts';
import { createSubscription, parseSubscription } from './subscriptions.ts';

/** A scenario as the simulator's manifest records it (docs/simulator.md). */
export interface ScenarioRecord {
  name: string;
  startDate: string;
  endDate: string;
  [key: string]: unknown;
}

export interface Expectation {
  scenario: string;
  expected: string;
  /** The first alert that met it and reached the subscriber (opened_at = the replay day). */
  firstAlert: { day: string; title: string } | null;
}

export interface ScenarioCheck {
  days: number;
  received: number;
  expectations: Expectation[];
  anomaly: {
    alerts: number;
    matched: number;
    precision: number | null;
    incidents: number;
    detected: number;
    recall: number | null;
    unmatched: string[];
  };
}

const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Which delivered alerts satisfy a scenario's expected alert, and which anomaly alerts it explains. */
function expectationFor(s: ScenarioRecord): {
  expected: string;
  meets: (a: AlertRow, day: string) => boolean;
} {
  const within = (day: string, slack: number) => day >= s.startDate && day <= addDays(s.endDate, slack);
  switch (s.name) {
    case 'promo-spike': {
      const skus = new Set(s.skus as string[]);
      return {
        expected: 'low stock on a promoted sku',
        meets: (a, day) => a.kind === 'low_stock' && skus.has(a.sku ?? '') && within(day, 3),
      };
    }
    case 'supplier-delay': {
      const pos = new Set((s.delayedPos as { po_id: string }[]).map((p) => p.po_id));
      return {
        expected: 'delayed inbound on a delayed PO within 3 days of the announcement',
        meets: (a, day) =>
          a.kind === 'delayed_inbound' &&
          pos.has(a.condition_key.replace(/^po:/, '')) &&
          day <= addDays(s.startDate, 3) &&
          day >= s.startDate,
      };
    }
    case 'returns-wave':
      return {
        expected: 'anomaly alert on returns or refunds',
        meets: (a, day) =>
          a.kind === 'anomaly' && /^(returns_units|refunds_amount):/.test(a.condition_key) && within(day, 7),
      };
    case 'dc-labour-shortage':
      return {
        expected: `fulfilment backlog above capacity at ${s.nodeId as string}`,
        meets: (a, day) => a.kind === 'fulfilment_backlog' && a.node_id === s.nodeId && within(day, 2),
      };
    default:
      return { expected: 'nothing', meets: () => false };
  }
}

/** The anomaly signature of an incident: which anomaly alerts it explains (null: none expected). */
function anomalySignature(s: ScenarioRecord): ((a: AlertRow, day: string) => boolean) | null {
  const within = (day: string, slack: number) => day >= s.startDate && day <= addDays(s.endDate, slack);
  switch (s.name) {
    case 'promo-spike':
      return (a, day) => a.condition_key.startsWith('sales_units:') && within(day, 2);
    case 'returns-wave':
      return (a, day) => /^(returns_units|refunds_amount):/.test(a.condition_key) && within(day, 7);
    case 'dc-labour-shortage':
      // the backlog itself, the cancellations it causes, and the shipping burst when capacity returns
      return (a, day) =>
        (a.condition_key === `backlog_units:node:${s.nodeId as string}` ||
          a.condition_key.startsWith('cancellation_rate:') ||
          a.condition_key.startsWith('sales_units:')) &&
        within(day, 3);
    default:
      return null;
  }
}

/**
 * Replays a simulated run day by day: scores the operational series, then evaluates the alert rules
 * as of 23:00 each day (a fake clock), with one webhook subscriber (a real loopback HTTP receiver)
 * taking every alert. Reports which scenarios' expected alerts reached it, and the precision and
 * recall of the anomaly alerts against the injected incidents.
 */
export async function checkScenarios(
  warehouse: Warehouse,
  scenarios: ScenarioRecord[],
  config: AlertConfig,
  options: { firstDay: string; lastDay: string; onDay?: (day: string) => void },
): Promise<ScenarioCheck> {
  const received: { day: string; alert: AlertRow }[] = [];
  let currentDay = '';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      for (const alert of (JSON.parse(body) as { alerts: AlertRow[] }).alerts)
        received.push({ day: currentDay, alert });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    const clock = new ManualClock(new Date(`${options.firstDay}T23:00:00Z`));
    await createSubscription(
      warehouse,
      parseSubscription({
        name: 'scenario check',
        channel: 'webhook',
        webhook: { url, secret: 'scenario-check-secret' },
        throttle: { max: 100_000, window_minutes: 1 },
      }),
      'scenario-check',
      clock.now(),
    );
    await detectOperationalAnomalies(warehouse, { now: clock.now() });
    let days = 0;
    for (let day = options.firstDay; day <= options.lastDay; day = addDays(day, 1)) {
      currentDay = day;
      clock.set(`${day}T23:00:00Z`);
      options.onDay?.(day);
      await runAlerts(warehouse, config, { clock, asOf: clock.now(), sleep: async () => {} });
      days++;
    }
    const expectations = scenarios.map((s): Expectation => {
      const { expected, meets } = expectationFor(s);
      const hit = received.find((r) => meets(r.alert, r.day));
      return {
        scenario: s.name,
        expected,
        firstAlert: hit ? { day: hit.day, title: hit.alert.title } : null,
      };
    });
    const anomalyAlerts = received.filter((r) => r.alert.kind === 'anomaly');
    const signatures = scenarios.map(anomalySignature).filter((f): f is NonNullable<typeof f> => f !== null);
    const matchedAlerts = anomalyAlerts.filter((r) => signatures.some((sig) => sig(r.alert, r.day)));
    const detected = signatures.filter((sig) => anomalyAlerts.some((r) => sig(r.alert, r.day))).length;
    return {
      days,
      received: received.length,
      expectations,
      anomaly: {
        alerts: anomalyAlerts.length,
        matched: matchedAlerts.length,
        precision: anomalyAlerts.length ? matchedAlerts.length / anomalyAlerts.length : null,
        incidents: signatures.length,
        detected,
        recall: signatures.length ? detected / signatures.length : null,
        unmatched: anomalyAlerts
          .filter((r) => !matchedAlerts.includes(r))
          .map((r) => `${r.day} ${r.alert.condition_key}`),
      },
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
