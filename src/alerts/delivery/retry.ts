/** Retries with exponential backoff: attempt n waits base·2^(n−1) (capped); `sleep` is injected for tests. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOutcome {
  ok: boolean;
  attempts: number;
  lastError: string | null;
  /** The waits taken between attempts, in ms. */
  delays: number[];
}

export async function withRetries(
  attempt: (n: number) => Promise<void>,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: Sleep = realSleep,
): Promise<RetryOutcome> {
  const delays: number[] = [];
  let lastError: string | null = null;
  for (let n = 1; n <= policy.maxAttempts; n++) {
    try {
      await attempt(n);
      return { ok: true, attempts: n, lastError: null, delays };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      if (n < policy.maxAttempts) {
        const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
        delays.push(delay);
        await sleep(delay);
      }
    }
  }
  return { ok: false, attempts: policy.maxAttempts, lastError, delays };
}
