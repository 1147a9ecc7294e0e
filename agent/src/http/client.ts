// Outgoing HTTP through the clients' diagnostics channels. Both clients are timed here (to the
// response headers, alike). fetch/undici is also traced here: one CLIENT span per request and
// the trace and correlation headers injected into it. OpenTelemetry's undici instrumentation
// does the same with a URL parse, a header scan and three hook wrappers per request, a fifth
// channel, and the same channels subscribed twice (docs/performance.md has what it cost).
// node:http client spans stay with OpenTelemetry's instrumentation.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type TextMapSetter } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { httpMethod } from './method.ts';
import { lazyTracer } from '../traces/lazy-tracer.ts';
import { redactUrl } from '../redaction/url.ts';
import { BoundedCache } from '../shared/bounded-cache.ts';

/** One outgoing request, timed; handed the request's context, as the server path does. */
export interface ClientRequestRecord {
  /** The context the request ran in: its client span's for fetch, the caller's for node:http. */
  readonly context: Context;
  readonly method: string;
  readonly serverAddress: string;
  /** The response status, or `error` when no response came. */
  readonly status: string;
  readonly durationSeconds: number;
}

export type ClientRequestListener = (record: ClientRequestRecord) => void;

const tracer = lazyTracer('@threadline/agent/http-client');

interface Pending {
  readonly startNs: bigint;
  readonly method: string;
  readonly serverAddress: string;
  /** The context the request runs in: its client span's for fetch, the caller's for node:http. */
  readonly ctx: Context;
  readonly span: Span | undefined;
  /** Set once the duration has been recorded (at the response headers, or on error). */
  timed: boolean;
}

/** Keyed by the request object of either client; a WeakMap so abandoned requests cost nothing. */
const pending = new WeakMap<object, Pending>();

/** undici's request as its diagnostics channels publish it (undici ≥ 5 and Node's bundled copy). */
interface UndiciRequest {
  method?: string;
  origin?: string | URL;
  path?: string;
  headers?: string | unknown[];
  addHeader?: (name: string, value: string) => unknown;
}

interface UndiciError {
  name?: string;
  code?: string;
  message?: string;
}

export function observeHttpClients(listener: ClientRequestListener): () => void {
  const start = (request: object, method: string, serverAddress: string, ctx: Context, span: Span | undefined): void => {
    pending.set(request, { startNs: process.hrtime.bigint(), method, serverAddress, ctx, span, timed: false });
  };
  const time = (entry: Pending, status: string): void => {
    if (entry.timed) return;
    entry.timed = true;
    listener({
      context: entry.ctx,
      method: entry.method,
      serverAddress: entry.serverAddress,
      status,
      durationSeconds: Number(process.hrtime.bigint() - entry.startNs) / 1e9,
    });
  };

  const subscriptions: Array<[string, (message: unknown) => void]> = [
    ['http.client.request.start', (message) => {
      const { request } = message as { request: ClientRequest };
      const ctx = context.active();
      // The agent's own exports run with tracing suppressed; they are not the app's traffic.
      if (isTracingSuppressed(ctx)) return;
      start(request, httpMethod(request.method), String(request.getHeader('host') ?? request.host), ctx, undefined);
    }],
    ['http.client.response.finish', (message) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      finishHttp(request, String(response.statusCode ?? 'error'));
    }],
    ['http.client.request.error', (message) => {
      finishHttp((message as { request: ClientRequest }).request, 'error');
    }],
    ['undici:request:create', (message) => {
      startUndici((message as { request: UndiciRequest }).request);
    }],
    ['undici:request:headers', (message) => {
      const { request, response } = message as { request: object; response: { statusCode: number } };
      const entry = pending.get(request);
      if (entry === undefined) return;
      const status = response.statusCode;
      if (entry.span !== undefined) {
        entry.span.setAttribute('http.response.status_code', status);
        if (status >= 400) {
          entry.span.setAttribute('error.type', String(status));
          entry.span.setStatus({ code: SpanStatusCode.ERROR });
        }
      }
      time(entry, String(status));
    }],
    ['undici:request:trailers', (message) => {
      const { request } = message as { request: object };
      pending.get(request)?.span?.end();
      pending.delete(request);
    }],
    ['undici:request:error', (message) => {
      const { request, error } = message as { request: object; error: UndiciError };
      const entry = pending.get(request);
      if (entry === undefined) return;
      pending.delete(request);
      endWithError(entry.span, error);
      time(entry, 'error');
    }],
  ];

  function finishHttp(request: object, status: string): void {
    const entry = pending.get(request);
    if (entry === undefined) return;
    pending.delete(request);
    time(entry, status);
  }

  function startUndici(request: UndiciRequest): void {
    const ctx = context.active();
    if (isTracingSuppressed(ctx) || request.method === 'CONNECT') return;
    const method = httpMethod(request.method);
    const origin = parseOrigin(request.origin);
    const span = tracer().startSpan(method === '_OTHER' ? 'HTTP' : method, { kind: SpanKind.CLIENT }, ctx);
    if (span.isRecording()) {
      span.setAttribute('http.request.method', method);
      if (method === '_OTHER' && request.method !== undefined) span.setAttribute('http.request.method_original', request.method);
      span.setAttribute('url.full', redactUrl(`${origin.base}${request.path ?? '/'}`));
      span.setAttribute('server.address', origin.hostname);
      span.setAttribute('server.port', origin.port);
    }
    const spanCtx = trace.setSpan(ctx, span);
    // Even a non-recording span passes the caller's trace and correlation ID on.
    propagation.inject(spanCtx, request, undiciHeaderSetter);
    start(request, method, origin.host, spanCtx, span);
  }

  for (const [name, handler] of subscriptions) diagnosticsChannel.subscribe(name, handler);
  return () => {
    for (const [name, handler] of subscriptions) diagnosticsChannel.unsubscribe(name, handler);
  };
}

/** Aborts are the caller's choice, not a failure of the call. */
function endWithError(span: Span | undefined, error: UndiciError): void {
  if (span === undefined) return;
  if (error.name !== 'AbortError') {
    span.setAttribute('error.type', error.code ?? error.name ?? 'Error');
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
  span.end();
}

const undiciHeaderSetter: TextMapSetter<UndiciRequest> = {
  set(request, name, value) {
    if (typeof request.addHeader === 'function') request.addHeader(name, value);
    else if (Array.isArray(request.headers)) request.headers.push(name, value);
    else if (typeof request.headers === 'string') request.headers += `${name}: ${value}\r\n`;
  },
};

interface Origin {
  /** scheme://host[:port], no trailing slash: the part url.full starts with. */
  readonly base: string;
  /** host[:port], the `server_address` metric label. */
  readonly host: string;
  readonly hostname: string;
  readonly port: number;
}

const UNKNOWN_ORIGIN: Origin = { base: '', host: 'unknown', hostname: 'unknown', port: 0 };
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };
/** A service calls a handful of origins, each thousands of times: parse each once. */
const origins = new BoundedCache<Origin>(256);

function parseOrigin(raw: string | URL | undefined): Origin {
  if (raw === undefined) return UNKNOWN_ORIGIN;
  const key = String(raw);
  const cached = origins.get(key);
  if (cached !== undefined) return cached;
  let origin: Origin;
  try {
    const url = new URL(key);
    origin = {
      base: `${url.protocol}//${url.host}`,
      host: url.host,
      hostname: url.hostname,
      port: url.port === '' ? (DEFAULT_PORTS[url.protocol] ?? 0) : Number(url.port),
    };
  } catch {
    origin = UNKNOWN_ORIGIN;
  }
  return origins.set(key, origin);
}
