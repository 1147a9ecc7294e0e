// The correlation ID lives in the OpenTelemetry context, so one AsyncLocalStorage (the context
// manager's) carries trace and correlation together; a second store would double the cost of
// every async hop.
import { randomUUID } from 'node:crypto';
import { context, createContextKey, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

const CORRELATION_KEY = createContextKey('threadline.correlation_id');
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function isValidCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && VALID_ID.test(value);
}

export function newCorrelationId(): string {
  return randomUUID();
}

/** The correlation ID of the current request or message, if there is one. */
export function correlationId(): string | undefined {
  return correlationIdOf(context.active());
}

export function correlationIdOf(ctx: Context): string | undefined {
  return ctx.getValue(CORRELATION_KEY) as string | undefined;
}

export function setCorrelationId(ctx: Context, id: string): Context {
  return ctx.setValue(CORRELATION_KEY, id);
}

/**
 * Runs `fn` with `id` as the correlation ID (for work that starts outside a request: jobs,
 * timers, scripts). An invalid ID is replaced by a new one rather than trusted.
 */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  const valid = isValidCorrelationId(id) ? id : newCorrelationId();
  return context.with(setCorrelationId(context.active(), valid), fn);
}

let installed = false;

/** Registers the AsyncLocalStorage context manager once, whether or not tracing is on. */
export function installContextManager(): void {
  if (installed) return;
  installed = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}
