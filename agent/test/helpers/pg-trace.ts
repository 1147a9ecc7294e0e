// The check both the CommonJS and the ES module fixtures pass: GET /pg runs one query, and its
// CLIENT span sits in the request's trace with the request's correlation ID.
import assert from 'node:assert/strict';
import type { AppProcess } from './app-process.ts';
import type { ReceivedSpan, Receiver } from './receivers.ts';

export async function assertPgQueryTraced(app: AppProcess, otlp: Receiver<ReceivedSpan>, correlationId: string): Promise<void> {
  const response = await fetch(`${app.url}/pg`, { headers: { 'x-correlation-id': correlationId } });
  assert.deepEqual(await response.json(), { answer: 42 });
  const access = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === correlationId);
  const isQuery = (s: ReceivedSpan): boolean => s.traceId === access.trace_id && s.kind === 3 && /pg|select|postgres/i.test(s.name);
  const spans = await otlp.waitFor((items) => items.some(isQuery));
  const query = spans.find(isQuery);
  assert.ok(query, `a postgres CLIENT span; got ${spans.filter((s) => s.traceId === access.trace_id).map((s) => s.name).join(', ')}`);
  assert.equal(query.attributes['correlation.id'], correlationId);
}
