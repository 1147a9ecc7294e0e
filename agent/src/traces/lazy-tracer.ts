// The agent's own instrumentation is installed before the tracer provider is registered (or
// when none will be), so its tracers are looked up on first use and then kept.
import { trace, type Tracer } from '@opentelemetry/api';

export function lazyTracer(name: string): () => Tracer {
  let cached: Tracer | undefined;
  return () => (cached ??= trace.getTracer(name));
}
