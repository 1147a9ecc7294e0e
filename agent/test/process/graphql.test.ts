// graphql-http on Express with graphql-js 17: one span per operation with its type and name,
// the same on the server span and in the access line, a bounded operation-name label, and field
// spans only when asked for.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp, type AppProcess } from '../helpers/app-process.ts';
import { exemplarTraceIds } from '../helpers/metrics-text.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

const SERVER = 2;

async function post(app: AppProcess, query: string, correlationId: string): Promise<unknown> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-correlation-id': correlationId },
    body: JSON.stringify({ query }),
  });
  assert.equal(response.status, 200);
  return response.json();
}

describe('GraphQL over graphql-http', () => {
  let otlp: Receiver<ReceivedSpan>;
  let app: AppProcess;

  before(async () => {
    otlp = await startOtlpReceiver();
    app = await startApp('graphql-app.cjs', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
  });

  after(async () => {
    await app.stop();
    await otlp.close();
  });

  async function traceOf(correlationId: string, spans: number): Promise<{ access: Record<string, unknown>; spans: ReceivedSpan[] }> {
    const access = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === correlationId);
    const all = await otlp.waitFor((items) => items.filter((s) => s.traceId === access.trace_id).length >= spans);
    return { access, spans: all.filter((s) => s.traceId === access.trace_id) };
  }

  it('names the operation on its span, the server span and the access line, with no field spans', async () => {
    assert.deepEqual(await post(app, 'query Greeting { hello later }', 'gql-1'), { data: { hello: 'world', later: 'soon' } });
    const { access, spans } = await traceOf('gql-1', 2);
    assert.equal(access.http_route, '/graphql');
    assert.equal(access.graphql_operation_type, 'query');
    assert.equal(access.graphql_operation_name, 'Greeting');
    const server = spans.find((s) => s.kind === SERVER);
    assert.equal(server?.name, 'POST /graphql');
    assert.equal(server?.attributes['graphql.operation.type'], 'query');
    assert.equal(server?.attributes['graphql.operation.name'], 'Greeting');
    const operation = spans.find((s) => s.name === 'query Greeting');
    assert.ok(operation, spans.map((s) => s.name).join(', '));
    assert.equal(operation.parentSpanId, server?.spanId);
    assert.equal(operation.attributes['correlation.id'], 'gql-1');
    // Give field spans, were there any, the same chance to arrive.
    await post(app, 'mutation Touch { touch }', 'gql-2');
    await traceOf('gql-2', 2);
    assert.deepEqual(otlp.items.filter((s) => s.traceId === access.trace_id).map((s) => s.name).sort(), ['POST /graphql', 'query Greeting']);

    const text = await app.metrics(true);
    assert.match(text, /graphql_server_operation_duration_seconds_count\{[^}]*graphql_operation_type="query",graphql_operation_name="Greeting",outcome="success"\} 1/);
    assert.match(text, /graphql_server_operation_duration_seconds_count\{[^}]*graphql_operation_type="mutation",graphql_operation_name="Touch",outcome="success"\} 1/);
    assert.ok(exemplarTraceIds(text, 'graphql_server_operation_duration_seconds_bucket').includes(String(access.trace_id)));
  });

  it('counts an operation with errors as a failure and an anonymous one as such', async () => {
    const result = (await post(app, '{ broken }', 'gql-3')) as { errors?: unknown[] };
    assert.equal(result.errors?.length, 1);
    const { access, spans } = await traceOf('gql-3', 2);
    assert.equal(access.graphql_operation_type, 'query');
    assert.equal('graphql_operation_name' in access, false);
    const operation = spans.find((s) => s.name === 'query');
    assert.equal(operation?.statusCode, 2);
    assert.match(await app.metrics(), /graphql_server_operation_duration_seconds_count\{[^}]*graphql_operation_name="\(anonymous\)",outcome="failure"\} 1/);
  });

  it('keeps operation names to the first 50 in the metric label', async () => {
    for (let i = 0; i < 60; i++) await post(app, `query Op${i} { hello }`, `gql-many-${i}`);
    const text = await app.metrics();
    const names = new Set([...text.matchAll(/graphql_server_operation_duration_seconds_count\{[^}]*graphql_operation_name="([^"]+)"/g)].map((m) => m[1]));
    assert.ok(names.has('other'), 'names beyond the bound share other');
    assert.ok(names.size <= 51, `${names.size} names`);
    // The access line still names each operation.
    const last = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'gql-many-59');
    assert.equal(last.graphql_operation_name, 'Op59');
  });
});

describe('GraphQL field spans, when asked for', () => {
  it('adds a span per resolved field under the operation span', async () => {
    const otlp = await startOtlpReceiver();
    const app = await startApp('graphql-app.cjs', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, THREADLINE_GRAPHQL_FIELD_SPANS: 'true' } });
    try {
      await post(app, 'query Fields { hello later }', 'gql-f');
      const access = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'gql-f');
      const spans = await otlp.waitFor((items) => items.filter((s) => s.traceId === access.trace_id).length >= 4);
      const mine = spans.filter((s) => s.traceId === access.trace_id);
      const operation = mine.find((s) => s.name === 'query Fields');
      const fields = mine.filter((s) => s.name.startsWith('Query.'));
      assert.deepEqual(fields.map((s) => s.name).sort(), ['Query.hello', 'Query.later']);
      for (const field of fields) assert.equal(field.parentSpanId, operation?.spanId);
    } finally {
      await app.stop();
      await otlp.close();
    }
  });
});
