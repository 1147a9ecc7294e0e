// The JSON shapes of a request's spans and log lines, as the API sends them and the page reads them:
// one declaration, so the compiler holds both ends to it.

export interface SpanJson {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  name: string;
  kind: string;
  startTimeUnixNano: string;
  durationMs: number;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
  attributes: Record<string, unknown>;
  resource?: Record<string, unknown>;
  events?: { name: string; timeUnixNano?: string; attributes?: Record<string, unknown> }[];
  route?: string | null;
  httpStatus?: number | null;
  correlationId?: string | null;
}

export interface LogJson {
  id: number;
  time: number;
  timeUnixNano?: string;
  service: string;
  level: string;
  msg: string;
  trace_id: string | null;
  span_id: string | null;
  correlation_id: string | null;
  line: string;
}
