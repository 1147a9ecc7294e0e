// Telemetry encoded as senders encode it: OTLP with the message types generated from opentelemetry-proto,
// OTLP/JSON by the spec's JSON mapping (hex IDs), and Loki pushes by Loki's push.proto in a snappy block.
import { randomBytes } from 'node:crypto';
import protobuf from 'protobufjs';
import { compressSync } from 'snappy';
import { LOGS, TRACES } from '../../src/receive/otlp-proto.ts';

const PushRequest = protobuf.loadSync(new URL('../../proto/loki-push.proto', import.meta.url).pathname).lookupType('logproto.PushRequest');

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startMs: number;
  durationMs: number;
  error?: boolean;
  attributes?: Record<string, string | number | boolean>;
}

function attributesJson(attributes: Record<string, string | number | boolean> = {}) {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? { stringValue: value } : typeof value === 'boolean' ? { boolValue: value } : Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value },
  }));
}

/** An ExportTraceServiceRequest as OTLP/JSON (a plain object). */
export function tracesJson(service: string, spans: readonly TestSpan[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributesJson({ 'service.name': service }) },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind ?? 2,
              startTimeUnixNano: String(BigInt(Math.round(span.startMs * 1000)) * 1000n),
              endTimeUnixNano: String(BigInt(Math.round((span.startMs + span.durationMs) * 1000)) * 1000n),
              attributes: attributesJson(span.attributes),
              status: span.error ? { code: 2, message: 'failed' } : {},
            })),
          },
        ],
      },
    ],
  };
}

const bytes = (id: string): Buffer => Buffer.from(id, 'hex');

/** The same request in protobuf: IDs as bytes, as the SDKs send it. */
export function tracesProtobuf(service: string, spans: readonly TestSpan[]): Uint8Array {
  const json = tracesJson(service, spans);
  for (const span of json.resourceSpans[0]!.scopeSpans[0]!.spans) {
    Object.assign(span, { traceId: bytes(span.traceId), spanId: bytes(span.spanId), parentSpanId: bytes(span.parentSpanId) });
  }
  return TRACES.request.encode(TRACES.request.fromObject(json)).finish();
}

export function logsJson(service: string, records: ReadonlyArray<{ timeMs: number; body: string; severityText?: string; traceId?: string; spanId?: string; attributes?: Record<string, string> }>) {
  return {
    resourceLogs: [
      {
        resource: { attributes: attributesJson({ 'service.name': service }) },
        scopeLogs: [
          {
            scope: { name: 'test' },
            logRecords: records.map((record) => ({
              timeUnixNano: String(BigInt(record.timeMs) * 1_000_000n),
              severityText: record.severityText ?? 'INFO',
              body: { stringValue: record.body },
              traceId: record.traceId ?? '',
              spanId: record.spanId ?? '',
              attributes: attributesJson(record.attributes),
            })),
          },
        ],
      },
    ],
  };
}

export function logsProtobuf(service: string, records: Parameters<typeof logsJson>[1]): Uint8Array {
  const json = logsJson(service, records);
  for (const record of json.resourceLogs[0]!.scopeLogs[0]!.logRecords) Object.assign(record, { traceId: bytes(record.traceId), spanId: bytes(record.spanId) });
  return LOGS.request.encode(LOGS.request.fromObject(json)).finish();
}

export interface LokiStream {
  labels: Record<string, string>;
  entries: Array<{ timeMs: number; line: string; metadata?: Record<string, string> }>;
}

const selector = (labels: Record<string, string>): string => `{${Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ')}}`;

export function lokiProtobuf(streams: readonly LokiStream[]): Uint8Array {
  const message = PushRequest.fromObject({
    streams: streams.map((stream) => ({
      labels: selector(stream.labels),
      entries: stream.entries.map((entry) => ({
        timestamp: { seconds: Math.floor(entry.timeMs / 1000), nanos: (entry.timeMs % 1000) * 1e6 },
        line: entry.line,
        structuredMetadata: Object.entries(entry.metadata ?? {}).map(([name, value]) => ({ name, value })),
      })),
    })),
  });
  return compressSync(Buffer.from(PushRequest.encode(message).finish()));
}

export function lokiJson(streams: readonly LokiStream[]) {
  return {
    streams: streams.map((stream) => ({
      stream: stream.labels,
      values: stream.entries.map((entry) => [String(BigInt(entry.timeMs) * 1_000_000n), entry.line, ...(entry.metadata ? [entry.metadata] : [])]),
    })),
  };
}

/** A log line as the agent writes it. */
export function agentLine(fields: { service: string; msg: string; level?: string; trace_id?: string; span_id?: string; correlation_id?: string; time?: number; [field: string]: unknown }): string {
  return JSON.stringify({ level: fields.level ?? 'info', time: fields.time ?? Date.now(), ...fields });
}
