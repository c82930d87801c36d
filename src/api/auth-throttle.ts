/**
 * Slows down guessing of API keys: failed authentications are counted per client address (token buckets)
 * and across all addresses. An address that used up its failures is refused (429) BEFORE its next key is
 * even looked at, so a refusal says nothing about whether that key was right, and a valid key from that
 * address waits too (otherwise throttled guessing would go on at full speed). A success never resets the
 * count: a caller holding one low-privilege key must not earn fresh guesses at an admin key with it.
 *
 * Other addresses are never locked out by someone else's failures: when failures pour in from many
 * addresses at once (the global bucket is empty), only addresses that have failed themselves lately are
 * refused; an address with a clean record still gets its key checked.
 */
export interface AuthThrottleOptions {
  /** Failures one address may make in a row before it is refused. */
  perAddressBurst: number;
  /** Failures an address earns back per minute. */
  perAddressPerMinute: number;
  /** Failures from all addresses together before the throttle tightens to "no failure lately". */
  globalBurst: number;
  /** Failures per second all addresses together earn back. */
  globalPerSecond: number;
  /** Addresses remembered at most (the oldest are forgotten first). */
  maxAddresses: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = {
  perAddressBurst: 20,
  perAddressPerMinute: 20,
  globalBurst: 200,
  globalPerSecond: 20,
  maxAddresses: 100_000,
};

interface Bucket {
  tokens: number;
  at: number;
}

export class AuthThrottle {
  private readonly addresses = new Map<string, Bucket>();
  private readonly global: Bucket;

  constructor(
    readonly options: AuthThrottleOptions = DEFAULT_AUTH_THROTTLE,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.global = { tokens: options.globalBurst, at: now() };
  }

  /** 0 when `address` may try a key now, else the seconds to wait. */
  check(address: string): number {
    const now = this.now();
    const own = this.addresses.get(clientKey(address));
    if (own) this.refill(own, now, this.options.perAddressPerMinute / 60, this.options.perAddressBurst);
    this.refill(this.global, now, this.options.globalPerSecond, this.options.globalBurst);
    if (own && own.tokens < 1) return (1 - own.tokens) / (this.options.perAddressPerMinute / 60);
    const underAttack = this.global.tokens < 1;
    if (underAttack && own && own.tokens < this.options.perAddressBurst) {
      // Wait for the global pressure to ease (at least a second): the clean addresses go first.
      return Math.max(1, (1 - this.global.tokens) / this.options.globalPerSecond);
    }
    return 0;
  }

  /** Counts one failed authentication from `address`. */
  fail(address: string): void {
    const now = this.now();
    const key = clientKey(address);
    let own = this.addresses.get(key);
    if (own) {
      this.refill(own, now, this.options.perAddressPerMinute / 60, this.options.perAddressBurst);
      // Most recently failing last in the map's order: the forgetting below drops the quietest first.
      this.addresses.delete(key);
    } else {
      own = { tokens: this.options.perAddressBurst, at: now };
      this.forgetIfFull(now);
    }
    own.tokens -= 1;
    this.addresses.set(key, own);
    this.refill(this.global, now, this.options.globalPerSecond, this.options.globalBurst);
    this.global.tokens = Math.max(-this.options.globalBurst, this.global.tokens - 1);
  }

  /** Addresses with failures on record (for tests and metrics). */
  get tracked(): number {
    return this.addresses.size;
  }

  private refill(bucket: Bucket, now: number, perSecond: number, burst: number): void {
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
  }

  private forgetIfFull(now: number): void {
    if (this.addresses.size < this.options.maxAddresses) return;
    // First those whose record is clean again, then the oldest.
    for (const [key, bucket] of this.addresses) {
      this.refill(bucket, now, this.options.perAddressPerMinute / 60, this.options.perAddressBurst);
      if (bucket.tokens >= this.options.perAddressBurst) this.addresses.delete(key);
    }
    while (this.addresses.size >= this.options.maxAddresses) {
      const oldest = this.addresses.keys().next().value;
      if (oldest === undefined) break;
      this.addresses.delete(oldest);
    }
  }
}

/**
 * Whom an address stands for: an IPv4 address (IPv4-mapped IPv6 unwrapped), or the /64 network of an IPv6
 * address (one subscriber usually holds a whole /64, so counting single IPv6 addresses counts nothing).
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}
