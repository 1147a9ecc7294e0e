// Secrets in URL query strings (?token=…, ?api_key=…) are censored in span attributes: the
// agent's fetch spans censor their own url.full, and a span processor (traces/span-processors.ts)
// the URLs other instrumentations record.
import { safeDecode } from '../shared/decode.ts';
import { CENSOR } from './log-fields.ts';

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
