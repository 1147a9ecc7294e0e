// The trace and correlation fields every log line carries, read from a context: the active one
// (the logger's mixin) or a request's own (the access line, written after the request's
// context has been left).
import { isSpanContextValid, trace, type Context } from '@opentelemetry/api';
import { correlationIdOf } from '../context/correlation.ts';

export interface TraceFields {
  trace_id?: string;
  span_id?: string;
  correlation_id?: string;
}

/** A fresh object each call: callers add their own fields to it. */
export function traceFieldsOf(ctx: Context): TraceFields {
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
