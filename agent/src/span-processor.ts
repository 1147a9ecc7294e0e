// Puts the correlation ID on every span as `correlation.id`, so a trace search by correlation
// ID finds all spans of a request, not only the server span.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { correlationIdOf } from './context.ts';

export const CORRELATION_ATTRIBUTE = 'correlation.id';

export class CorrelationSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const id = correlationIdOf(parentContext);
    if (id !== undefined) span.setAttribute(CORRELATION_ATTRIBUTE, id);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
