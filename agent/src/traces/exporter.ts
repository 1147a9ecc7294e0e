// The span exporter: OTLP/HTTP, with the agent's protobuf encoder by default (through
// internals/otlp-exporter-base.ts) or OpenTelemetry's JSON exporter for http/json. It is made at
// the first export, not at start-up: its code (OpenTelemetry's transport and the encoder) is a
// measurable share of a service's start, and the first batch leaves a second later.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { Settings } from '../config/settings.ts';
import { protobufSpanExporter } from '../internals/otlp-exporter-base.ts';
import { decodeRejectedSpans, encodeSpans } from './otlp-protobuf.ts';

/**
 * Batches allowed in flight at once. The exporter's default lets 30 batches wait on a dead
 * collector, each holding its spans through its retries (the soak run's memory grew with them);
 * two keep a slow collector busy, and beyond that batches are dropped and counted.
 */
export const MAX_CONCURRENT_EXPORTS = 2;

export function createExporter(settings: Settings, endpoint: string, onRejected: (count: number) => void): SpanExporter {
  const config = {
    url: endpoint,
    headers: { ...settings.otlpHeaders },
    timeoutMillis: settings.otlpTimeoutMs,
    concurrencyLimit: MAX_CONCURRENT_EXPORTS,
  };
  if (settings.otlpProtocol === 'http/protobuf') {
    const exporter = protobufSpanExporter(config, {
      serializeRequest: encodeSpans,
      deserializeResponse: (data: Uint8Array): object => {
        const rejected = decodeRejectedSpans(data);
        if (rejected > 0) onRejected(rejected);
        return {};
      },
    });
    if (exporter !== undefined) return exporter;
  }
  // Only the chosen protocol's code is loaded: serialisation code is a measurable share of start-up.
  /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  return new OTLPTraceExporter(config);
}

/** Counts failed exports (the batch processor reports the spans they carried as dropped); makes the exporter at the first export. */
export class CountingExporter implements SpanExporter {
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
