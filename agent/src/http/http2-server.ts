// Inbound HTTP/2 on node:http2 servers, through the 'stream' event every such server emits. The
// compatibility API's 'request' is emitted by node's own 'stream' listener, so one hook covers
// both: handlers of either kind run in the context set here. gRPC's streams are left to the gRPC
// instrumentation (rpc/grpc.ts), which names and measures them as calls.
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { trace, type Context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import { httpMethod } from './method.ts';
import type { HttpServerOptions, ServerRequestRecord } from './server.ts';
import { UNTEMPLATED_ROUTE } from './route.ts';
import { endServerSpan, inboundParent, startServerSpan } from './server-span.ts';

/** NGHTTP2_NO_ERROR: the code of a stream that closed normally. */
const NO_ERROR = 0;

/** Where each respond method takes its headers. */
const RESPOND_HEADERS_AT = { respond: 0, respondWithFD: 1, respondWithFile: 1 } as const;
type Respond = (this: ServerHttp2Stream, ...args: unknown[]) => void;

/** The headers of a stream the agent traces: an HTTP/2 request that is not a gRPC call. */
export function isTracedHttp2Stream(stream: unknown, headers: unknown): headers is IncomingHttpHeaders {
  if (typeof stream !== 'object' || stream === null || typeof (stream as { respond?: unknown }).respond !== 'function') return false;
  if (typeof headers !== 'object' || headers === null) return false;
  const contentType = (headers as IncomingHttpHeaders)['content-type'];
  return typeof (headers as IncomingHttpHeaders)[':method'] === 'string' && !(typeof contentType === 'string' && contentType.startsWith('application/grpc'));
}

export function startHttp2Stream(options: HttpServerOptions, stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Context {
  const startNs = process.hrtime.bigint();
  const { id, parent } = inboundParent(options, headers);
  const method = httpMethod(headers[':method']);
  const span = startServerSpan(method, parent, headers[':path'], headers[':scheme'] === 'https' ? 'https' : 'http');
  // Route reporting as on HTTP/1.1, for a framework that reports its matched route this way.
  const ctx = setRPCMetadata(trace.setSpan(parent, span), { type: RPCType.HTTP, span });
  // The response carries the correlation ID, unless the app set one of its own.
  for (const [name, at] of Object.entries(RESPOND_HEADERS_AT)) {
    const original = (stream as unknown as Record<string, Respond>)[name];
    if (typeof original !== 'function') continue;
    (stream as unknown as Record<string, Respond>)[name] = function (this: ServerHttp2Stream, ...args: unknown[]) {
      args[at] = { [options.correlationHeader]: id, ...(args[at] as OutgoingHttpHeaders | undefined) };
      return original.apply(this, args);
    };
  }
  stream.once('close', () => {
    // A stream reset before the response is sent has none; it ends as an error.
    const status = Number(stream.sentHeaders[':status'] ?? 200);
    // No router reads an HTTP/2 stream: its requests are untemplated unless something reports a route.
    const route = getRPCMetadata(ctx)?.route ?? UNTEMPLATED_ROUTE;
    endServerSpan(span, method, route, status, stream.rstCode !== NO_ERROR);
    const record: ServerRequestRecord = { context: ctx, method, route, status, durationSeconds: Number(process.hrtime.bigint() - startNs) / 1e9 };
    for (const listener of options.listeners) listener(record);
  });
  return ctx;
}
