// Request methods as metric label values: the known set, everything else `_OTHER` (as the
// OpenTelemetry HTTP conventions say), so a client sending invented methods cannot add series.
const KNOWN = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

export function httpMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  const upper = method.toUpperCase();
  return KNOWN.has(upper) ? upper : '_OTHER';
}
