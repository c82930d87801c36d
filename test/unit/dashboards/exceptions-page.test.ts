/**
 * The Exceptions page's owner and SLA rules: the dashboards read the workflow's one exception policy
 * (config/exceptions.json, exported as the exception_policy dataset), so an untracked exception gets the owner
 * and deadline `retailos exceptions queue` gives it; a tracked one keeps the workflow's. Ages run to the
 * business clock; a cleared episode has no age, only how long it lasted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a page component in plain JavaScript (the dashboards' site code)
import { enrichExceptions, median } from '../../../dashboards/src/components/exceptions.js';
import { exceptionPolicyRows, forecastHoldoutRows } from '../../../src/dashboards/datasets.ts';
import { type ModelCard, ModelRegistry } from '../../../src/ml/registry/registry.ts';
import { defaultExceptionPolicy, rulesFor } from '../../../src/workflow/exception-policy.ts';

const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
});

const AS_OF = new Date('2024-03-28T00:00:00Z');
const hoursBefore = (hours: number) => new Date(AS_OF.getTime() - hours * 3_600_000);

describe('the exception policy the page applies', () => {
  it('exports owner and SLA per type and severity exactly as the workflow computes them', () => {
    const policy = defaultExceptionPolicy();
    const rows = exceptionPolicyRows();
    for (const type of Object.keys(policy.types)) {
      for (const severity of ['high', 'medium', 'low']) {
        const rules = rulesFor(policy, type, severity);
        expect(rows).toContainEqual({
          exception_type: type,
          severity,
          owner_role: rules.owner,
          sla_hours: rules.slaHours,
        });
      }
    }
    // the default, for types the policy does not name
    expect(rows.filter((row) => row.exception_type === '*')).toHaveLength(3);
  });

  it('gives an untracked exception the policy owner and deadline, a tracked one its own', () => {
    const policy = defaultExceptionPolicy();
    const oversell = rulesFor(policy, 'oversell', 'high');
    const rows = enrichExceptions(
      [
        // untracked, open longer than the policy's SLA
        {
          exception_id: 'a',
          exception_type: 'oversell',
          severity: 'high',
          status: 'open',
          opened_at: hoursBefore(oversell.slaHours + 1),
        },
        // tracked: escalated to admin with its own SLA, escalated 1 h ago: within it
        {
          exception_id: 'b',
          exception_type: 'oversell',
          severity: 'high',
          status: 'acknowledged',
          owner_role: 'admin',
          sla_hours: 4,
          opened_at: hoursBefore(100),
          last_escalated_at: hoursBefore(1),
        },
        // a type the policy does not name: the default
        {
          exception_id: 'c',
          exception_type: 'brand_new_condition',
          severity: 'medium',
          status: 'open',
          opened_at: hoursBefore(2),
        },
        // cleared: no age, no breach, how long it lasted
        {
          exception_id: 'd',
          exception_type: 'negative_stock',
          severity: 'high',
          status: 'resolved',
          opened_at: hoursBefore(50),
          cleared_at: hoursBefore(20),
          duration_hours: 30,
        },
      ],
      exceptionPolicyRows(),
      AS_OF,
    );
    const byId = new Map<string, Record<string, unknown>>(
      rows.map((row: Record<string, unknown>) => [row.exception_id as string, row]),
    );
    expect(byId.get('a')).toMatchObject({
      owner: oversell.owner,
      sla_hours: oversell.slaHours,
      open: true,
      breached: true,
    });
    expect(byId.get('a')!.age_hours).toBeCloseTo(oversell.slaHours + 1, 9);
    expect(byId.get('b')).toMatchObject({ owner: 'admin', sla_hours: 4, breached: false });
    expect(byId.get('b')!.sla_due_at).toEqual(new Date(hoursBefore(1).getTime() + 4 * 3_600_000));
    const fallback = rulesFor(policy, 'brand_new_condition', 'medium');
    expect(byId.get('c')).toMatchObject({ owner: fallback.owner, sla_hours: fallback.slaHours });
    expect(byId.get('d')).toMatchObject({
      open: false,
      breached: false,
      age_hours: null,
      duration_hours: 30,
    });
    // open ones first
    expect(rows.at(-1).exception_id).toBe('d');
  });

  it('measures no age without the business clock (never the browser time)', () => {
    const [row] = enrichExceptions(
      [
        {
          exception_id: 'a',
          exception_type: 'oversell',
          severity: 'high',
          status: 'open',
          opened_at: hoursBefore(1),
        },
      ],
      exceptionPolicyRows(),
      null,
    );
    expect(row).toMatchObject({ age_hours: null, breached: false });
  });

  it('median', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3, null, Number.NaN])).toBe(2.5);
  });
});

describe('the holdout accuracy the Demand page shows', () => {
  it('reads the holdout scores of every model card, none without one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-holdout-'));
    temp.push(dir);
    const registry = new ModelRegistry(dir);
    expect(forecastHoldoutRows(registry)).toBeNull();
    const card = {
      name: 'demand',
      version: 1,
      status: 'active',
      createdAt: '2024-03-28T00:00:00Z',
      kind: 'gbdt-onnx',
      metrics: {
        holdout: {
          origin: '2024-03-13',
          horizon: 14,
          scores: [
            {
              model: 'gbdt',
              rmsse: 0.8,
              wrmsse: 0.7,
              mae: 1.25,
              relativeBias: -0.02,
              coverage80: 0.78,
              seconds: 1,
            },
            {
              model: 'snaive',
              rmsse: 1.1,
              wrmsse: 1,
              mae: 1.6,
              relativeBias: 0.01,
              coverage80: 0.5,
              seconds: 0,
            },
          ],
        },
      },
    } as unknown as Omit<ModelCard, 'onnxFile' | 'onnxSha256' | 'onnxBytes' | 'id'>;
    registry.save(card, new Uint8Array([1, 2, 3]));
    // a card trained without a holdout adds nothing
    registry.save({ ...card, version: 2, status: 'candidate', metrics: {} }, new Uint8Array([4]));
    expect(forecastHoldoutRows(registry)).toEqual([
      expect.objectContaining({
        model_id: 'demand-v1',
        forecaster: 'gbdt',
        mae: 1.25,
        rmsse: 0.8,
        horizon_days: 14,
      }),
      expect.objectContaining({ model_id: 'demand-v1', forecaster: 'snaive', rmsse: 1.1, coverage80: 0.5 }),
    ]);
  });
});
