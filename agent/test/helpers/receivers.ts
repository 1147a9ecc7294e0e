// Stand-ins for the OpenTelemetry collector and Loki that decode what the agent really sends:
// OTLP/HTTP protobuf (with the code generated from the official opentelemetry-proto definitions)
// or JSON, and the Loki push API's snappy-framed protobuf body.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { decodeLokiPush, type LokiEntry } from './loki-push.ts';

export type { LokiEntry } from './loki-push.ts';

const require = createRequire(import.meta.url);
interface ProtoRoot {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoType; ExportTraceServiceResponse: ProtoType } } } } };
}
interface ProtoType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
  create(properties: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}
const root = require('@opentelemetry/otlp-proto-exporter-base/build/src/generated/root.js') as ProtoRoot;
/** Message types generated from opentelemetry-proto, for tests that encode or decode by hand. */
export const traceService = root.opentelemetry.proto.collector.trace.v1;
const ExportTraceServiceRequest = traceService.ExportTraceServiceRequest;

/** ok: 200; fail: 503, retryable; reject: 400, never to be retried; stall: no answer at all. */
export type Mode = 'ok' | 'fail' | 'reject' | 'stall';

/** PEM files for a receiver that speaks https. */
export interface TlsFiles {
  readonly key: string;
  readonly cert: string;
}

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  /** 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly resource: Readonly<Record<string, unknown>>;
}

export interface Receiver<T> {
  readonly url: string;
  readonly items: T[];
  /** Requests seen, whatever their outcome. */
  readonly requests: number;
  mode: Mode;
  /** Resolves once `predicate` holds for the items received so far. */
  waitFor(predicate: (items: readonly T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function startReceiver<T>(path: string, decode: (body: Buffer, contentType: string) => T[], tls?: TlsFiles): Promise<Receiver<T>> {
  const items: T[] = [];
  const waiters = new Set<() => void>();
  const state = { mode: 'ok' as Mode, requests: 0 };
  const handle: RequestListener = (request, response) => {
    state.requests += 1;
    if (state.mode === 'stall') return; // never answers: the client must time out
    if (state.mode === 'fail') {
      response.writeHead(503).end('unavailable');
      return;
    }
    if (state.mode === 'reject') {
      response.writeHead(400).end('bad request');
      return;
    }
    if (request.method !== 'POST' || request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    readBody(request)
      .then((body) => {
        items.push(...decode(body, request.headers['content-type'] ?? ''));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        for (const wake of waiters) wake();
      })
      .catch(() => response.writeHead(400).end());
  };
  const server: Server =
    tls === undefined ? createServer(handle) : createTlsServer({ key: readFileSync(tls.key), cert: readFileSync(tls.cert) }, handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    items,
    get requests() {
      return state.requests;
    },
    get mode() {
      return state.mode;
    },
    set mode(mode: Mode) {
      state.mode = mode;
    },
    waitFor(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate(items)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(items);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver ${path}: condition not met within ${timeoutMs} ms; got ${items.length} items`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export function startOtlpReceiver(): Promise<Receiver<ReceivedSpan>> {
  return startReceiver('/v1/traces', (body, contentType) => {
    const request = contentType.includes('json')
      ? (JSON.parse(body.toString('utf8')) as OtlpRequest)
      : (ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), {
          longs: String,
          bytes: String,
          defaults: false,
        }) as OtlpRequest);
    return flattenSpans(request, contentType.includes('json') ? 'hex' : 'base64');
  });
}

export function startLokiReceiver(tls?: TlsFiles): Promise<Receiver<LokiEntry>> {
  return startReceiver(
    '/loki/api/v1/push',
    (body, contentType) => {
      if (contentType !== 'application/x-protobuf') throw new Error(`unexpected content-type ${contentType}`);
      return decodeLokiPush(body);
    },
    tls,
  );
}

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}
interface OtlpRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        status?: { code?: number };
        attributes?: OtlpAttribute[];
      }>;
    }>;
  }>;
}

function flattenSpans(request: OtlpRequest, idEncoding: 'hex' | 'base64'): ReceivedSpan[] {
  const id = (value: string | undefined): string =>
    value === undefined || value === '' ? '' : idEncoding === 'hex' ? value : Buffer.from(value, 'base64').toString('hex');
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: id(span.traceId),
        spanId: id(span.spanId),
        parentSpanId: id(span.parentSpanId),
        name: span.name,
        kind: span.kind,
        statusCode: span.status?.code ?? 0,
        attributes: attributesOf(span.attributes),
        resource,
      })),
    );
  });
}

function attributesOf(attributes: OtlpAttribute[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) {
    const [type, raw] = Object.entries(value)[0] ?? [];
    // 64-bit integers arrive as strings from both encodings.
    result[key] = type === 'intValue' ? Number(raw) : raw;
  }
  return result;
}
