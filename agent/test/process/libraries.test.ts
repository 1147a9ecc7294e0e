// Real Postgres, Redis and RabbitMQ on their loopback ports: each library is traced with no
// code in the app, and a consumed message carries the producer's trace and correlation ID.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startApp, type AppProcess } from '../helpers/app-process.ts';
import { exemplarTraceIds } from '../helpers/metrics-text.ts';
import { waitFor } from '../helpers/wait.ts';
import { assertPgQueryTraced } from '../helpers/pg-trace.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

describe('Postgres, Redis and RabbitMQ', () => {
  let otlp: Receiver<ReceivedSpan>;
  let app: AppProcess;

  before(async () => {
    otlp = await startOtlpReceiver();
    app = await startApp('libraries-app.cjs', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, EXCHANGE: `threadline-test-${randomUUID()}` },
    });
  });

  after(async () => {
    await app.stop();
    await otlp.close();
  });

  it('restores the producer correlation ID and trace in the AMQP consumer', async () => {
    const response = await fetch(`${app.url}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'amqp-1' },
      body: JSON.stringify({ order: 'o-1' }),
    });
    assert.equal(response.status, 202);
    const published = await app.waitForLog((l) => l.msg === 'publishing' && l.correlation_id === 'amqp-1');
    const consumed = await app.waitForLog((l) => l.msg === 'consumed' && l.order === 'o-1');
    assert.equal(consumed.correlation_id, 'amqp-1');
    assert.equal(consumed.trace_id, published.trace_id);
    assert.notEqual(consumed.span_id, published.span_id);

    const spans = await otlp.waitFor((items) => items.some((s) => s.traceId === published.trace_id && s.kind === 5));
    const consumer = spans.find((s) => s.traceId === published.trace_id && s.kind === 5);
    const producer = spans.find((s) => s.traceId === published.trace_id && s.kind === 4);
    assert.ok(producer, 'a PRODUCER span');
    assert.ok(consumer, 'a CONSUMER span in the same trace');
    assert.equal(consumer.attributes['correlation.id'], 'amqp-1');
    assert.equal(producer.attributes['correlation.id'], 'amqp-1');

    const text = await app.metrics(true);
    assert.match(text, /messaging_process_duration_seconds_count\{[^}]*messaging_destination_name="threadline-test-[^"]+",outcome="success"\} 1/);
    assert.ok(exemplarTraceIds(text, 'messaging_process_duration_seconds_bucket').includes(String(published.trace_id)));
  });

  it('gives a message published outside any request one correlation ID, shared by producer and consumer', async () => {
    const consumed = await app.waitForLog((l) => l.msg === 'consumed' && l.order === 'nightly');
    assert.match(String(consumed.correlation_id), /^[0-9a-f-]{36}$/);
    const spans = await otlp.waitFor((items) => items.filter((s) => s.traceId === consumed.trace_id && (s.kind === 4 || s.kind === 5)).length >= 2);
    const producer = spans.find((s) => s.traceId === consumed.trace_id && s.kind === 4);
    const consumer = spans.find((s) => s.traceId === consumed.trace_id && s.kind === 5);
    assert.equal(producer?.attributes['correlation.id'], consumed.correlation_id);
    assert.equal(consumer?.attributes['correlation.id'], consumed.correlation_id);
  });

  it('counts a rejected message as a failure', async () => {
    await fetch(`${app.url}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: 'o-2', fail: true }),
    });
    await app.waitForLog((l) => l.msg === 'consumed' && l.order === 'o-2');
    // Recorded at the nack, which follows the consumer's log line.
    const failure = /messaging_process_duration_seconds_count\{[^}]*outcome="failure"\} (\d+)/;
    const count = await waitFor('the failed message counted', 15_000, async () => failure.exec(await app.metrics())?.[1]);
    assert.equal(count, '1');
  });

  it('traces a Postgres query inside the request trace', () => assertPgQueryTraced(app, otlp, 'pg-1'));

  it('traces Redis commands inside the request trace', async () => {
    const response = await fetch(`${app.url}/redis`, { headers: { 'x-correlation-id': 'redis-1' } });
    assert.deepEqual(await response.json(), { value: 'value' });
    const access = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'redis-1');
    const spans = await otlp.waitFor((items) => items.filter((s) => s.traceId === access.trace_id && /^(set|get)$/i.test(s.name)).length >= 2);
    const names = spans.filter((s) => s.traceId === access.trace_id).map((s) => s.name.toLowerCase());
    assert.ok(names.includes('set') && names.includes('get'), names.join(', '));
  });
});
