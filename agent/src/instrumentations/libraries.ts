// The libraries the agent traces. A fixed list, not the auto-instrumentations bundle: loading
// dozens of unused instrumentations costs start-up time and memory in every service, and fs,
// dns and net spans are noise. The ones many services never use are created on the first
// require of their library (first-require.ts); ES module apps, whose imports that hook does not
// see, get them all at start-up.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { messagingHooks, type MessageListener } from '../messaging/consume-timing.ts';
import type { ClientRequestListener } from '../http/client.ts';
import { Http2ClientInstrumentation } from '../http/http2-client.ts';
import type { RpcCallListener } from '../rpc/call.ts';
import { GrpcInstrumentation } from '../rpc/grpc.ts';
import { NatsInstrumentation } from '../messaging/nats.ts';
import { onFirstRequire } from './first-require.ts';
import { observeFastify } from '../http/frameworks/fastify.ts';
import { honoRoutes } from '../http/frameworks/hono.ts';
import { koaRoutes } from '../http/frameworks/koa.ts';

export interface InstrumentOptions {
  readonly onMessage: MessageListener;
  /** Each outgoing HTTP/2 request (node:http2's client), timed to its response headers. */
  readonly onHttp2Request: ClientRequestListener;
  /** Each finished gRPC call, server or client. */
  readonly onRpcCall: RpcCallListener;
  /** A span per Express middleware and handler, on top of the server span. */
  readonly expressLayerSpans: boolean;
  /** Create every instrumentation now (ES module apps) rather than on its library's first require. */
  readonly eager: boolean;
  readonly onError: (library: string, error: unknown) => void;
}

/** Loaded only when asked for: most services never pay for it. */
function expressInstrumentation(): Instrumentation {
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  return new ExpressInstrumentation();
}

function mysql2Instrumentation(): Instrumentation {
  const { MySQL2Instrumentation } = require('@opentelemetry/instrumentation-mysql2') as typeof import('@opentelemetry/instrumentation-mysql2');
  // Unmasked, the statement is recorded with its parameter values formatted into it. Masked, the
  // SQL is recorded as written, with `?` placeholders left as they are and literal numbers and
  // strings replaced by `?`.
  return new MySQL2Instrumentation({ maskStatement: true });
}

function redisInstrumentation(): Instrumentation {
  const { RedisInstrumentation } = require('@opentelemetry/instrumentation-redis') as typeof import('@opentelemetry/instrumentation-redis');
  // The default records the arguments of most commands (GET's key, EVAL's script and values):
  // keys and values are data, so only the command name is kept.
  return new RedisInstrumentation({ dbStatementSerializer: (command) => command });
}

export function instrument(options: InstrumentOptions): void {
  // Route templates of frameworks other than Express: each waits for its framework to load.
  observeFastify();
  registerInstrumentations({
    instrumentations: [
      // Outgoing requests only: inbound requests (http-server.ts) and fetch (http-client.ts) are
      // the agent's own.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      ...(options.expressLayerSpans ? [expressInstrumentation()] : []),
      new PgInstrumentation({ requireParentSpan: false }),
      new IORedisInstrumentation(),
      new AmqplibInstrumentation(messagingHooks(options.onMessage)),
      new Http2ClientInstrumentation(options.onHttp2Request),
      new GrpcInstrumentation(options.onRpcCall),
      koaRoutes(),
      honoRoutes(),
    ],
  });
  const lazy: Array<[names: string[], create: () => Instrumentation]> = [
    [['mysql2'], mysql2Instrumentation],
    [['redis', '@redis/client'], redisInstrumentation],
    [['nats'], () => new NatsInstrumentation(options.onMessage)],
  ];
  if (options.eager) {
    registerInstrumentations({ instrumentations: lazy.map(([, create]) => create()) });
    return;
  }
  const triggers = new Map<string, () => void>();
  for (const [names, create] of lazy) {
    const trigger = (): void => {
      registerInstrumentations({ instrumentations: [create()] });
    };
    for (const name of names) triggers.set(name, trigger);
  }
  onFirstRequire(triggers, options.onError);
}
