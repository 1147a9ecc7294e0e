// Real MariaDB, Redis and NATS on their loopback ports, used as each client's README shows: a
// CLIENT span per query or command in the request's trace with its correlation ID and without
// parameter values; NATS messages carry trace and correlation ID to the subscriber's callback.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startApp, type AppProcess } from '../helpers/app-process.ts';
import { exemplarTraceIds } from '../helpers/metrics-text.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

describe('mysql2, node-redis and NATS', () => {
  const runId = randomUUID().slice(0, 8);
  let otlp: Receiver<ReceivedSpan>;
  let app: AppProcess;

  before(async () => {
    otlp = await startOtlpReceiver();
    app = await startApp('clients-app.cjs', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, RUN_ID: runId } });
  });

  after(async () => {
    await app.stop();
    await otlp.close();
  });

  /** The spans of the request that carried `id`, once `enough` holds for them. */
  async function requestSpans(id: string, enough: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
    const access = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === id);
    const spans = await otlp.waitFor((items) => enough(items.filter((s) => s.traceId === access.trace_id)));
    return spans.filter((s) => s.traceId === access.trace_id);
  }

  it('traces mysql2 queries in the request trace without their parameter values', async () => {
    const response = await fetch(`${app.url}/mysql?name=secret-name-7`, { headers: { 'x-correlation-id': 'mysql-1' } });
    assert.equal(response.status, 200);
    const spans = await requestSpans('mysql-1', (s) => s.filter((x) => x.kind === CLIENT && x.attributes['db.system.name'] === 'mysql').length >= 2);
    const queries = spans.filter((s) => s.kind === CLIENT && s.attributes['db.system.name'] === 'mysql');
    assert.equal(queries.length, 2, queries.map((s) => s.name).join(', '));
    for (const query of queries) {
      assert.equal(query.name, 'SELECT');
      assert.equal(query.attributes['correlation.id'], 'mysql-1');
      assert.equal(query.attributes['db.namespace'], 'test');
      assert.equal(query.attributes['server.address'], '127.0.0.1');
      const text = String(query.attributes['db.query.text']);
      assert.doesNotMatch(text, /secret-name-7|literal-secret|44/, text);
    }
    assert.deepEqual(queries.map((s) => s.attributes['db.query.text']).sort(), ['SELECT ? AS name, ? + ? AS age', 'SELECT ? AS s, ? AS p']);
  });

  it('traces node-redis commands by name only', async () => {
    const response = await fetch(`${app.url}/redis?token=tok-secret-9`, { headers: { 'x-correlation-id': 'redis-2' } });
    assert.deepEqual(await response.json(), { value: 'tok-secret-9' });
    const isCommand = (s: ReceivedSpan): boolean => s.kind === CLIENT && s.attributes['db.system.name'] === 'redis';
    const commands = (await requestSpans('redis-2', (s) => s.filter(isCommand).length >= 2)).filter(isCommand);
    assert.deepEqual(commands.map((s) => s.attributes['db.operation.name']).sort(), ['GET', 'SET']);
    for (const command of commands) {
      assert.equal(command.attributes['correlation.id'], 'redis-2');
      assert.equal(command.attributes['db.query.text'], command.attributes['db.operation.name']);
      assert.doesNotMatch(JSON.stringify(command.attributes), /tok-secret-9|session:/);
    }
  });

  it('carries trace and correlation ID from a NATS publish to the subscriber callback', async () => {
    const response = await fetch(`${app.url}/nats/publish`, { method: 'POST', headers: { 'x-correlation-id': 'nats-1' } });
    assert.equal(response.status, 202);
    const access = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'nats-1');
    const received = await app.waitForLog((l) => l.msg === 'nats received' && l.subject === `orders.${runId}.created`);
    assert.equal(received.correlation_id, 'nats-1');
    assert.equal(received.trace_id, access.trace_id);

    const subscription = `orders.${runId}.*`;
    const spans = await otlp.waitFor((items) => items.some((s) => s.traceId === access.trace_id && s.kind === CONSUMER));
    const producer = spans.find((s) => s.traceId === access.trace_id && s.kind === PRODUCER);
    const consumer = spans.find((s) => s.traceId === access.trace_id && s.kind === CONSUMER);
    assert.ok(producer && consumer);
    assert.equal(producer.name, `publish orders.${runId}.created`);
    assert.equal(producer.attributes['messaging.system'], 'nats');
    assert.equal(producer.attributes['messaging.operation.type'], 'send');
    assert.equal(producer.attributes['correlation.id'], 'nats-1');
    assert.equal(consumer.name, `process ${subscription}`);
    assert.equal(consumer.parentSpanId, producer.spanId);
    assert.equal(consumer.attributes['messaging.destination.name'], subscription);
    assert.equal(consumer.attributes['correlation.id'], 'nats-1');
    assert.equal(received.span_id, consumer.spanId);

    const text = await app.metrics(true);
    const series = new RegExp(`messaging_process_duration_seconds_count\\{[^}]*messaging_destination_name="orders\\.${runId}\\.\\*",outcome="success"\\} (\\d+)`);
    assert.ok(Number(series.exec(text)?.[1]) >= 1, 'the subscriber counted');
    assert.ok(exemplarTraceIds(text, 'messaging_process_duration_seconds_bucket').includes(String(access.trace_id)));
  });

  it('runs a NATS request handler with the requester context and traces the reply', async () => {
    const response = await fetch(`${app.url}/nats/request`, { headers: { 'x-correlation-id': 'nats-2' } });
    assert.deepEqual(await response.json(), { price: '42' });
    const handled = await app.waitForLog((l) => l.msg === 'nats request handled' && l.correlation_id === 'nats-2');
    const spans = await requestSpans('nats-2', (s) => s.filter((x) => x.kind === PRODUCER).length >= 2 && s.some((x) => x.kind === CONSUMER));
    assert.equal(handled.trace_id, spans[0]?.traceId);
    const names = spans.filter((s) => s.kind !== 2).map((s) => s.name).sort();
    // One span for the request (not one more for its inner publish), the handler's, its reply's.
    assert.deepEqual(names, [`process prices.${runId}`, 'publish (temporary)', `request prices.${runId}`]);
    const reply = spans.find((s) => s.name === 'publish (temporary)');
    assert.equal(reply?.attributes['messaging.destination.temporary'], true);
    for (const span of spans) assert.equal(span.attributes['correlation.id'], 'nats-2', span.name);
  });

  it('gives a message published outside any request one correlation ID, shared by producer and subscriber', async () => {
    const received = await app.waitForLog((l) => l.msg === 'nats received' && l.subject === `orders.${runId}.nightly`);
    assert.match(String(received.correlation_id), /^[0-9a-f-]{36}$/);
    const spans = await otlp.waitFor((items) => items.some((s) => s.traceId === received.trace_id && s.kind === PRODUCER));
    const producer = spans.find((s) => s.traceId === received.trace_id && s.kind === PRODUCER);
    assert.equal(producer?.attributes['correlation.id'], received.correlation_id);
  });
});
