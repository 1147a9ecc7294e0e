// OTLP trace export requests (protobuf or JSON) → span rows. A span without valid IDs is rejected on its
// own and counted in the partial-success answer, as a collector does; a body that does not decode at all
// is refused whole.
import { SPAN_KINDS, STATUS_CODES, type Attributes, type SpanEvent, type SpanRow } from '../store/rows.ts';
import { BadRequestError } from './bad-request.ts';
import { attributes, enumNumber, hexId, list, nanos, object, serviceOf, text, type Wire } from './otlp-values.ts';

export interface Decoded<T> {
  readonly rows: T[];
  readonly rejected: number;
  /** Why the first rejected item was rejected. */
  readonly reason: string;
}

function routeOf(attrs: Attributes): string | null {
  const route = attrs['http.route'] ?? attrs['messaging.destination.name'] ?? attrs['rpc.method'];
  return typeof route === 'string' && route !== '' ? route : null;
}

function httpStatusOf(attrs: Attributes): number | null {
  const status = attrs['http.response.status_code'] ?? attrs['http.status_code'];
  const value = typeof status === 'string' ? Number(status) : status;
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

export function correlationIdOf(attrs: Attributes): string | null {
  const id = attrs['correlation.id'] ?? attrs['correlation_id'];
  return typeof id === 'string' && id !== '' ? id : null;
}

function events(value: unknown): SpanEvent[] {
  return list(value, 'span.events').map((item) => {
    const event = object(item, 'span event');
    return { name: text(event.name), timeUnixNano: nanos(event.timeUnixNano, 'event.timeUnixNano').toString(), attributes: attributes(event.attributes) };
  });
}

/** Converts a decoded ExportTraceServiceRequest (from protobuf or JSON) to rows. */
export function traceRows(request: Wire): Decoded<SpanRow> {
  const rows: SpanRow[] = [];
  let rejected = 0;
  let reason = '';
  for (const resourceSpans of list(request.resourceSpans, 'resourceSpans')) {
    const rs = object(resourceSpans, 'resourceSpans[]');
    const resource = attributes(object(rs.resource, 'resource').attributes);
    const service = serviceOf(resource);
    for (const scopeSpans of list(rs.scopeSpans ?? rs.instrumentationLibrarySpans, 'scopeSpans')) {
      const ss = object(scopeSpans, 'scopeSpans[]');
      const scope = text(object(ss.scope ?? ss.instrumentationLibrary, 'scope').name);
      for (const item of list(ss.spans, 'spans')) {
        const span = object(item, 'span');
        try {
          const traceId = hexId(span.traceId, 16, 'traceId');
          const spanId = hexId(span.spanId, 8, 'spanId');
          if (traceId === '' || spanId === '') throw new BadRequestError('a span needs a non-zero traceId and spanId');
          const start = nanos(span.startTimeUnixNano, 'startTimeUnixNano');
          const end = nanos(span.endTimeUnixNano, 'endTimeUnixNano');
          const attrs = attributes(span.attributes);
          const status = object(span.status, 'status');
          rows.push({
            traceId,
            spanId,
            parentSpanId: hexId(span.parentSpanId, 8, 'parentSpanId'),
            service,
            name: text(span.name),
            kind: enumNumber(span.kind, SPAN_KINDS, 'SPAN_KIND_'),
            startNs: start,
            durationMs: end > start ? Number(end - start) / 1e6 : 0,
            statusCode: enumNumber(status.code, STATUS_CODES, 'STATUS_CODE_'),
            statusMessage: text(status.message),
            route: routeOf(attrs),
            httpStatus: httpStatusOf(attrs),
            correlationId: correlationIdOf(attrs),
            attributes: attrs,
            resource,
            events: events(span.events),
            scope,
          });
        } catch (error) {
          if (!(error instanceof BadRequestError)) throw error;
          rejected += 1;
          reason ||= error.message;
        }
      }
    }
  }
  return { rows, rejected, reason };
}
