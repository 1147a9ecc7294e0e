import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testViewer, type TestViewer } from '../helpers/viewer.ts';
import { agentLine, hex, lokiJson, tracesJson, type TestSpan } from '../helpers/telemetry.ts';

const JSON_TYPE = { 'content-type': 'application/json' };

interface Search {
  requests: Array<{ traceId: string; correlationId: string; service: string; route: string; durationMs: number; error: boolean; spanCount: number; errorSpans: number; services: string[] }>;
  next: string | null;
}

/** A gateway → orders request, orders publishing to notifications, and a database call. */
async function order(viewer: TestViewer, correlation: string, startMs: number, options: { fail?: boolean; slow?: boolean; logText?: string } = {}) {
  const traceId = hex(16);
  const [root, client, server, db, producer, consumer] = [hex(8), hex(8), hex(8), hex(8), hex(8), hex(8)];
  const attrs = { 'correlation.id': correlation };
  const gateway: TestSpan[] = [
    { traceId, spanId: root, name: 'POST /api/orders', kind: 2, startMs, durationMs: options.slow ? 900 : 30, attributes: { ...attrs, 'http.route': '/api/orders', 'http.response.status_code': options.fail ? 502 : 201 } },
    { traceId, spanId: client, parentSpanId: root, name: 'POST', kind: 3, startMs: startMs + 1, durationMs: 25, attributes: attrs },
  ];
  const orders: TestSpan[] = [
    { traceId, spanId: server, parentSpanId: client, name: 'POST /orders', kind: 2, startMs: startMs + 2, durationMs: 20, error: options.fail, attributes: { ...attrs, 'http.route': '/orders', 'http.response.status_code': options.fail ? 500 : 201 } },
    { traceId, spanId: db, parentSpanId: server, name: 'INSERT', kind: 3, startMs: startMs + 3, durationMs: 5, attributes: { 'db.system': 'postgresql' } },
    { traceId, spanId: producer, parentSpanId: server, name: 'publish shop', kind: 4, startMs: startMs + 9, durationMs: 1, attributes: { 'messaging.destination.name': 'shop' } },
  ];
  const notifications: TestSpan[] = [{ traceId, spanId: consumer, parentSpanId: producer, name: 'shop process', kind: 5, startMs: startMs + 12, durationMs: 3, attributes: { ...attrs, 'messaging.destination.name': 'shop' } }];
  for (const [service, spans] of [['gateway', gateway], ['orders', orders], ['notifications', notifications]] as const) {
    assert.equal((await viewer.post('/v1/traces', JSON.stringify(tracesJson(service, spans)), JSON_TYPE)).status, 200);
  }
  const line = (service: string, msg: string, spanId: string, offset: number) => ({ timeMs: startMs + offset, line: agentLine({ service, msg, trace_id: traceId, span_id: spanId, correlation_id: correlation, time: startMs + offset }) });
  const push = lokiJson([
    { labels: { service_name: 'orders' }, entries: [line('orders', options.logText ?? 'order stored', server, 4)] },
    { labels: { service_name: 'gateway' }, entries: [line('gateway', 'order accepted', root, 1)] },
    // A line logged with the correlation ID but outside any span (a timer, say).
    { labels: { service_name: 'notifications' }, entries: [{ timeMs: startMs + 20, line: agentLine({ service: 'notifications', msg: 'email queued', correlation_id: correlation, time: startMs + 20 }) }] },
  ]);
  assert.equal((await viewer.post('/loki/api/v1/push', JSON.stringify(push), JSON_TYPE)).status, 204);
  return traceId;
}

describe('queries', () => {
  let viewer: TestViewer;
  const base = Date.now() - 60_000;
  let slowTrace = '';
  let failedTrace = '';
  before(async () => {
    viewer = await testViewer();
    for (let i = 0; i < 5; i++) await order(viewer, `ok-${i}`, base + i * 1000);
    failedTrace = await order(viewer, 'failed-1', base + 10_000, { fail: true, logText: 'card <b>declined</b> 100%' });
    slowTrace = await order(viewer, 'slow-1', base + 11_000, { slow: true });
  });
  after(() => viewer.dispose());

  it('a request by correlation ID: all its spans across services, its lines interleaved by time, lines outside spans included', async () => {
    const view = await viewer.get<{ traces: Array<{ spans: Array<{ service: string }> }>; logs: Array<{ msg: string; service: string }>; window: { from: number; to: number } }>('/api/request/ok-2');
    assert.equal(view.traces.length, 1);
    assert.deepEqual([...new Set(view.traces[0]!.spans.map((s) => s.service))].sort(), ['gateway', 'notifications', 'orders']);
    assert.deepEqual(view.logs.map((l) => l.msg), ['order accepted', 'order stored', 'email queued']);
    assert.equal(view.window.from, base + 2000);
  });

  it('a request by trace ID finds the same lines, through the trace\'s correlation ID too', async () => {
    const view = await viewer.get<{ logs: Array<{ msg: string }> }>(`/api/request/${slowTrace.toUpperCase()}`);
    assert.deepEqual(view.logs.map((l) => l.msg), ['order accepted', 'order stored', 'email queued']);
  });

  it('an unknown ID is a 404 with the reason', async () => {
    const response = await fetch(`${viewer.url}/api/request/nothing-here`);
    assert.equal(response.status, 404);
    assert.match(((await response.json()) as { error: string }).error, /nothing-here/);
  });

  it('search: newest first, errors and slow ones found by filters, text in log lines matched literally', async () => {
    const all = await viewer.get<Search>('/api/search');
    assert.equal(all.requests.length, 7);
    assert.equal(all.requests[0]!.correlationId, 'slow-1');
    assert.deepEqual(all.requests[0]!.services, ['gateway', 'notifications', 'orders']);
    assert.equal(all.requests[0]!.spanCount, 6);
    const errors = await viewer.get<Search>('/api/search?status=error');
    assert.deepEqual(errors.requests.map((r) => r.traceId), [failedTrace]);
    assert.equal(errors.requests[0]!.errorSpans, 1);
    assert.deepEqual((await viewer.get<Search>('/api/search?status=5xx')).requests.map((r) => r.correlationId), ['failed-1']);
    assert.deepEqual((await viewer.get<Search>('/api/search?minDurationMs=500')).requests.map((r) => r.correlationId), ['slow-1']);
    assert.deepEqual((await viewer.get<Search>(`/api/search?q=${encodeURIComponent('<b>declined</b> 100%')}`)).requests.map((r) => r.correlationId), ['failed-1']);
    assert.deepEqual((await viewer.get<Search>('/api/search?q=100_')).requests, [], '_ is not a wildcard');
    assert.equal((await viewer.get<Search>('/api/search?service=orders')).requests.length, 0, 'orders has no root spans');
    assert.equal((await viewer.get<Search>(`/api/search?from=${base + 9000}`)).requests.length, 2);
  });

  it('search pages with next', async () => {
    const first = await viewer.get<Search>('/api/search?limit=4');
    assert.equal(first.requests.length, 4);
    const second = await viewer.get<Search>(`/api/search?limit=4&before=${first.next}`);
    assert.equal(second.requests.length, 3);
    assert.equal(second.next, null);
    const ids = new Set([...first.requests, ...second.requests].map((r) => r.traceId));
    assert.equal(ids.size, 7);
  });

  it('bad parameters are 400s that name them', async () => {
    for (const [query, reason] of [['status=broken', /status must be/], ['minDurationMs=-1', /minDurationMs must be/], ['from=yesterday', /from must be/], ['before=abc', /before must be/]] as const) {
      const response = await fetch(`${viewer.url}/api/search?${query}`);
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { error: string }).error, reason);
    }
  });

  it('the service map: HTTP, messaging and database edges with calls and errors', async () => {
    const map = await viewer.get<{ nodes: Array<{ service: string }>; edges: Array<{ from: string; to: string; kind: string; calls: number; errors: number }> }>(`/api/map?from=${base - 1000}&to=${base + 20_000}`);
    const edge = (from: string, to: string) => map.edges.find((e) => e.from === from && e.to === to);
    assert.deepEqual({ ...edge('gateway', 'orders') }, { ...edge('gateway', 'orders'), kind: 'http', calls: 7, errors: 1 });
    assert.equal(edge('orders', 'notifications')?.kind, 'messaging');
    assert.equal(edge('orders', 'postgresql')?.kind, 'db');
    assert.deepEqual(map.nodes.map((n) => n.service), ['gateway', 'notifications', 'orders', 'postgresql']);
  });

  it('services: each with its routes, requests and errors', async () => {
    const { services } = await viewer.get<{ services: Array<{ name: string; spans: number; logs: number; routes: Array<{ route: string; requests: number; errors: number }> }> }>('/api/services');
    const orders = services.find((s) => s.name === 'orders')!;
    assert.equal(orders.spans, 21);
    assert.equal(orders.logs, 7);
    assert.deepEqual(orders.routes.find((r) => r.route === '/orders'), { ...orders.routes.find((r) => r.route === '/orders'), requests: 7, errors: 1 });
  });

  it('the log tail: newest lines, then only what came after the cursor, with filters', async () => {
    const first = await viewer.get<{ logs: Array<{ id: number; msg: string }>; last: number }>('/api/logs?limit=2&service=gateway');
    assert.equal(first.logs.length, 2);
    assert.ok(first.logs[0]!.id < first.logs[1]!.id, 'oldest first');
    const none = await viewer.get<{ logs: unknown[]; last: number }>(`/api/logs?after=${first.last}&service=gateway`);
    assert.deepEqual(none.logs, []);
    await order(viewer, 'late-1', Date.now());
    const more = await viewer.get<{ logs: Array<{ msg: string; correlation_id: string }> }>(`/api/logs?after=${first.last}&service=gateway`);
    assert.deepEqual(more.logs.map((l) => l.correlation_id), ['late-1']);
    const warned = await viewer.get<{ logs: unknown[] }>('/api/logs?q=declined');
    assert.equal(warned.logs.length, 1);
  });
});
