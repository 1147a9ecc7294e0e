// Outgoing HTTP (node:http/https and fetch/undici) timed through their diagnostics channels.
// Duration runs to the response headers, for both clients alike.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { context, type Context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { httpMethod } from './http-method.ts';

export interface ClientRequestRecord {
  readonly method: string;
  readonly serverAddress: string;
  /** The response status, or `error` when no response came. */
  readonly status: string;
  readonly durationSeconds: number;
}

export type ClientRequestListener = (record: ClientRequestRecord) => void;

interface Pending {
  readonly startNs: bigint;
  readonly method: string;
  readonly serverAddress: string;
  readonly ctx: Context;
}

/** Keyed by the request object of either client; a WeakMap so abandoned requests cost nothing. */
const pending = new WeakMap<object, Pending>();

interface UndiciRequest {
  method?: string;
  origin?: string | URL;
}

export function observeHttpClients(listener: ClientRequestListener): () => void {
  const start = (request: object, method: string | undefined, serverAddress: string): void => {
    const ctx = context.active();
    // The agent's own exports run with tracing suppressed; they are not the app's traffic.
    if (isTracingSuppressed(ctx)) return;
    pending.set(request, { startNs: process.hrtime.bigint(), method: httpMethod(method), serverAddress, ctx });
  };
  const finish = (request: object, status: string): void => {
    const entry = pending.get(request);
    if (entry === undefined) return;
    pending.delete(request);
    const record: ClientRequestRecord = {
      method: entry.method,
      serverAddress: entry.serverAddress,
      status,
      durationSeconds: Number(process.hrtime.bigint() - entry.startNs) / 1e9,
    };
    context.with(entry.ctx, () => listener(record));
  };

  const subscriptions: Array<[string, (message: unknown) => void]> = [
    ['http.client.request.start', (message) => {
      const { request } = message as { request: ClientRequest };
      start(request, request.method, String(request.getHeader('host') ?? request.host));
    }],
    ['http.client.response.finish', (message) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      finish(request, String(response.statusCode ?? 'error'));
    }],
    ['http.client.request.error', (message) => {
      finish((message as { request: ClientRequest }).request, 'error');
    }],
    ['undici:request:create', (message) => {
      const { request } = message as { request: UndiciRequest };
      start(request, request.method, originHost(request.origin));
    }],
    ['undici:request:headers', (message) => {
      const { request, response } = message as { request: object; response: { statusCode: number } };
      finish(request, String(response.statusCode));
    }],
    ['undici:request:error', (message) => {
      finish((message as { request: object }).request, 'error');
    }],
  ];
  for (const [name, handler] of subscriptions) diagnosticsChannel.subscribe(name, handler);
  return () => {
    for (const [name, handler] of subscriptions) diagnosticsChannel.unsubscribe(name, handler);
  };
}

function originHost(origin: string | URL | undefined): string {
  if (origin === undefined) return 'unknown';
  try {
    return new URL(String(origin)).host;
  } catch {
    return 'unknown';
  }
}
