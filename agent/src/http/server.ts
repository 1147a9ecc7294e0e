// Inbound HTTP for node:http and node:https servers (Express and every other framework on top).
// The agent owns this path instead of OpenTelemetry's HTTP and Express instrumentations: those
// build a span per middleware layer and wrap every request and response emitter, which costs
// more than the rest of the agent together. Here one wrapper around the server's 'request'
// event does it all: correlation ID, trace context, the server span, and on close the route
// template, metrics and the access log.
// The wrapper sits on net.Server, the class both kinds of server extend, rather than on each:
// patching https.Server meant loading node:https, and with it TLS, into every app, even one
// that uses neither https nor fetch (fetch loads TLS itself).
import { IncomingMessage, type ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import { setCorrelationId } from '../context/correlation.ts';
import { resolveCorrelationId } from '../context/propagation.ts';
import { httpMethod } from './method.ts';
import { REQUEST_ROOT } from '../context/request-context.ts';
import { lazyTracer } from '../traces/lazy-tracer.ts';
import { routeOf as templateOf, UNMATCHED_ROUTE, UNTEMPLATED_ROUTE } from './route.ts';

export { UNMATCHED_ROUTE, UNTEMPLATED_ROUTE } from './route.ts';
const tracer = lazyTracer('@threadline/agent/http-server');

/**
 * One finished inbound request. Listeners are handed the request's context rather than run
 * inside it: entering a context costs an AsyncLocalStorage frame per request.
 */
export interface ServerRequestRecord {
  /** The request's context: its server span and correlation ID. */
  readonly context: Context;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly durationSeconds: number;
}

export type ServerRequestListener = (record: ServerRequestRecord) => void;

/** Servers whose requests are not the app's (the agent's own /metrics endpoint). */
export const ignoredServers = new WeakSet<object>();

export interface HttpServerOptions {
  readonly correlationHeader: string;
  readonly onInvalidCorrelationId: () => void;
  readonly listeners: readonly ServerRequestListener[];
  readonly expressLayerSpans: boolean;
}

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

export function instrumentHttpServers(options: HttpServerOptions): void {
  const proto = NetServer.prototype as unknown as { emit: Emit };
  const original = proto.emit;
  proto.emit = function emit(this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    // An HTTP/2 server's compatibility 'request' carries an Http2ServerRequest: not traced here.
    const request = args[0];
    if (event !== 'request' || !(request instanceof IncomingMessage) || ignoredServers.has(this as object)) {
      return original.apply(this, [event, ...args]);
    }
    const ctx = startRequest(options, request, args[1] as ServerResponse);
    return context.with(ctx, original, this, event, ...args);
  };
}

function startRequest(options: HttpServerOptions, request: IncomingMessage, response: ServerResponse): Context {
  const startNs = process.hrtime.bigint();
  const { correlationHeader } = options;
  const resolved = resolveCorrelationId(correlationHeader, (name) => request.headers[name]);
  if (resolved.invalid) options.onInvalidCorrelationId();
  // Normalised before anything reads it, so the propagator, the app and the logs only ever see a valid ID.
  request.headers[correlationHeader] = resolved.id;
  response.setHeader(correlationHeader, resolved.id);

  // Most requests carry no trace context; skipping the propagators for them is measurable.
  const { headers } = request;
  const parent =
    headers.traceparent === undefined && headers.baggage === undefined
      ? setCorrelationId(REQUEST_ROOT, resolved.id)
      : propagation.extract(REQUEST_ROOT, headers);
  const method = httpMethod(request.method);
  const span = tracer().startSpan(method, { kind: SpanKind.SERVER }, parent);
  // Set after the start rather than passed to it: the SDK validates start attributes twice (for
  // the sampler, then for the span), and none of the configurable samplers reads them.
  if (span.isRecording()) {
    span.setAttribute('http.request.method', method);
    span.setAttribute('url.path', pathOf(request.url));
    // A TLS socket says so; an https server's requests arrive on nothing else.
    span.setAttribute('url.scheme', (request.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http');
  }
  const withSpan = trace.setSpan(parent, span);
  // The Express instrumentation, when switched on, reports the matched route through this.
  const ctx = options.expressLayerSpans ? setRPCMetadata(withSpan, { type: RPCType.HTTP, span }) : withSpan;
  // 'close' comes once per response, finished or aborted.
  response.on('close', () => {
    const status = response.statusCode;
    const route = routeOf(request, ctx);
    span.setAttribute('http.response.status_code', status);
    if (route !== UNMATCHED_ROUTE && route !== UNTEMPLATED_ROUTE) {
      span.setAttribute('http.route', route);
      span.updateName(`${method} ${route}`);
    }
    if (status >= 500 || !response.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    const record: ServerRequestRecord = { context: ctx, method, route, status, durationSeconds: Number(process.hrtime.bigint() - startNs) / 1e9 };
    for (const listener of options.listeners) listener(record);
  });
  return ctx;
}

/** The path without the query string: queries carry tokens and unbounded values. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

function routeOf(request: IncomingMessage, ctx: Context): string {
  // The Express instrumentation, when switched on, reports the matched route here.
  return getRPCMetadata(ctx)?.route || templateOf(request);
}
