// Retries with exponential backoff and jitter, so that retrying clients do not hammer a
// struggling dependency in lockstep.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly retryable: (error: unknown) => boolean;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export async function retry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(backoff / 2 + (Math.random() * backoff) / 2);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}
