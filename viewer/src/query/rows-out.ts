// Stored rows → the API's JSON shapes.
import type { LogJson, SpanJson } from '../api-types.ts';
import type { StoredLine } from '../store/log-block.ts';
import { SPAN_KINDS, STATUS_CODES } from '../store/rows.ts';

export interface SpanRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  service: string;
  name: string;
  kind: number;
  /** CAST(start_ns AS TEXT): exact, where a number would round nanoseconds. */
  start_ns: string;
  duration_ms: number;
  status_code: number;
  status_message: string;
  route: string | null;
  http_status: number | null;
  correlation_id: string | null;
  attributes: string;
  events: string | null;
  scope: string;
  resource: string;
}

/** Unix ns (decimal string) → ms with µs precision. */
export function nsToMs(ns: string): number {
  return Number(BigInt(ns) / 1000n) / 1000;
}

export function spanOut(row: SpanRecord): SpanJson & { start: number; scope: string } {
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    service: row.service,
    name: row.name,
    kind: SPAN_KINDS[row.kind] ?? 'UNSPECIFIED',
    startTimeUnixNano: row.start_ns,
    start: nsToMs(row.start_ns),
    durationMs: row.duration_ms,
    status: { code: STATUS_CODES[row.status_code] ?? 'UNSET', message: row.status_message },
    route: row.route,
    httpStatus: row.http_status === null ? null : Number(row.http_status),
    correlationId: row.correlation_id,
    scope: row.scope,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    resource: JSON.parse(row.resource) as Record<string, unknown>,
    events: row.events === null ? [] : (JSON.parse(row.events) as SpanJson['events']),
  };
}

export function logOut(line: StoredLine): LogJson & { timeUnixNano: string } {
  return {
    id: line.id,
    time: nsToMs(line.timeNs),
    timeUnixNano: line.timeNs,
    service: line.service,
    level: line.level,
    msg: line.msg,
    trace_id: line.traceId,
    span_id: line.spanId,
    correlation_id: line.correlationId,
    line: line.line,
  };
}

export const SPAN_COLUMNS = `s.trace_id, s.span_id, s.parent_span_id, s.service, s.name, s.kind, CAST(s.start_ns AS TEXT) AS start_ns, s.duration_ms,
  s.status_code, s.status_message, s.route, s.http_status, s.correlation_id, s.attributes, s.events, s.scope, r.attributes AS resource`;
