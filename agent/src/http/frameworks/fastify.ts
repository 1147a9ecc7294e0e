// Fastify 5 (and NestJS on its Fastify adapter, which registers each route with Fastify under
// its full path). Fastify announces every instance it creates on the `fastify.initialization`
// diagnostics channel, before any plugin or route is registered; the agent adds one root
// `onRequest` hook there, which Fastify runs for every request, its 404s included, and in every
// plugin, prefixed or not. The `fastify.request.handler` tracing channel was the other candidate:
// it fires only once a request reaches its handler, so a request stopped by a hook (a 401) or by
// schema validation (a 400) would not be seen, and it never fires for 404s.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { reportRoute, UNMATCHED_ROUTE } from '../route.ts';

/** The parts of Fastify's public API used here. */
interface FastifyRequest {
  readonly raw: IncomingMessage;
  readonly is404: boolean;
  readonly routeOptions: { readonly url?: string };
}
interface FastifyInstance {
  addHook(name: 'onRequest', hook: (request: FastifyRequest, reply: unknown, done: () => void) => void): unknown;
}

const INITIALIZATION = 'fastify.initialization';

function routeHook(request: FastifyRequest, _reply: unknown, done: () => void): void {
  // Read when the response closes, not now: only then is the template needed.
  reportRoute(request.raw, () => (request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE)));
  done();
}

function onInitialization(message: unknown): void {
  const fastify = (message as { fastify?: FastifyInstance }).fastify;
  // A subscriber's exception would surface as an uncaught one in the app: the app comes first.
  try {
    fastify?.addHook('onRequest', routeHook);
  } catch {
    // Its requests are labelled `untemplated`.
  }
}

/** Costs nothing until Fastify is loaded: a channel with a subscriber and no publisher. */
export function observeFastify(): () => void {
  diagnosticsChannel.subscribe(INITIALIZATION, onInitialization);
  return () => diagnosticsChannel.unsubscribe(INITIALIZATION, onInitialization);
}
