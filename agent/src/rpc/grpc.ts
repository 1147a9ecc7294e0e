// gRPC (@grpc/grpc-js), server and client, patched when the app loads the library (never
// before: an app without gRPC pays only for this module's registration).
// The agent's own rather than @opentelemetry/instrumentation-grpc: that one is built on its own
// copy of @opentelemetry/instrumentation (0.300, a second require hook and shimmer in every
// process) and hands nothing out when a call ends, so metrics and the access line would need a
// second patch of the same methods anyway.
// - Server: each registered handler runs in the call's context (the caller's trace and its
//   correlation ID from metadata, validated by the same propagator as the HTTP header) with a
//   SERVER span. The call ends where grpc-js sends its status (whatever the handler type: a
//   callback, a stream's end or error, a throw), or on cancel.
// - Client: the four request methods every generated client calls get a CLIENT span, the trace
//   and correlation ID in a copy of the call's metadata, and the end at the call's `status` event.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { REQUEST_ROOT } from '../context/request-context.ts';
import { lazyTracer } from '../traces/lazy-tracer.ts';
import { CANCELLED, isErrorCode, parseRpcPath, statusCode, type RpcCallListener, type RpcSide } from './call.ts';

/** The parts of grpc-js's Metadata the agent uses. */
interface Metadata {
  get(key: string): Array<string | Buffer>;
  set(key: string, value: string): void;
  clone(): Metadata;
}
type MetadataClass = new () => Metadata;

/** A handler's call object (every handler type's): its metadata and the call that sends the status. */
interface ServerCall {
  metadata?: Metadata;
  call?: { sendStatus?: (status: { code?: unknown }) => void };
  once(event: 'cancelled', listener: () => void): unknown;
}
type Handler = (this: unknown, call: ServerCall, ...rest: unknown[]) => unknown;
type Register = (this: unknown, name: string, handler: Handler, ...rest: unknown[]) => boolean;

interface ClientCall {
  once(event: 'status', listener: (status: { code?: unknown }) => void): unknown;
}
type Request = (this: unknown, method: string, ...rest: unknown[]) => ClientCall;

interface GrpcModule {
  Metadata: MetadataClass;
  Server: { prototype: { register: Register } };
}

/** build/src/client.js: generated clients copy its request methods when make-client.js loads. */
interface ClientModule {
  Client: { prototype: Record<ClientMethod, Request> };
}

/** Each request method, with the position its optional metadata takes among its arguments. */
const CLIENT_METHODS = {
  makeUnaryRequest: 4,
  makeServerStreamRequest: 4,
  makeClientStreamRequest: 3,
  makeBidiStreamRequest: 3,
} as const;
type ClientMethod = keyof typeof CLIENT_METHODS;

/** grpc-js 1.10 moved every handler onto the intercepting call whose sendStatus is wrapped here. */
export const SUPPORTED_GRPC_VERSIONS = ['>=1.10.0 <2'];

const tracer = lazyTracer('@threadline/agent/grpc');

const metadataGetter: TextMapGetter<Metadata> = {
  get: (metadata, key) => metadata.get(key).map((value) => (typeof value === 'string' ? value : value.toString('latin1'))),
  // The propagators read known keys only.
  keys: () => [],
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (metadata, key, value) => metadata.set(key, value),
};

export class GrpcInstrumentation extends InstrumentationBase {
  readonly #onCall: RpcCallListener;
  /** grpc-js's Metadata class, known once its main module has loaded (before any call). */
  #Metadata: MetadataClass | undefined;

  constructor(onCall: RpcCallListener) {
    super('@threadline/agent/grpc', '1.0.0', {});
    this.#onCall = onCall;
  }

  protected init(): InstrumentationNodeModuleDefinition {
    // The client's methods are patched in their own file, before make-client.js reads them.
    const clientFile = new InstrumentationNodeModuleFile(
      '@grpc/grpc-js/build/src/client.js',
      SUPPORTED_GRPC_VERSIONS,
      (exports: ClientModule) => {
        for (const name of Object.keys(CLIENT_METHODS) as ClientMethod[]) {
          this._wrap(exports.Client.prototype, name, (original) => this.#wrapRequest(original, CLIENT_METHODS[name]));
        }
        return exports;
      },
      (exports: ClientModule) => {
        for (const name of Object.keys(CLIENT_METHODS) as ClientMethod[]) this._unwrap(exports.Client.prototype, name);
      },
    );
    return new InstrumentationNodeModuleDefinition(
      '@grpc/grpc-js',
      SUPPORTED_GRPC_VERSIONS,
      (exports: GrpcModule) => {
        this.#Metadata = exports.Metadata;
        this._wrap(exports.Server.prototype, 'register', (original) => this.#wrapRegister(original));
        return exports;
      },
      (exports: GrpcModule) => {
        this._unwrap(exports.Server.prototype, 'register');
      },
      [clientFile],
    );
  }

  #wrapRegister(original: Register): Register {
    const onCall = this.#onCall;
    return function register(this: unknown, name, handler, ...rest) {
      if (typeof handler !== 'function') return original.call(this, name, handler, ...rest);
      const { service, method } = parseRpcPath(name);
      const traced: Handler = function (this: unknown, call, ...args) {
        const sendStatus = call.call?.sendStatus;
        // A call object of another shape (a grpc-js outside the supported range): left untraced.
        if (call.metadata === undefined || call.call === undefined || typeof sendStatus !== 'function') return handler.call(this, call, ...args);
        const parent = propagation.extract(REQUEST_ROOT, call.metadata, metadataGetter);
        const ctx = startCall('server', service, method, parent, onCall);
        const inner = call.call;
        inner.sendStatus = function (status) {
          ctx.end(statusCode(status.code));
          return sendStatus.call(this, status);
        };
        call.once('cancelled', () => ctx.end(CANCELLED));
        // A client- or bidi-streaming call's messages arrive as events of the HTTP/2 stream:
        // its listeners are bound so that they, too, run in the call's context.
        if (typeof (call as { read?: unknown }).read === 'function') context.bind(ctx.context, call);
        return context.with(ctx.context, handler, this, call, ...args);
      };
      return original.call(this, name, traced, ...rest);
    };
  }

  #wrapRequest(original: Request, metadataAt: number): Request {
    const onCall = this.#onCall;
    const metadataClass = (): MetadataClass | undefined => this.#Metadata;
    return function request(this: unknown, path, ...rest) {
      const active = context.active();
      const MetadataType = metadataClass();
      if (MetadataType === undefined || isTracingSuppressed(active)) return original.call(this, path, ...rest);
      const { service, method } = parseRpcPath(path);
      const ctx = startCall('client', service, method, active, onCall);
      // The caller's metadata is copied rather than written to: apps reuse one for many calls.
      const index = metadataAt - 1;
      const given = rest[index];
      const metadata = given instanceof MetadataType ? given.clone() : new MetadataType();
      if (given instanceof MetadataType) rest[index] = metadata;
      else rest.splice(index, 0, metadata);
      propagation.inject(ctx.context, metadata, metadataSetter);
      let call: ClientCall;
      try {
        call = original.call(this, path, ...rest);
      } catch (error) {
        ctx.end(statusCode(undefined));
        throw error;
      }
      call.once('status', (status) => ctx.end(statusCode(status.code)));
      return call;
    };
  }
}

interface StartedCall {
  readonly context: Context;
  /** Ends the span and reports the call; later calls are ignored. */
  end(code: number): void;
}

function startCall(side: RpcSide, service: string, method: string, parent: Context, onCall: RpcCallListener): StartedCall {
  const startNs = process.hrtime.bigint();
  const span: Span = tracer().startSpan(`${service}/${method}`, { kind: side === 'server' ? SpanKind.SERVER : SpanKind.CLIENT }, parent);
  if (span.isRecording()) {
    span.setAttribute('rpc.system', 'grpc');
    span.setAttribute('rpc.service', service);
    span.setAttribute('rpc.method', method);
  }
  const ctx = trace.setSpan(parent, span);
  let ended = false;
  return {
    context: ctx,
    end(code) {
      if (ended) return;
      ended = true;
      span.setAttribute('rpc.grpc.status_code', code);
      if (isErrorCode(side, code)) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      onCall({ context: ctx, side, service, method, code, durationSeconds: Number(process.hrtime.bigint() - startNs) / 1e9 });
    },
  };
}
