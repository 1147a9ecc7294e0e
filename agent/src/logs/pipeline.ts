// pino, with every line stamped with the service, the active trace and the correlation ID.
// stdout is written on the main thread (sonic-boom, asynchronous); Loki shipping runs in a
// worker thread so batching, HTTP and retries never cost the app's event loop.
import { context } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions, type StreamEntry } from 'pino';
import { createAccessLog } from './access-log.ts';
import { createRpcAccessLog } from './rpc-access-log.ts';
import type { RpcCallListener } from '../rpc/call.ts';
import type { Settings } from '../config/settings.ts';
import type { ServerRequestListener } from '../http/server.ts';
import { bufferedStdout } from './stdout.ts';
import { traceFieldsOf, type TraceFields } from './trace-fields.ts';
import { CENSOR, censor } from '../redaction/log-fields.ts';
import type { LokiShipper } from './loki/shipper.ts';

export interface LogPipeline {
  readonly logger: Logger;
  /** Writes each request's access line through the same destination. */
  readonly accessLog: ServerRequestListener;
  /** Writes each inbound gRPC call's access line through the same destination. */
  readonly rpcAccessLog: RpcCallListener;
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
  const destination = streams.length === 1 ? stdout : pino.multistream(streams);
  const options: LoggerOptions = {
    level: settings.logLevel,
    base: { service: settings.serviceName },
    messageKey: 'msg',
    formatters: { level: levelLabel, log: censor },
    mixin: activeTraceFields,
    ...(settings.logRedact.length === 0 ? {} : { redact: { paths: [...settings.logRedact], censor: CENSOR } }),
  };
  const logger = pino(options, destination);
  const flush = (): Promise<void> =>
    new Promise<void>((resolve) => {
      logger.flush(() => resolve());
    });
  return {
    logger,
    accessLog: createAccessLog(logger, settings.serviceName, destination),
    rpcAccessLog: createRpcAccessLog(logger, settings.serviceName, destination),
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

function activeTraceFields(): TraceFields {
  return traceFieldsOf(context.active());
}
