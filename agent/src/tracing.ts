// The trace pipeline: tracer provider, sampler, resource, a bounded batch processor and the
// OTLP/HTTP exporter. Built from the SDK's parts rather than NodeSDK, which loads the gRPC,
// Zipkin, logs and metrics exporters at start-up and turns on an OTLP log exporter by default.
import { createNoopMeter, trace, type Counter as OtelCounter, type Meter, type MeterProvider } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { Settings } from './config.ts';
import { decodeRejectedSpans, encodeSpans } from './otlp-protobuf.ts';
import { CorrelationSpanProcessor } from './span-processor.ts';
import { UrlRedactingSpanProcessor } from './url-redaction.ts';

export const MAX_CONCURRENT_EXPORTS = 2;

export interface TracingHooks {
  /** Spans that never reached storage: queue full, export failed, or rejected by the collector. */
  readonly onSpansDropped: (count: number) => void;
  readonly onExportError: (error: Error | undefined) => void;
}

export interface Tracing {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the global tracer provider. Without it (no endpoint, or tracing turned off) the
 * instrumentations still propagate trace context and correlation IDs through the API's
 * non-recording spans, so a service passes a trace through even when it records nothing.
 */
export function startTracing(settings: Settings, endpoint: string, hooks: TracingHooks): Tracing {
  const processors: SpanProcessor[] = [
    new CorrelationSpanProcessor(),
    new UrlRedactingSpanProcessor(),
    new BatchSpanProcessor({
      exporter: new CountingExporter(() => createExporter(settings, endpoint, hooks.onSpansDropped), hooks.onExportError),
      maxQueueSize: settings.batch.maxQueueSize,
      maxExportBatchSize: settings.batch.maxExportBatchSize,
      scheduledDelayMillis: settings.batch.scheduleDelayMs,
      exportTimeoutMillis: settings.otlpTimeoutMs,
      selfObsMeterProvider: dropCountingMeterProvider(hooks.onSpansDropped),
    }),
  ];
  const provider = new TracerProvider({
    resource: createResource(settings),
    sampler: createSampler(settings),
    spanProcessors: processors,
  });
  trace.setGlobalTracerProvider(provider);
  return provider;
}

function createExporter(settings: Settings, endpoint: string, onRejected: (count: number) => void): SpanExporter {
  const config = {
    url: endpoint,
    headers: { ...settings.otlpHeaders },
    timeoutMillis: settings.otlpTimeoutMs,
    // The exporter's default lets 30 batches wait on a dead collector, each holding 512 spans
    // through its retries: about 100 MB in the soak run. Two in flight keep a slow collector
    // busy; beyond that, batches are dropped and counted.
    concurrencyLimit: MAX_CONCURRENT_EXPORTS,
  };
  // Only the chosen protocol's code is loaded: serialisation code is a measurable share of the
  // agent's start-up time.
  /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  if (settings.otlpProtocol === 'http/json') {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(config);
  }
  // OpenTelemetry's HTTP transport, retries and env-var handling, with the agent's encoder.
  const { OTLPExporterBase } = require('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } = require('@opentelemetry/otlp-exporter-base/node-http') as typeof import('@opentelemetry/otlp-exporter-base/node-http');
  /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  const serializer = {
    serializeRequest: encodeSpans,
    deserializeResponse: (data: Uint8Array): object => {
      const rejected = decodeRejectedSpans(data);
      if (rejected > 0) onRejected(rejected);
      return {};
    },
  };
  const options = convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
  const spanCount = { name: 'span' as const, countItems: (spans: ReadableSpan[]) => spans.length };
  return new OTLPExporterBase(createOtlpHttpExportDelegate(options, serializer, 'otlp_http_span_exporter', spanCount, undefined));
}

function createResource(settings: Settings) {
  const detected = detectResources({
    detectors: [envDetector, hostDetector, processDetector, serviceInstanceIdDetector],
  });
  return defaultResource()
    .merge(detected)
    .merge(
      resourceFromAttributes({
        'service.name': settings.serviceName,
        ...(settings.serviceVersion === undefined ? {} : { 'service.version': settings.serviceVersion }),
        'deployment.environment.name': settings.environment,
      }),
    );
}

function createSampler(settings: Settings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.samplerRatio);
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * Counts failed exports; the batch processor reports the spans they carried as dropped. The
 * exporter is built at the first export, not at start-up: its code (OpenTelemetry's transport
 * and the encoder) is about 18 ms of a service's start, and the first batch leaves a second later.
 */
class CountingExporter implements SpanExporter {
  readonly #create: () => SpanExporter;
  readonly #onError: (error: Error | undefined) => void;
  #inner: SpanExporter | undefined;

  constructor(create: () => SpanExporter, onError: (error: Error | undefined) => void) {
    this.#create = create;
    this.#onError = onError;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let inner: SpanExporter;
    try {
      inner = this.#inner ??= this.#create();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.#onError(failure);
      resultCallback({ code: ExportResultCode.FAILED, error: failure });
      return;
    }
    inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.#onError(result.error);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#inner?.shutdown() ?? Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return this.#inner?.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * The batch processor reports its own losses (queue full, failed export) through an
 * OpenTelemetry meter as `otel.sdk.processor.span.processed` with an `error.type`; this meter
 * turns exactly those into a drop count, without a metrics SDK.
 */
function dropCountingMeterProvider(onDropped: (count: number) => void): MeterProvider {
  const noop = createNoopMeter();
  const counter: OtelCounter = {
    add(value, attributes) {
      if (attributes?.['error.type'] !== undefined) onDropped(value);
    },
  };
  const meter: Meter = Object.assign(Object.create(noop) as Meter, {
    createCounter: () => counter,
  });
  return { getMeter: () => meter };
}
