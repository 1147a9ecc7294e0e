// Inbound HTTP, observed through node:http's diagnostics channels rather than by patching, so it
// works the same for every framework and whether or not tracing is on.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, ROOT_CONTEXT, type Context, type Span } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { setCorrelationId } from './context.ts';
import { resolveCorrelationId } from './propagation.ts';
import { httpMethod } from './http-method.ts';

export const UNMATCHED_ROUTE = 'unmatched';

/** One finished inbound request; listeners run inside the request's context. */
export interface ServerRequestRecord {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly durationSeconds: number;
}

export type ServerRequestListener = (record: ServerRequestRecord) => void;

interface RequestState {
  readonly startNs: bigint;
  readonly correlationId: string;
  ctx: Context | undefined;
}

interface StartMessage {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

const STATE = Symbol('threadline.request');
type TrackedRequest = IncomingMessage & { [STATE]?: RequestState };

/** Servers whose requests are not the app's (the agent's own /metrics endpoint). */
export const ignoredServers = new WeakSet<object>();

export function isIgnoredRequest(request: IncomingMessage): boolean {
  const server = (request.socket as { server?: object } | undefined)?.server;
  return server !== undefined && ignoredServers.has(server);
}

export interface HttpServerOptions {
  readonly correlationHeader: string;
  readonly onInvalidCorrelationId: () => void;
  readonly listeners: readonly ServerRequestListener[];
}

/**
 * Normalises the correlation header before anything reads it (so the propagator, the app and
 * the logs only ever see a valid ID), echoes it on the response, and reports each finished
 * request to the listeners.
 */
export function observeHttpServer(options: HttpServerOptions): () => void {
  const { correlationHeader, onInvalidCorrelationId, listeners } = options;
  const onStart = (message: unknown): void => {
    const { request, response, server } = message as StartMessage;
    if (ignoredServers.has(server)) return;
    const resolved = resolveCorrelationId(correlationHeader, (name) => request.headers[name]);
    if (resolved.invalid) onInvalidCorrelationId();
    request.headers[correlationHeader] = resolved.id;
    if (!response.headersSent) response.setHeader(correlationHeader, resolved.id);
    (request as TrackedRequest)[STATE] = {
      startNs: process.hrtime.bigint(),
      correlationId: resolved.id,
      ctx: undefined,
    };
  };
  const onFinish = (message: unknown): void => {
    const { request, response } = message as StartMessage;
    const state = (request as TrackedRequest)[STATE];
    if (state === undefined) return;
    const record: ServerRequestRecord = {
      method: httpMethod(request.method),
      route: routeOf(request, state.ctx),
      status: response.statusCode,
      durationSeconds: Number(process.hrtime.bigint() - state.startNs) / 1e9,
    };
    const ctx = state.ctx ?? setCorrelationId(ROOT_CONTEXT, state.correlationId);
    context.with(ctx, () => {
      for (const listener of listeners) listener(record);
    });
  };
  diagnosticsChannel.subscribe('http.server.request.start', onStart);
  diagnosticsChannel.subscribe('http.server.response.finish', onFinish);
  return () => {
    diagnosticsChannel.unsubscribe('http.server.request.start', onStart);
    diagnosticsChannel.unsubscribe('http.server.response.finish', onFinish);
  };
}

/**
 * Called by the HTTP instrumentation once the server span exists: remembers the request's
 * context so the finish record (access log, exemplar) carries the right trace.
 */
export function rememberRequestContext(_span: Span, request: unknown): void {
  const state = (request as TrackedRequest)[STATE];
  if (state !== undefined) state.ctx = context.active();
}

interface ExpressRequest {
  route?: { path?: unknown };
  baseUrl?: unknown;
}

function routeOf(request: IncomingMessage, ctx: Context | undefined): string {
  const fromInstrumentation = ctx === undefined ? undefined : getRPCMetadata(ctx)?.route;
  if (fromInstrumentation) return fromInstrumentation;
  // Express without its instrumentation (tracing off for express): the matched layer's template.
  const { route, baseUrl } = request as IncomingMessage & ExpressRequest;
  if (route !== undefined && typeof route.path === 'string') {
    return `${typeof baseUrl === 'string' ? baseUrl : ''}${route.path}`;
  }
  return UNMATCHED_ROUTE;
}
