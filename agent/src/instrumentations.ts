// The libraries the agent traces. A fixed list, not the auto-instrumentations bundle: loading
// dozens of unused instrumentations costs start-up time and memory in every service, and fs,
// dns and net spans are noise.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { messagingHooks, type MessageListener } from './messaging.ts';

export interface InstrumentOptions {
  readonly onMessage: MessageListener;
  /** A span per Express middleware and handler, on top of the server span. */
  readonly expressLayerSpans: boolean;
}

export function instrument(options: InstrumentOptions): () => void {
  return registerInstrumentations({
    instrumentations: [
      // Outgoing requests only: inbound requests are the agent's own (http-server.ts).
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      ...(options.expressLayerSpans ? [new ExpressInstrumentation()] : []),
      new UndiciInstrumentation(),
      new PgInstrumentation({ requireParentSpan: false }),
      new IORedisInstrumentation(),
      new AmqplibInstrumentation(messagingHooks(options.onMessage)),
    ],
  });
}
