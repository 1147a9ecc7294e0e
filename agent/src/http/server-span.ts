// The parts of an inbound request every server path shares (node:http and node:https in
// server.ts, node:http2 in http2-server.ts): the correlation ID and parent context from the
// headers, and the SERVER span's start and end.
import { propagation, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { setCorrelationId } from '../context/correlation.ts';
import { resolveCorrelationId } from '../context/propagation.ts';
import { REQUEST_ROOT } from '../context/request-context.ts';
import { lazyTracer } from '../traces/lazy-tracer.ts';
import { UNMATCHED_ROUTE, UNTEMPLATED_ROUTE } from './route.ts';

const tracer = lazyTracer('@threadline/agent/http-server');

/** What reading the headers needs: the header's name, and what to do with a malformed ID. */
export interface InboundOptions {
  readonly correlationHeader: string;
  readonly onInvalidCorrelationId: () => void;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * An inbound request's correlation ID (the header's when valid, else a new one, counted) and the
 * context it starts from: the caller's trace when the headers carry one.
 */
export function inboundParent(options: InboundOptions, headers: Headers): { id: string; parent: Context } {
  const resolved = resolveCorrelationId(options.correlationHeader, (name) => headers[name]);
  if (resolved.invalid) options.onInvalidCorrelationId();
  // Normalised before anything reads it, so the propagator, the app and the logs only ever see a valid ID.
  headers[options.correlationHeader] = resolved.id;
  // Most requests carry no trace context; skipping the propagators for them is measurable.
  const parent =
    headers.traceparent === undefined && headers.baggage === undefined
      ? setCorrelationId(REQUEST_ROOT, resolved.id)
      : propagation.extract(REQUEST_ROOT, headers);
  return { id: resolved.id, parent };
}

export function startServerSpan(method: string, parent: Context, url: string | undefined, scheme: string): Span {
  const span = tracer().startSpan(method, { kind: SpanKind.SERVER }, parent);
  // Set after the start rather than passed to it: the SDK validates start attributes twice (for
  // the sampler, then for the span), and none of the configurable samplers reads them.
  if (span.isRecording()) {
    span.setAttribute('http.request.method', method);
    span.setAttribute('url.path', pathOf(url));
    span.setAttribute('url.scheme', scheme);
  }
  return span;
}

/** @param aborted the response did not finish (the client went away, the stream was reset). */
export function endServerSpan(span: Span, method: string, route: string, status: number, aborted: boolean): void {
  span.setAttribute('http.response.status_code', status);
  // Only a real template names the span; unmatched and untemplated are labels, not routes.
  if (route !== UNMATCHED_ROUTE && route !== UNTEMPLATED_ROUTE) {
    span.setAttribute('http.route', route);
    span.updateName(`${method} ${route}`);
  }
  if (status >= 500 || aborted) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** The path without the query string: queries carry tokens and unbounded values. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}
