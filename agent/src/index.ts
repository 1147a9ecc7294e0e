// The public API. The preload has already started the agent; importing this without the
// preload starts it here (logs and metrics work, but libraries loaded earlier are not traced).
import type { Logger } from 'pino';
import type { Counter, CounterConfiguration, Gauge, GaugeConfiguration, Histogram, HistogramConfiguration, Registry, RegistryContentType } from 'prom-client';
import { agent } from './agent.ts';

export { correlationId, withCorrelationId } from './agent.ts';

/** The service's pino logger: JSON lines with service, trace_id, span_id and correlation_id. */
export const logger: Logger = agent().logger;

export interface Metrics {
  /** The registry served on THREADLINE_METRICS_PORT; every series carries the `service` label. */
  readonly registry: Registry<RegistryContentType>;
  counter<T extends string>(config: Omit<CounterConfiguration<T>, 'registers'>): Counter<T>;
  gauge<T extends string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T>;
  /** Buckets default to OpenTelemetry's duration buckets; exemplars carry the active trace. */
  histogram<T extends string>(config: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T>;
}

const agentMetrics = agent().metrics;
export const metrics: Metrics = {
  registry: agentMetrics.registry,
  counter: (config) => agentMetrics.counter(config),
  gauge: (config) => agentMetrics.gauge(config),
  histogram: (config) => agentMetrics.histogram(config),
};

/** Flushes spans and logs (within THREADLINE_SHUTDOWN_TIMEOUT_MS); for apps that handle their own signals. */
export function shutdown(): Promise<void> {
  return agent().shutdown();
}
