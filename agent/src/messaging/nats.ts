// NATS (the `nats` client, 2.x): there is no OpenTelemetry instrumentation for it, so this one
// patches the connection's publish, request and subscribe. Publishing injects the trace context
// and the correlation ID into the message's NATS headers; a subscription callback runs inside
// the context extracted from them, in a CONSUMER span, and its time is recorded as
// messaging_process_duration_seconds. Spans follow the messaging semantic conventions.
import {
  context,
  createContextKey,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { REQUEST_ROOT } from '../context/request-context.ts';
import type { MessageListener } from './consume-timing.ts';

/** The parts of the client this file touches, as nats 2.x defines them. */
interface NatsHeaders {
  get(key: string, match?: number): string;
  set(key: string, value: string): void;
}
interface PublishOptions {
  reply?: string;
  headers?: NatsHeaders;
}
interface NatsMsg {
  subject: string;
  headers?: NatsHeaders;
}
type SubscriptionCallback = (error: Error | null, msg: NatsMsg) => unknown;
interface SubscriptionOptions {
  callback?: SubscriptionCallback;
}
interface Connection {
  options?: { inboxPrefix?: string };
  publish(subject: string, data?: unknown, options?: PublishOptions): void;
  request(subject: string, data?: unknown, options?: PublishOptions & { timeout?: number }): Promise<unknown>;
  subscribe(subject: string, options?: SubscriptionOptions): unknown;
}
interface ConnectionModule {
  NatsConnectionImpl: { prototype: Connection };
}
interface Msg {
  respond(data?: unknown, options?: PublishOptions): boolean;
}
interface MsgModule {
  MsgImpl: { prototype: Msg };
}
interface HeadersModule {
  headers: () => NatsHeaders;
}

const SUPPORTED = ['>=2.0.0 <3'];
/** NATS' `Match.IgnoreCase`: other clients may write `Traceparent`. */
const IGNORE_CASE = 2;
/** A reply inbox: one per request, so never a span name or label value of its own. */
const TEMPORARY = '(temporary)';

const setter: TextMapSetter<NatsHeaders> = {
  set: (carrier, key, value) => carrier.set(key, value),
};
const getter: TextMapGetter<NatsHeaders | undefined> = {
  get: (carrier, key) => carrier?.get(key, IGNORE_CASE) || undefined,
  keys: () => [],
};

/** Set while request() runs, so its own publish and reply subscription add no spans. */
const IN_REQUEST = createContextKey('threadline.nats.request');

export class NatsInstrumentation extends InstrumentationBase {
  readonly #onMessage: MessageListener;
  #headers: (() => NatsHeaders) | undefined;

  constructor(onMessage: MessageListener, config: InstrumentationConfig = {}) {
    super('@threadline/instrumentation-nats', '0.1.0', config);
    this.#onMessage = onMessage;
  }

  protected init(): InstrumentationNodeModuleDefinition {
    const base = 'nats/lib/nats-base-client';
    return new InstrumentationNodeModuleDefinition('nats', SUPPORTED, (exports: unknown) => exports, undefined, [
      new InstrumentationNodeModuleFile(`${base}/headers.js`, SUPPORTED, (exports: HeadersModule) => {
        this.#headers = exports.headers;
        return exports;
      }, () => undefined),
      // A reply goes out through the protocol, not the connection's publish.
      new InstrumentationNodeModuleFile(
        `${base}/msg.js`,
        SUPPORTED,
        (exports: MsgModule) => {
          this.#patchRespond(exports.MsgImpl.prototype);
          return exports;
        },
        (exports: MsgModule | undefined) => {
          if (exports !== undefined) this._unwrap(exports.MsgImpl.prototype, 'respond');
        },
      ),
      new InstrumentationNodeModuleFile(
        `${base}/nats.js`,
        SUPPORTED,
        (exports: ConnectionModule) => {
          this.#patch(exports.NatsConnectionImpl.prototype);
          return exports;
        },
        (exports: ConnectionModule | undefined) => {
          if (exports === undefined) return;
          for (const name of ['publish', 'request', 'subscribe'] as const) this._unwrap(exports.NatsConnectionImpl.prototype, name);
        },
      ),
    ]);
  }

  #patch(prototype: Connection): void {
    // The wrappers are functions (they need the connection as `this`); these reach the instrumentation.
    const send = this.#send.bind(this);
    const destinationOf = this.#destination.bind(this);
    const processed = this.#process.bind(this);
    this._wrap(prototype, 'publish', (original) =>
      function publish(this: Connection, subject: string, data?: unknown, options?: PublishOptions): void {
        const active = context.active();
        if (active.getValue(IN_REQUEST) === true) return original.call(this, subject, data, options);
        const { span, headers } = send(active, 'publish', destinationOf(this, subject), options);
        try {
          original.call(this, subject, data, { ...options, headers });
        } catch (error) {
          failed(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
    );
    this._wrap(prototype, 'request', (original) =>
      function request(this: Connection, subject: string, data?: unknown, options?: PublishOptions & { timeout?: number }): Promise<unknown> {
        const active = context.active();
        if (active.getValue(IN_REQUEST) === true) return original.call(this, subject, data, options);
        const { span, headers } = send(active, 'request', destinationOf(this, subject), options);
        // nats' own default, which passing options would otherwise replace.
        const merged = { timeout: 1000, ...options, headers };
        const reply = context.with(active.setValue(IN_REQUEST, true), () => original.call(this, subject, data, merged));
        return reply.then(
          (msg) => {
            span.end();
            return msg;
          },
          (error: unknown) => {
            failed(span, error);
            span.end();
            throw error;
          },
        );
      },
    );
    this._wrap(prototype, 'subscribe', (original) =>
      function subscribe(this: Connection, subject: string, options?: SubscriptionOptions): unknown {
        const callback = options?.callback;
        if (typeof callback !== 'function' || context.active().getValue(IN_REQUEST) === true) {
          return original.call(this, subject, options);
        }
        const destination = destinationOf(this, subject);
        const traced: SubscriptionCallback = (error, msg) => processed(destination, callback, error, msg);
        return original.call(this, subject, { ...options, callback: traced });
      },
    );
  }

  #patchRespond(prototype: Msg): void {
    const send = this.#send.bind(this);
    this._wrap(prototype, 'respond', (original) =>
      function respond(this: Msg, data?: unknown, options?: PublishOptions): boolean {
        const { span, headers } = send(context.active(), 'publish', TEMPORARY, options);
        try {
          return original.call(this, data, { ...options, headers });
        } catch (error) {
          failed(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /** A PRODUCER span and the headers that carry its context (the caller's, if it passed some). */
  #send(parent: Context, operation: string, destination: string, options: PublishOptions | undefined): { span: Span; headers: NatsHeaders | undefined } {
    const span = this.tracer.startSpan(
      `${operation} ${destination}`,
      { kind: SpanKind.PRODUCER, attributes: attributesOf(operation, 'send', destination) },
      parent,
    );
    const headers = options?.headers ?? this.#headers?.();
    if (headers !== undefined) propagation.inject(trace.setSpan(parent, span), headers, setter);
    return { span, headers };
  }

  #process(destination: string, callback: SubscriptionCallback, error: Error | null, msg: NatsMsg): unknown {
    // Errors (a timeout, a closed subscription) carry no message.
    if (error !== null) return callback(error, msg);
    const parent = propagation.extract(REQUEST_ROOT, msg.headers, getter);
    const span = this.tracer.startSpan(
      `process ${destination}`,
      { kind: SpanKind.CONSUMER, attributes: attributesOf('process', 'process', destination) },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    const startNs = process.hrtime.bigint();
    const done = (outcome: 'success' | 'failure'): void => {
      const durationSeconds = Number(process.hrtime.bigint() - startNs) / 1e9;
      // Inside the consumer span, so the exemplar points at this message's trace.
      context.with(ctx, () => this.#onMessage({ destination, outcome, durationSeconds }));
      span.end();
    };
    let result: unknown;
    try {
      result = context.with(ctx, () => callback(error, msg));
    } catch (thrown) {
      failed(span, thrown);
      done('failure');
      throw thrown;
    }
    if (!isThenable(result)) {
      done('success');
      return result;
    }
    return result.then(
      (value: unknown) => {
        done('success');
        return value;
      },
      (rejection: unknown) => {
        failed(span, rejection);
        done('failure');
        throw rejection;
      },
    );
  }

  #destination(connection: Connection, subject: string): string {
    const inbox = connection.options?.inboxPrefix || '_INBOX';
    return subject.startsWith(`${inbox}.`) ? TEMPORARY : subject;
  }
}

function attributesOf(operationName: string, operationType: string, destination: string): Attributes {
  const attributes: Attributes = {
    'messaging.system': 'nats',
    'messaging.operation.name': operationName,
    'messaging.operation.type': operationType,
    'messaging.destination.name': destination,
  };
  if (destination === TEMPORARY) attributes['messaging.destination.temporary'] = true;
  return attributes;
}

function failed(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
