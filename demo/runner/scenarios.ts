// Scenarios: fault settings (or a stopped process) that make one kind of alert of the stack
// fire. docs/demo.md lists them with where to look.
import type { FaultSettings } from '../shared/faults.ts';
import type { ServiceName } from '../shared/settings.ts';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** The alerts it makes fire (collector-config/prometheus/rules/alerts.yml). */
  readonly alerts: readonly string[];
  readonly faults: Partial<Record<ServiceName, Partial<FaultSettings>>>;
  /** Services the runner stops once traffic flows: a real outage. */
  readonly stop?: readonly ServiceName[];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'payments-errors',
    description: 'payments fails 60% of charges; orders retries, its breaker opens, orders fail with 502/503',
    alerts: ['ThreadlineHighErrorRatio', 'ThreadlineCircuitBreakerOpen', 'ThreadlineSLOErrorBudgetBurnFast'],
    faults: { payments: { errorRate: 0.6 } },
  },
  {
    name: 'payments-latency',
    description: 'payments answers after 1.2 s (inside orders\' 1.5 s timeout): every order is slow',
    alerts: ['ThreadlineHighP99Latency', 'ThreadlineSLOErrorBudgetBurnFast'],
    faults: { payments: { latencyMs: 1200 } },
  },
  {
    name: 'payments-outage',
    description: 'payments refuses everything with 503; the breaker opens after a few calls',
    alerts: ['ThreadlineCircuitBreakerOpen', 'ThreadlineHighErrorRatio', 'ThreadlineSLOErrorBudgetBurnFast'],
    faults: { payments: { outage: true } },
  },
  {
    name: 'inventory-down',
    description: 'the inventory process is stopped: its metrics endpoint is gone, orders cannot be priced',
    alerts: ['ThreadlineServiceDown', 'ThreadlineHighErrorRatio'],
    faults: {},
    stop: ['inventory'],
  },
  {
    name: 'notifications-failing',
    description: 'the notifications consumer fails half of its messages (requeued once, then dropped)',
    alerts: ['ThreadlineMessageConsumerFailures'],
    faults: { notifications: { errorRate: 0.5 } },
  },
  {
    name: 'event-loop-block',
    description: 'inventory blocks its event loop for 500 ms every second',
    alerts: ['ThreadlineEventLoopLag'],
    faults: { inventory: { eventLoopBlockMs: 500 } },
  },
  {
    name: 'memory-leak',
    description: 'orders leaks 3 MiB of heap a minute (capped at 128 MiB); the alert compares with an hour ago, so it needs ~1.5 h',
    alerts: ['ThreadlineHeapGrowth'],
    faults: { orders: { memoryLeakMbPerMinute: 3 } },
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
