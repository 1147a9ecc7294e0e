// POST /v1/traces and /v1/logs, answered as the OpenTelemetry collector answers: the response message in
// the request's encoding, partial success for rejected items, 400 with a google.rpc.Status for a body that
// does not decode, and 503 with Retry-After when the store is behind, which OTLP senders retry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import protobuf from 'protobufjs';
import type { Store } from '../store/store.ts';
import type { LogRow, SpanRow } from '../store/rows.ts';
import type { CounterName } from '../store/counters.ts';
import { readBody, mediaType, parseJson } from '../server/body.ts';
import { sendBytes, sendJson } from '../server/respond.ts';
import { OverloadedError } from '../store/writer.ts';
import { BadRequestError } from './bad-request.ts';
import { logRows } from './otlp-logs.ts';
import { LOGS, METRICS, TRACES, type ProtoType } from './otlp-proto.ts';
import { traceRows, type Decoded } from './otlp-traces.ts';
import { list, object, type Wire } from './otlp-values.ts';

type Encoding = 'protobuf' | 'json';

interface Signal<T> {
  readonly name: string;
  readonly types: { request: ProtoType; response: ProtoType };
  readonly rejectedField: string;
  readonly received: CounterName;
  readonly rejected: CounterName;
  rows(request: Wire): Decoded<T>;
  write(store: Store, rows: T[]): Promise<void>;
}

const SPANS: Signal<SpanRow> = {
  name: 'ExportTraceServiceRequest',
  types: TRACES,
  rejectedField: 'rejectedSpans',
  received: 'spans_received',
  rejected: 'spans_rejected',
  rows: traceRows,
  write: (store, rows) => store.writeSpans(rows),
};

const LOG_RECORDS: Signal<LogRow> = {
  name: 'ExportLogsServiceRequest',
  types: LOGS,
  rejectedField: 'rejectedLogRecords',
  received: 'logs_received',
  rejected: 'logs_rejected',
  rows: logRows,
  write: (store, rows) => store.writeLogs(rows),
};

function encodingOf(request: IncomingMessage): Encoding {
  const type = mediaType(request);
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new BadRequestError(`Content-Type ${JSON.stringify(type.slice(0, 60))} is not OTLP: send application/x-protobuf or application/json`, 415);
}

/** google.rpc.Status { code = 1; message = 2 }, the body of an OTLP/HTTP error. */
function statusMessage(code: number, message: string): Uint8Array {
  return protobuf.Writer.create().uint32(8).int32(code).uint32(18).string(message).finish();
}

export function sendOtlpError(response: ServerResponse, encoding: Encoding, status: number, message: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  // gRPC codes: 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE.
  const code = status === 503 ? 14 : status === 413 || status === 429 ? 8 : 3;
  if (encoding === 'json') sendJson(response, status, { code, message });
  else sendBytes(response, status, 'application/x-protobuf', statusMessage(code, message));
}

function decode(types: { request: ProtoType }, name: string, encoding: Encoding, body: Buffer): Wire {
  if (encoding === 'json') return parseJson(body, `an OTLP/JSON ${name}`);
  try {
    return types.request.decode(body) as Wire;
  } catch (error) {
    throw new BadRequestError(`the body is not a protobuf ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function otlpHandler<T>(store: Store, maxBodyBytes: number, signal: Signal<T>) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let encoding: Encoding = 'protobuf';
    try {
      encoding = encodingOf(request);
      const body = await readBody(request, maxBodyBytes);
      const { rows, rejected, reason } = signal.rows(decode(signal.types, signal.name, encoding, body));
      if (rows.length > 0) await signal.write(store, rows);
      store.counters.add(signal.received, rows.length);
      store.counters.add(signal.rejected, rejected);
      const partialSuccess = rejected > 0 ? { [signal.rejectedField]: encoding === 'json' ? String(rejected) : rejected, errorMessage: reason } : undefined;
      if (encoding === 'json') sendJson(response, 200, partialSuccess ? { partialSuccess } : {});
      else sendBytes(response, 200, 'application/x-protobuf', signal.types.response.encode(partialSuccess ? { partialSuccess } : {}).finish());
    } catch (error) {
      if (error instanceof OverloadedError) {
        store.counters.add('requests_refused_overloaded');
        sendOtlpError(response, encoding, 503, error.message, { 'retry-after': '1' });
      } else if (error instanceof BadRequestError) {
        store.counters.add(error.counter);
        sendOtlpError(response, encoding, error.status, error.message, error.headers);
      } else {
        throw error;
      }
    }
  };
}

export const tracesHandler = (store: Store, maxBodyBytes: number) => otlpHandler(store, maxBodyBytes, SPANS);
export const logsHandler = (store: Store, maxBodyBytes: number) => otlpHandler(store, maxBodyBytes, LOG_RECORDS);

/** Data points in an ExportMetricsServiceRequest, whatever their metric type. */
function dataPoints(request: Wire): number {
  let points = 0;
  for (const resourceMetrics of list(request.resourceMetrics, 'resourceMetrics')) {
    for (const scopeMetrics of list(object(resourceMetrics, 'resourceMetrics[]').scopeMetrics, 'scopeMetrics')) {
      for (const metric of list(object(scopeMetrics, 'scopeMetrics[]').metrics, 'metrics')) {
        const m = object(metric, 'metric');
        for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) {
          if (m[kind] !== undefined && m[kind] !== null) points += list(object(m[kind], kind).dataPoints, 'dataPoints').length;
        }
      }
    }
  }
  return points;
}

export const METRICS_DECLINED = 'the viewer reads metrics by scraping Prometheus endpoints (threadline-viewer --scrape host:port); OTLP metrics are not kept';

/**
 * POST /v1/metrics: a plain SDK exports metrics by default. The viewer reads metrics by scraping, so it
 * answers as a collector does for data it will not keep: 200 with every point rejected and the reason,
 * which the SDK logs once, rather than a 404 it would retry and report as a failure.
 */
export function metricsHandler(store: Store, maxBodyBytes: number) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let encoding: Encoding = 'protobuf';
    try {
      encoding = encodingOf(request);
      const points = dataPoints(decode(METRICS, 'ExportMetricsServiceRequest', encoding, await readBody(request, maxBodyBytes)));
      store.counters.add('otlp_metrics_points_declined', points);
      const partialSuccess = points > 0 ? { rejectedDataPoints: encoding === 'json' ? String(points) : points, errorMessage: METRICS_DECLINED } : undefined;
      if (encoding === 'json') sendJson(response, 200, partialSuccess ? { partialSuccess } : {});
      else sendBytes(response, 200, 'application/x-protobuf', METRICS.response.encode(partialSuccess ? { partialSuccess } : {}).finish());
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      store.counters.add(error.counter);
      sendOtlpError(response, encoding, error.status, error.message);
    }
  };
}
