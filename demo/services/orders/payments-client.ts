// Calls payments through a circuit breaker, with a timeout per call and retries with backoff.
// The breaker wraps single attempts, so it counts each failed attempt; once it is open, retrying
// is pointless and the order fails fast instead of piling up on a broken dependency.
import { logger } from '@threadline/agent';
import { createBreaker, isBreakerOpen } from '../../shared/breaker.ts';
import { HttpError } from '../../shared/http-errors.ts';
import { requestJson } from '../../shared/http-client.ts';
import { retry } from '../../shared/retry.ts';

const CALL_TIMEOUT_MS = 1500;

export interface PaymentsClient {
  charge(orderId: string, amountCents: number): Promise<void>;
}

export function createPaymentsClient(paymentsUrl: string): PaymentsClient {
  const attempt = async (orderId: string, amountCents: number): Promise<void> => {
    // The fetch deadline is a backstop: the breaker's own timeout (below) answers first.
    const { status, body } = await requestJson(`${paymentsUrl}/payments`, { method: 'POST', body: { orderId, amountCents }, timeoutMs: CALL_TIMEOUT_MS + 500 });
    if (status >= 200 && status < 300) return;
    throw new HttpError(status >= 500 ? 502 : 422, `payments answered ${status}: ${JSON.stringify(body)}`);
  };
  const breaker = createBreaker('payments', attempt, {
    timeoutMs: CALL_TIMEOUT_MS,
    errorThresholdPercentage: 50,
    resetTimeoutMs: 30_000,
    volumeThreshold: 5,
    rollingWindowMs: 10_000,
  });
  return {
    charge: (orderId, amountCents) =>
      retry(() => breaker.fire(orderId, amountCents), {
        attempts: 3,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        // A 4xx will not get better by asking again; an open breaker means "stop asking".
        retryable: (error) => !isBreakerOpen(error) && !(error instanceof HttpError && error.status === 422),
        onRetry: (error, attemptNumber, delayMs) =>
          logger.warn({ order_id: orderId, attempt: attemptNumber, delay_ms: delayMs, reason: error instanceof Error ? error.message : String(error) }, 'payment attempt failed; retrying'),
      }),
  };
}
