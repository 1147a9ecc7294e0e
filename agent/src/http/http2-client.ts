// Outgoing HTTP/2 through node:http2's client sessions: a CLIENT span per request, the trace and
// correlation ID in its headers, and the time to the response headers in the client histogram,
// as for fetch and node:http (client.ts). node:http2 has no diagnostics channel that lets a
// request's headers be added to in time, so the session's request method is wrapped, on each
// session `connect` makes, when the app loads node:http2. gRPC's own requests are left to the
// gRPC instrumentation (rpc/grpc.ts).
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { lazyTracer } from '../traces/lazy-tracer.ts';
import { redactUrl } from '../redaction/url.ts';
import type { ClientRequestListener } from './client.ts';
import { httpMethod } from './method.ts';

type Connect = (this: unknown, authority: unknown, ...rest: unknown[]) => ClientHttp2Session;
type Request = (this: ClientHttp2Session, headers?: OutgoingHttpHeaders, ...rest: unknown[]) => ClientHttp2Stream;

const tracer = lazyTracer('@threadline/agent/http2-client');

interface SessionOrigin {
  /** scheme://host[:port] */
  readonly base: string;
  /** host[:port], the `server_address` label. */
  readonly host: string;
  readonly hostname: string;
  readonly port: number;
}

function originOf(authority: unknown): SessionOrigin {
  try {
    const url = new URL(String(authority));
    return { base: url.origin, host: url.host, hostname: url.hostname, port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port) };
  } catch {
    return { base: '', host: 'unknown', hostname: 'unknown', port: 0 };
  }
}

function isGrpc(headers: OutgoingHttpHeaders | undefined): boolean {
  const contentType = headers?.['content-type'];
  return typeof contentType === 'string' && contentType.startsWith('application/grpc');
}

export class Http2ClientInstrumentation extends InstrumentationBase {
  readonly #onRequest: ClientRequestListener;

  constructor(onRequest: ClientRequestListener) {
    super('@threadline/agent/http2-client', '1.0.0', {});
    this.#onRequest = onRequest;
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      'http2',
      ['*'],
      (exports: { connect: Connect }) => {
        this._wrap(exports, 'connect', (original) => this.#wrapConnect(original));
        return exports;
      },
      (exports: { connect: Connect }) => {
        this._unwrap(exports, 'connect');
      },
    );
  }

  #wrapConnect(original: Connect): Connect {
    const onRequest = this.#onRequest;
    return function connect(this: unknown, authority, ...rest) {
      const session = original.call(this, authority, ...rest);
      const origin = originOf(authority);
      const request = session.request as Request;
      session.request = function (this: ClientHttp2Session, headers?: OutgoingHttpHeaders, ...args: unknown[]) {
        const active = context.active();
        if (isTracingSuppressed(active) || isGrpc(headers)) return request.call(this, headers, ...args);
        return traceRequest(request, this, origin, active, headers, args, onRequest);
      } as ClientHttp2Session['request'];
      return session;
    };
  }
}

function traceRequest(
  request: Request,
  session: ClientHttp2Session,
  origin: SessionOrigin,
  active: ReturnType<typeof context.active>,
  headers: OutgoingHttpHeaders | undefined,
  args: unknown[],
  onRequest: ClientRequestListener,
): ClientHttp2Stream {
  const startNs = process.hrtime.bigint();
  const rawMethod = headers?.[':method'];
  const method = httpMethod(typeof rawMethod === 'string' ? rawMethod : 'GET');
  const span = tracer().startSpan(method === '_OTHER' ? 'HTTP' : method, { kind: SpanKind.CLIENT }, active);
  if (span.isRecording()) {
    const path = headers?.[':path'];
    span.setAttribute('http.request.method', method);
    span.setAttribute('url.full', redactUrl(`${origin.base}${typeof path === 'string' ? path : '/'}`));
    span.setAttribute('server.address', origin.hostname);
    span.setAttribute('server.port', origin.port);
    span.setAttribute('network.protocol.version', '2');
  }
  const ctx = trace.setSpan(active, span);
  // A copy: the caller's headers object may be reused for other requests.
  const outgoing: OutgoingHttpHeaders = { ...headers };
  propagation.inject(ctx, outgoing);
  const stream = request.call(session, outgoing, ...args);
  let status: string | undefined;
  const time = (result: string): void => {
    status = result;
    onRequest({ context: ctx, method, serverAddress: origin.host, status: result, durationSeconds: Number(process.hrtime.bigint() - startNs) / 1e9 });
  };
  stream.once('response', (response: IncomingHttpHeaders) => {
    const code = Number(response[':status']);
    span.setAttribute('http.response.status_code', code);
    if (code >= 400) {
      span.setAttribute('error.type', String(code));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    time(String(code));
  });
  // 'close' rather than 'error': listening for errors would keep an unhandled one from surfacing.
  stream.once('close', () => {
    if (status === undefined) {
      span.setAttribute('error.type', 'no_response');
      span.setStatus({ code: SpanStatusCode.ERROR });
      time('error');
    }
    span.end();
  });
  return stream;
}
