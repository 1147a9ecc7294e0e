// pino, with every line stamped with the service, the active trace and the correlation ID.
// stdout is written on the main thread (sonic-boom, asynchronous); Loki shipping runs in a
// worker thread so batching, HTTP and retries never cost the app's event loop.
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';
import type { Settings } from './config.ts';
import { correlationIdOf } from './context.ts';
import { bufferedStdout } from './stdout.ts';
import { CENSOR, censor } from './redaction.ts';
import type { LokiShipper } from './loki-shipper.ts';

export interface LogPipeline {
  readonly logger: Logger;
  /** Flushes stdout and hands pending lines to the Loki worker. */
  flush(): Promise<void>;
  /** Flushes, then ends the Loki worker, which delivers what it buffers before it exits. */
  close(): Promise<void>;
  /** Written synchronously: the last words of a crashing process. */
  flushSync(): void;
}

/** `"level":"info"` rather than pino's number: readable, and what Loki and Grafana expect. */
export function levelLabel(label: string): { level: string } {
  return { level: label };
}

/**
 * @param onStdoutDrop called for each line dropped because stdout is not being read (a stuck
 *   log collector or a paused terminal); the lines are counted, memory stays bounded.
 */
export function createLogPipeline(settings: Settings, loki: LokiShipper | undefined, onStdoutDrop: () => void): LogPipeline {
  const stdout = settings.pretty
    ? (pino.transport({ target: 'pino-pretty', options: { destination: 1 } }) as DestinationStream)
    : bufferedStdout(onStdoutDrop);
  const level = settings.logLevel === 'silent' ? 'fatal' : settings.logLevel;
  const streams: StreamEntry[] = [{ stream: stdout, level }];
  if (loki !== undefined) streams.push({ stream: loki, level });
  const logger = pino(
    {
      level: settings.logLevel,
      base: { service: settings.serviceName },
      messageKey: 'msg',
      formatters: { level: levelLabel, log: censor },
      ...(settings.logRedact.length === 0 ? {} : { redact: { paths: [...settings.logRedact], censor: CENSOR } }),
      mixin: traceFields,
    },
    streams.length === 1 ? stdout : pino.multistream(streams),
  );
  const flush = (): Promise<void> =>
    new Promise<void>((resolve) => {
      logger.flush(() => resolve());
    });
  return {
    logger,
    flush,
    close: async () => {
      await flush();
      await loki?.close(Date.now() + Math.max(0, settings.shutdownTimeoutMs - 250));
    },
    flushSync: () => {
      const sonic = stdout as { flushSync?: () => void };
      try {
        sonic.flushSync?.();
      } catch {
        // stdout may already be closed; nothing left to save.
      }
    },
  };
}

interface TraceFields {
  trace_id?: string;
  span_id?: string;
  correlation_id?: string;
}

function traceFields(): TraceFields {
  const ctx = context.active();
  const fields: TraceFields = {};
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext !== undefined && isSpanContextValid(spanContext)) {
    fields.trace_id = spanContext.traceId;
    fields.span_id = spanContext.spanId;
  }
  const id = correlationIdOf(ctx);
  if (id !== undefined) fields.correlation_id = id;
  return fields;
}
