// Span processors that only look at spans as they start: `correlation.id` on every span, so a
// trace search by correlation ID finds all spans of a request, not only the server span; and
// secrets censored in URL attributes, since OpenTelemetry's HTTP client instrumentation records
// the URL as it is, but for a few cloud signature parameters.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { correlationIdOf } from '../context/correlation.ts';
import { redactQueryString, redactUrl } from '../redaction/url.ts';

const URL_ATTRIBUTES = ['url.full', 'url.query', 'http.url', 'http.target'];

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

export class UrlRedactingSpanProcessor extends OnStartSpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    const attributes = (span as unknown as ReadableSpan).attributes;
    for (const key of URL_ATTRIBUTES) {
      const value = attributes[key];
      if (typeof value !== 'string') continue;
      // url.query may come with or without its `?`.
      const redacted = key === 'url.query' && !value.startsWith('?') ? redactQueryString(value) : redactUrl(value);
      if (redacted !== value) span.setAttribute(key, redacted);
    }
  }
}
