// Which log fields are censored. Keys are matched at any depth up to four levels, which covers
// `req.headers.authorization` and the like without the cost of a recursive scan per line.
export const DEFAULT_REDACT_KEYS = ['authorization', 'cookie', 'set-cookie', 'password', 'token', 'secret'] as const;
export const CENSOR = '[REDACTED]';
const DEPTH = 4;

/** `*.*.key`, or `*.*["set-cookie"]` for keys that are not identifiers. */
function pathAt(depth: number, key: string): string {
  const wildcards = Array.from({ length: depth }, () => '*');
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return [...wildcards, key].join('.');
  return `${wildcards.join('.')}[${JSON.stringify(key)}]`;
}

/** pino redact paths: the built-in keys at every depth, plus the user's own paths as given. */
export function redactPaths(extraPaths: readonly string[]): string[] {
  const paths: string[] = [];
  for (const key of DEFAULT_REDACT_KEYS) {
    for (let depth = 0; depth < DEPTH; depth++) {
      paths.push(pathAt(depth, key));
    }
  }
  return [...paths, ...extraPaths];
}
