// A circuit breaker (opossum) whose state is a metric: circuit_breaker_state{breaker, state} is 1
// for the current state and 0 for the others (docs/contract.md; ThreadlineCircuitBreakerOpen).
import CircuitBreaker from 'opossum';
import { logger, metrics } from '@threadline/agent';

const STATES = ['closed', 'half_open', 'open'] as const;
type State = (typeof STATES)[number];

const stateGauge = metrics.gauge({
  name: 'circuit_breaker_state',
  help: 'Circuit breaker state: 1 for the current state, 0 for the others.',
  labelNames: ['breaker', 'state'],
});

export interface BreakerOptions {
  /** A call slower than this counts as a failure. */
  readonly timeoutMs: number;
  /** Failure share over the rolling window that opens the breaker. */
  readonly errorThresholdPercentage: number;
  /** How long the breaker stays open before it lets one trial call through. */
  readonly resetTimeoutMs: number;
  /** Calls in the window before the breaker may open at all. */
  readonly volumeThreshold: number;
  readonly rollingWindowMs: number;
}

export function createBreaker<A extends unknown[], R>(name: string, action: (...args: A) => Promise<R>, options: BreakerOptions): CircuitBreaker<A, R> {
  const breaker = new CircuitBreaker(action, {
    name,
    timeout: options.timeoutMs,
    errorThresholdPercentage: options.errorThresholdPercentage,
    resetTimeout: options.resetTimeoutMs,
    volumeThreshold: options.volumeThreshold,
    rollingCountTimeout: options.rollingWindowMs,
  });
  const show = (state: State): void => {
    for (const candidate of STATES) stateGauge.set({ breaker: name, state: candidate }, candidate === state ? 1 : 0);
  };
  show('closed');
  breaker.on('open', () => {
    show('open');
    logger.warn({ breaker: name }, 'circuit breaker opened: calls fail fast');
  });
  breaker.on('halfOpen', () => {
    show('half_open');
    logger.info({ breaker: name }, 'circuit breaker half-open: trying one call');
  });
  breaker.on('close', () => {
    show('closed');
    logger.info({ breaker: name }, 'circuit breaker closed');
  });
  return breaker;
}

/** opossum's error for a call refused because the breaker is open. */
export function isBreakerOpen(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EOPENBREAKER';
}
