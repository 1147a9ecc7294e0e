// On loopback, only requests that name a loopback host are served: a web page elsewhere that resolves its
// own name to 127.0.0.1 (DNS rebinding) cannot read the telemetry. Bound elsewhere on purpose, any Host goes.
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether a request's Host header may be served by a server bound to `boundHost`. */
export function hostAllowed(boundHost: string, header: string | undefined): boolean {
  if (!isLoopback(boundHost)) return true;
  if (header === undefined) return false;
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!;
  return isLoopback(name.toLowerCase());
}
