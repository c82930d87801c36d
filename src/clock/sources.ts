/**
 * Time sources for what happens in real time: delivering a notification (its sent time, quiet hours,
 * throttle windows, retries) and timing a scheduled run. Business time — what retailos dates its events,
 * alerts and plans with — is the business clock (business-clock.ts), never one of these.
 */
export interface Clock {
  now(): Date;
}

/** The machine's clock. */
export const wallClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: for tests and replays. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
