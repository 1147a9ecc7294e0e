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
import type { ServerHttp2Stream } from 'node:http2';
import { Server as NetServer } from 'node:net';
import { context, trace, type Context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import { isTracedHttp2Stream, startHttp2Stream } from './http2-server.ts';
import { httpMethod } from './method.ts';
import { routeOf as templateOf } from './route.ts';
import { endServerSpan, inboundParent, startServerSpan } from './server-span.ts';

export { UNMATCHED_ROUTE, UNTEMPLATED_ROUTE } from './route.ts';

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
    const request = args[0];
    // An HTTP/2 server's compatibility 'request' carries an Http2ServerRequest, traced at its 'stream' event.
    if (event === 'request' && request instanceof IncomingMessage && !ignoredServers.has(this as object)) {
      return context.with(startRequest(options, request, args[1] as ServerResponse), original, this, event, ...args);
    }
    if (event === 'stream' && isTracedHttp2Stream(request, args[1])) {
      return context.with(startHttp2Stream(options, request as ServerHttp2Stream, args[1]), original, this, event, ...args);
    }
    return original.apply(this, [event, ...args]);
  };
}

function startRequest(options: HttpServerOptions, request: IncomingMessage, response: ServerResponse): Context {
  const startNs = process.hrtime.bigint();
  const { correlationHeader } = options;
  const { headers } = request;
  const { id, parent } = inboundParent(options, headers);
  response.setHeader(correlationHeader, id);
  const method = httpMethod(request.method);
  // A TLS socket says so; an https server's requests arrive on nothing else.
  const scheme = (request.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  const span = startServerSpan(method, parent, request.url, scheme);
  const withSpan = trace.setSpan(parent, span);
  // The Express instrumentation, when switched on, reports the matched route through this.
  const ctx = options.expressLayerSpans ? setRPCMetadata(withSpan, { type: RPCType.HTTP, span }) : withSpan;
  // 'close' comes once per response, finished or aborted.
  response.on('close', () => {
    const status = response.statusCode;
    const route = routeOf(request, ctx);
    endServerSpan(span, method, route, status, !response.writableFinished);
    const record: ServerRequestRecord = { context: ctx, method, route, status, durationSeconds: Number(process.hrtime.bigint() - startNs) / 1e9 };
    for (const listener of options.listeners) listener(record);
  });
  return ctx;
}

function routeOf(request: IncomingMessage, ctx: Context): string {
  // The Express instrumentation, when switched on, reports the matched route here.
  return getRPCMetadata(ctx)?.route || templateOf(request);
}
