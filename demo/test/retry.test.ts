// Retries with backoff: how many attempts, which errors stop them, and that the delays grow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retry } from '../shared/retry.ts';

describe('retry', () => {
  it('tries up to `attempts` times with growing delays, then gives up with the last error', async () => {
    const delays: number[] = [];
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls += 1;
          throw new Error(`failure ${calls}`);
        },
        { attempts: 4, baseDelayMs: 8, maxDelayMs: 1000, retryable: () => true, onRetry: (_e, _n, delay) => delays.push(delay) },
      ),
      /failure 4/,
    );
    assert.equal(calls, 4);
    assert.equal(delays.length, 3);
    // Jitter keeps each delay within [backoff/2, backoff] of 8, 16, 32 ms.
    delays.forEach((delay, index) => {
      const backoff = 8 * 2 ** index;
      assert.ok(delay >= backoff / 2 && delay <= backoff, `delay ${delay} for backoff ${backoff}`);
    });
  });

  it('stops at the first error that is not retryable, and returns the first success', async () => {
    let calls = 0;
    await assert.rejects(
      retry(async () => {
        calls += 1;
        throw new Error('permanent');
      }, { attempts: 5, baseDelayMs: 1, maxDelayMs: 1, retryable: () => false }),
      /permanent/,
    );
    assert.equal(calls, 1);
    let tries = 0;
    const value = await retry(async () => {
      tries += 1;
      if (tries < 2) throw new Error('once');
      return 'ok';
    }, { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, retryable: () => true });
    assert.equal(value, 'ok');
  });
});
