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
import { isIgnoredRequest, rememberRequestContext } from './http-server.ts';
import { messagingHooks, type MessageListener } from './messaging.ts';

export function instrument(onMessage: MessageListener): () => void {
  return registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: isIgnoredRequest,
        requestHook: rememberRequestContext,
      }),
      new ExpressInstrumentation(),
      new UndiciInstrumentation(),
      new PgInstrumentation({ requireParentSpan: false }),
      new IORedisInstrumentation(),
      new AmqplibInstrumentation(messagingHooks(onMessage)),
    ],
  });
}
