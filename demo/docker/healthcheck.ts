// The containers' healthcheck: GET /healthz on the service's own port. Run with NODE_OPTIONS
// unset, so the probe does not start an agent of its own beside the service's.
const port = process.env.PORT ?? '8080';

try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
  process.exitCode = response.ok ? 0 : 1;
} catch {
  process.exitCode = 1;
}
