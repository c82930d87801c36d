import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../../src/api/key-ring.ts';
import { hashKey, keyIdOf, keyMatches, newKey } from '../../../src/api/keys.ts';
import { Counter, Histogram } from '../../../src/api/metrics.ts';
import { RateLimiter } from '../../../src/api/rate-limit.ts';
import { can, PERMISSIONS, ROLE_PERMISSIONS, ROLES, rolesWith } from '../../../src/auth/roles.ts';

describe('roles', () => {
  it('grants what the issue names and nothing implied', () => {
    expect(can('integration', 'events:write')).toBe(true);
    expect(can('integration', 'valuation:read')).toBe(false);
    expect(can('finance', 'valuation:read')).toBe(true);
    expect(can('planner', 'recommendations:approve')).toBe(true);
    expect(can('executive', 'events:write')).toBe(false);
    expect(rolesWith('sql:query')).toEqual(['admin', 'analyst']);
    expect(rolesWith('keys:manage')).toEqual(['admin']);
    // raw events past the approval policy: admin, and the erp role an admin gives a system of record
    expect(rolesWith('events:bypass_approval')).toEqual(['admin', 'erp']);
    expect(can('erp', 'approvals:decide')).toBe(false);
  });

  it('every role has an explicit list of known permissions, and admin has them all', () => {
    for (const role of ROLES) {
      for (const permission of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(permission);
    }
    for (const permission of PERMISSIONS) expect(can('admin', permission)).toBe(true);
  });
});

describe('keys', () => {
  it('match only their own hash, and the ring forgets revoked keys', () => {
    const { keyId, key } = newKey();
    expect(keyIdOf(key)).toBe(keyId);
    expect(keyMatches(key, hashKey(key))).toBe(true);
    expect(keyMatches(`${key.slice(0, -1)}x`, hashKey(key))).toBe(false);
    expect(keyIdOf('rk_nothex00000_abc')).toBeUndefined();
    const ring = new KeyRing();
    const record = {
      key_id: keyId,
      name: 'n',
      role: 'analyst' as const,
      key_hash: hashKey(key),
      created_at: new Date(),
    };
    ring.replace([{ ...record, revoked_at: null }]);
    expect(ring.authenticate(key)).toEqual({ keyId, name: 'n', role: 'analyst' });
    expect(ring.authenticate(`${key.slice(0, -1)}x`)).toBeUndefined();
    ring.replace([{ ...record, revoked_at: new Date() }]);
    expect(ring.authenticate(key)).toBeUndefined();
  });
});

describe('rate limiter', () => {
  it('lets a burst through, then one request per 1/rate seconds', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 0]);
    expect(limiter.take('k')).toBeCloseTo(0.5);
    expect(limiter.take('other')).toBe(0);
    now = 500;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBeGreaterThan(0);
  });
});

describe('metrics text format', () => {
  it('renders counters with escaped labels and cumulative histogram buckets', () => {
    const counter = new Counter('c_total', 'help');
    counter.inc({ route: 'a"b' }, 2);
    expect(counter.render()).toEqual([
      '# HELP c_total help',
      '# TYPE c_total counter',
      'c_total{route="a\\"b"} 2',
    ]);
    const histogram = new Histogram('h_seconds', 'help', [0.1, 1]);
    histogram.observe({}, 0.05);
    histogram.observe({}, 0.5);
    expect(histogram.render().slice(2)).toEqual([
      'h_seconds_bucket{le="0.1"} 1',
      'h_seconds_bucket{le="1"} 2',
      'h_seconds_bucket{le="+Inf"} 2',
      'h_seconds_sum 0.55',
      'h_seconds_count 2',
    ]);
  });
});
