// Censoring of secrets in log lines. The built-in keys are matched by name at any depth up to
// four, in one pass that copies only what it changes. pino's path-based redaction with
// wildcards walks the object once per path (two dozen here) and cost more than the rest of a
// log line; it is still used for the user's own THREADLINE_LOG_REDACT paths.
export const DEFAULT_REDACT_KEYS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'set-cookie', 'password', 'token', 'secret']);
export const CENSOR = '[REDACTED]';
const MAX_DEPTH = 4;

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Returns `value` itself when nothing in it is sensitive, else a copy with the secrets censored. */
export function censor<T>(value: T, depth = 0): T {
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const censored = censor(item, depth + 1);
      if (censored !== item) (copy ??= value.slice())[i] = censored;
    }
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Json | undefined;
  for (const key in value) {
    const item = value[key];
    const censored = DEFAULT_REDACT_KEYS.has(key.toLowerCase()) ? CENSOR : censor(item, depth + 1);
    if (censored !== item) (copy ??= { ...value })[key] = censored;
  }
  return (copy ?? value) as T;
}
