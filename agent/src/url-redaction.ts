// Secrets in URL query strings (?token=…, ?api_key=…) are censored in span attributes. The
// agent's fetch spans censor their own url.full; OpenTelemetry's HTTP client instrumentation
// records the URL as it is, but for a few cloud signature parameters, hence the processor.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace';
import { safeDecode } from './decode.ts';
import { CENSOR } from './redaction.ts';
import { OnStartSpanProcessor } from './span-processor.ts';

const URL_ATTRIBUTES = ['url.full', 'url.query', 'http.url', 'http.target'];
const SECRET_PARAM = /token|passw|secret|key|sig|auth|session|credential|code/i;

/** A query string (no `?`) with the values of secret-looking parameters replaced. */
export function redactQueryString(query: string): string {
  let changed = false;
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq === -1 || !SECRET_PARAM.test(safeDecode(part.slice(0, eq)))) return part;
    changed = true;
    return `${part.slice(0, eq)}=${CENSOR}`;
  });
  return changed ? parts.join('&') : query;
}

/** A URL, or a `?query`, with secret-looking query parameters censored; untouched otherwise. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const hash = url.indexOf('#', start);
  const end = hash === -1 ? url.length : hash;
  return `${url.slice(0, start + 1)}${redactQueryString(url.slice(start + 1, end))}${url.slice(end)}`;
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
