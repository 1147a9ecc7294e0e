// Span processors that only look at spans as they start: `correlation.id` on every span, so a
// trace search by correlation ID finds all spans of a request, not only the server span.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { correlationIdOf } from './context.ts';

export const CORRELATION_ATTRIBUTE = 'correlation.id';

/** A processor that acts in onStart only; the rest of the interface is a no-op. */
export abstract class OnStartSpanProcessor implements SpanProcessor {
  abstract onStart(span: Span, parentContext: Context): void;

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export class CorrelationSpanProcessor extends OnStartSpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const id = correlationIdOf(parentContext);
    if (id !== undefined) span.setAttribute(CORRELATION_ATTRIBUTE, id);
  }
}
