// The libraries the agent traces. A fixed list, not the auto-instrumentations bundle: loading
// dozens of unused instrumentations costs start-up time and memory in every service, and fs,
// dns and net spans are noise.
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { messagingHooks, type MessageListener } from '../messaging/consume-timing.ts';
import { observeFastify } from '../http/frameworks/fastify.ts';
import { honoRoutes } from '../http/frameworks/hono.ts';
import { koaRoutes } from '../http/frameworks/koa.ts';

export interface InstrumentOptions {
  readonly onMessage: MessageListener;
  /** A span per Express middleware and handler, on top of the server span. */
  readonly expressLayerSpans: boolean;
}

/** Loaded only when asked for: most services never pay for it. */
function expressInstrumentation(): Instrumentation {
  /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  return new ExpressInstrumentation();
}

export function instrument(options: InstrumentOptions): () => void {
  // Route templates of frameworks other than Express: each waits for its framework to load.
  const stopFastify = observeFastify();
  const unregister = registerInstrumentations({
    instrumentations: [
      // Outgoing requests only: inbound requests (http-server.ts) and fetch (http-client.ts) are
      // the agent's own.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      ...(options.expressLayerSpans ? [expressInstrumentation()] : []),
      new PgInstrumentation({ requireParentSpan: false }),
      new IORedisInstrumentation(),
      new AmqplibInstrumentation(messagingHooks(options.onMessage)),
      koaRoutes(),
      honoRoutes(),
    ],
  });
  return () => {
    stopFastify();
    unregister();
  };
}
