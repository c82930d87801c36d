import { describe, expect, it } from 'vitest';
import { AuthThrottle, clientKey } from '../../../src/api/auth-throttle.ts';

function throttle(options: Partial<ConstructorParameters<typeof AuthThrottle>[0]> = {}) {
  const clock = { now: 0 };
  const gate = new AuthThrottle(
    {
      perAddressBurst: 5,
      perAddressPerMinute: 6,
      globalBurst: 1_000,
      globalPerSecond: 100,
      maxAddresses: 1_000,
      ...options,
    },
    () => clock.now,
  );
  return { gate, clock };
}

/** Tries like a guesser: check, and count a failure when allowed to try. Returns how many were tried. */
function guess(gate: AuthThrottle, address: string, attempts: number): number {
  let tried = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (gate.check(address) > 0) continue;
    gate.fail(address);
    tried++;
  }
  return tried;
}

describe('AuthThrottle', () => {
  it('lets an address fail its burst, then makes it wait, and gives tries back over time', () => {
    const { gate, clock } = throttle();
    expect(guess(gate, '10.0.0.1', 300)).toBe(5);
    const wait = gate.check('10.0.0.1');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(10);
    clock.now += wait * 1000;
    expect(gate.check('10.0.0.1')).toBe(0);
    expect(guess(gate, '10.0.0.1', 300)).toBe(1);
    // A minute later: 6 more tries (perAddressPerMinute), capped by the burst.
    clock.now += 60_000;
    expect(guess(gate, '10.0.0.1', 300)).toBe(5);
  });

  it("never locks out another address by one address's failures", () => {
    const { gate } = throttle();
    guess(gate, '10.0.0.1', 300);
    expect(gate.check('10.0.0.2')).toBe(0);
    expect(gate.check('::ffff:10.0.0.1')).toBeGreaterThan(0);
  });

  it('under a spread-out attack, addresses that failed lately wait; clean addresses are still checked', () => {
    const { gate } = throttle({ globalBurst: 10, globalPerSecond: 0.001 });
    for (let host = 1; host <= 30; host++) guess(gate, `10.1.0.${host}`, 1);
    // Each attacking address had only one try; now the pool of failures is spent.
    expect(gate.check('10.1.0.1')).toBeGreaterThan(0);
    expect(gate.check('10.1.0.30')).toBeGreaterThan(0);
    expect(gate.check('192.168.7.7')).toBe(0);
  });

  it('counts an IPv6 client by its /64 and forgets the quietest addresses beyond its bound', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:ffff:1:2:3'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    const { gate } = throttle({ maxAddresses: 100 });
    for (let host = 0; host < 1_000; host++) gate.fail(`10.2.${host >> 8}.${host & 255}`);
    expect(gate.tracked).toBeLessThanOrEqual(100);
  });
});
