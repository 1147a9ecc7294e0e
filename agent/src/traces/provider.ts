// The trace pipeline: tracer provider, sampler, resource, a bounded batch processor and the
// OTLP/HTTP exporter. Built from the SDK's parts rather than NodeSDK, which loads the gRPC,
// Zipkin, logs and metrics exporters at start-up and turns on an OTLP log exporter by default.
import { createNoopMeter, trace, type Counter as OtelCounter, type Meter, type MeterProvider } from '@opentelemetry/api';
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
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { Settings } from '../config/settings.ts';
import { CountingExporter, createExporter } from './exporter.ts';
import { CorrelationSpanProcessor, UrlRedactingSpanProcessor } from './span-processors.ts';

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
