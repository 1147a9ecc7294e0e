// The agent's Prometheus registry: RED histograms with trace exemplars, Node.js runtime metrics,
// and the agent's own health counters. Metric names follow the OpenTelemetry HTTP and messaging
// semantic conventions as Prometheus spells them.
import { performance } from 'node:perf_hooks';
import { context, isSpanContextValid, trace, type Context } from '@opentelemetry/api';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration, RegistryContentType } from 'prom-client';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from '../internals/prom-client.ts';
import { BoundedLabel } from './bounded-label.ts';
import type { ClientRequestRecord } from '../http/client.ts';
import type { ServerRequestRecord } from '../http/server.ts';
import type { MessageRecord } from '../messaging/consume-timing.ts';
import { TracedHistogram, type TraceExemplar } from './traced-histogram.ts';

/** OpenTelemetry's advisory buckets for HTTP and messaging durations, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export type Signal = 'logs' | 'traces';

/** Distinct `server_address` and `messaging_destination_name` values before `other`. */
export const MAX_LABEL_VALUES = 50;

export class AgentMetrics {
  readonly registry: Registry<RegistryContentType>;
  readonly logsDropped: Counter;
  readonly spansDropped: Counter;
  readonly exportErrors: Counter<'signal'>;
  readonly invalidCorrelationIds: Counter;
  readonly #server: TracedHistogram<'http_request_method' | 'http_route' | 'http_response_status_code'>;
  readonly #client: TracedHistogram<'http_request_method' | 'server_address' | 'http_response_status_code'>;
  readonly #messaging: TracedHistogram<'messaging_destination_name' | 'outcome'>;
  /** Counter names as registered; OpenMetrics rendering strips `_total` from them in place. */
  readonly #counterNames = new Map<object, string>();
  readonly #mirrors: Array<() => void> = [];
  readonly #serverAddresses = new BoundedLabel(MAX_LABEL_VALUES);
  readonly #destinations = new BoundedLabel(MAX_LABEL_VALUES);
  #rendering: Promise<unknown> = Promise.resolve();

  constructor(serviceName: string, options: { runtime: boolean } = { runtime: true }) {
    this.registry = new Registry<RegistryContentType>();
    this.registry.setContentType(OPENMETRICS_CONTENT_TYPE);
    this.registry.setDefaultLabels({ service: serviceName });
    this.#server = this.#tracedHistogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of inbound HTTP requests.',
      labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    });
    this.#client = this.#tracedHistogram({
      name: 'http_client_request_duration_seconds',
      help: 'Duration of outgoing HTTP requests, to the response headers.',
      labelNames: ['http_request_method', 'server_address', 'http_response_status_code'],
    });
    this.#messaging = this.#tracedHistogram({
      name: 'messaging_process_duration_seconds',
      help: 'Time from a message reaching its consumer to its ack, nack or reject.',
      labelNames: ['messaging_destination_name', 'outcome'],
    });
    this.logsDropped = this.counter({
      name: 'threadline_logs_dropped_total',
      help: 'Log lines dropped: stdout was not draining, the Loki buffer was full, or Loki rejected them.',
    });
    this.spansDropped = this.counter({
      name: 'threadline_spans_dropped_total',
      help: 'Spans dropped: the export queue was full, the export failed, or the collector rejected them.',
    });
    this.exportErrors = this.counter({
      name: 'threadline_export_errors_total',
      help: 'Failed export attempts, by signal.',
      labelNames: ['signal'],
    });
    // Present from the start, so `rate()` and alerts see a zero rather than no series.
    for (const signal of ['logs', 'traces'] satisfies Signal[]) this.exportErrors.inc({ signal }, 0);
    this.invalidCorrelationIds = this.counter({
      name: 'threadline_invalid_correlation_ids_total',
      help: 'Inbound correlation IDs that were malformed and replaced by new ones.',
    });
    if (options.runtime) {
      collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
      this.#eventLoopUtilization();
    }
  }

  /** Keeps `counter` equal to a total counted elsewhere (the Loki worker), read at scrape time. */
  mirror<T extends string>(counter: Counter<T>, read: () => number, labels: Partial<Record<T, string>> = {}): void {
    let seen = 0;
    this.#mirrors.push(() => {
      const total = read();
      if (total > seen) counter.inc(labels, total - seen);
      seen = total;
    });
  }

  counter<T extends string>(config: Omit<CounterConfiguration<T>, 'registers'>): Counter<T> {
    return new Counter({ ...config, registers: [this.registry] });
  }

  gauge<T extends string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
    return new Gauge({ ...config, registers: [this.registry] });
  }

  histogram<T extends string>(config: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T> {
    return new Histogram({ buckets: DURATION_BUCKETS, enableExemplars: true, ...config, registers: [this.registry] });
  }

  #tracedHistogram<T extends string>(config: Omit<HistogramConfiguration<T>, 'registers'>): TracedHistogram<T> {
    return new TracedHistogram(this.histogram(config));
  }

  recordServerRequest = (record: ServerRequestRecord): void => {
    const labels = {
      http_request_method: record.method,
      http_route: record.route,
      http_response_status_code: record.status,
    };
    this.#server.observe(labels, record.durationSeconds, exemplarOf(record.context));
  };

  recordClientRequest = (record: ClientRequestRecord): void => {
    const labels = {
      http_request_method: record.method,
      server_address: this.#serverAddresses.value(record.serverAddress),
      http_response_status_code: record.status,
    };
    this.#client.observe(labels, record.durationSeconds, exemplarOf(record.context));
  };

  recordMessage = (record: MessageRecord): void => {
    const labels = { messaging_destination_name: this.#destinations.value(record.destination), outcome: record.outcome };
    this.#messaging.observe(labels, record.durationSeconds, exemplarOf(context.active()));
  };

  /**
   * Renders the registry in either format. prom-client keeps the format on the registry and
   * renames counters in place for OpenMetrics, so renders are queued one at a time and counter
   * names restored before each.
   */
  render(openMetrics: boolean): Promise<string> {
    const result = this.#rendering.then(() => {
      for (const update of this.#mirrors) update();
      for (const metric of this.registry.getMetricsAsArray()) {
        const known = this.#counterNames.get(metric);
        if (known !== undefined) (metric as { name: string }).name = known;
        else if ((metric as unknown as { type?: string }).type === 'counter') this.#counterNames.set(metric, metric.name);
      }
      this.registry.setContentType(openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE);
      return this.registry.metrics();
    });
    this.#rendering = result.catch(() => undefined);
    return result;
  }

  #eventLoopUtilization(): void {
    let last = performance.eventLoopUtilization();
    this.gauge({
      name: 'nodejs_eventloop_utilization_ratio',
      help: 'Share of time the event loop was busy since the previous scrape (0–1).',
      collect() {
        const now = performance.eventLoopUtilization();
        this.set(performance.eventLoopUtilization(now, last).utilization);
        last = now;
      },
    });
  }
}

/** The context's span as an exemplar, when it is sampled: an unsampled trace is never stored. */
export function exemplarOf(ctx: Context): TraceExemplar | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && isSpanContextValid(spanContext) && (spanContext.traceFlags & 1) === 1
    ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
    : undefined;
}
