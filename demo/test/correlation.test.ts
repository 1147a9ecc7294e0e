// One order placed with a given correlation ID: log lines with that ID from all five services,
// and one trace across the HTTP hops (gateway → orders → inventory, payments) and the AMQP hops
// (orders → inventory, notifications), as the OTLP receiver decodes it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVICE_NAMES } from '../shared/settings.ts';
import { postJson, putJson, startDemo, type Demo } from './harness.ts';

const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

describe('one order, one correlation ID, one trace', () => {
  let demo: Demo;

  before(async () => {
    demo = await startDemo();
  });

  after(async () => {
    await demo?.stop();
  });

  it('carries the correlation ID and the trace through every service, over HTTP and AMQP', async () => {
    const correlationId = `e2e-${demo.runId}`;
    const placed = await postJson(`${demo.gatewayUrl}/api/orders`, { customerId: 'c-42', items: [{ sku: 'tea-sencha', quantity: 2 }, { sku: 'strainer', quantity: 1 }] }, { 'x-correlation-id': correlationId });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.status, 'paid');
    assert.equal(placed.headers.get('x-correlation-id'), correlationId, 'the gateway answers with the request\'s correlation ID');
    const orderId = String(placed.body.id);

    const mine = (line: { correlation_id?: string }): boolean => line.correlation_id === correlationId;
    await demo.waitForLog((l) => mine(l) && l.service === 'notifications' && l.msg === 'notification sent');
    await demo.waitForLog((l) => mine(l) && l.service === 'inventory' && l.msg === 'stock reserved');
    // Each process flushes its own stdout (every 100 ms), so lines from different services arrive
    // in no set order: the gateway's access line can come before the payments service's lines.
    await demo.waitForLog((l) => mine(l) && l.service === 'gateway' && l.msg === 'request completed');
    for (const service of SERVICE_NAMES) await demo.waitForLog((l) => mine(l) && l.service === service);
    const lines = demo.logs.filter(mine);
    assert.deepEqual([...new Set(lines.map((l) => l.service))].sort(), [...SERVICE_NAMES].sort(), 'log lines from every service');
    const traceIds = new Set(lines.map((l) => l.trace_id));
    assert.equal(traceIds.size, 1, `one trace ID on every line, got ${[...traceIds].join(', ')}`);
    const [traceId] = traceIds;
    assert.match(String(traceId), /^[0-9a-f]{32}$/);

    const inTrace = (spans: readonly { traceId: string }[]): number => spans.filter((s) => s.traceId === traceId).length;
    const spans = await demo.otlp.waitFor((items) => {
      const services = new Set(items.filter((s) => s.traceId === traceId).map((s) => s.resource['service.name']));
      return SERVICE_NAMES.every((name) => services.has(name)) && inTrace(items) >= 12;
    }, 20_000);
    const trace = spans.filter((s) => s.traceId === traceId);
    const serversOf = (service: string): string[] => trace.filter((s) => s.resource['service.name'] === service && s.kind === SPAN_KIND.server).map((s) => String(s.attributes['http.route']));
    assert.ok(serversOf('gateway').includes('/api/orders'));
    assert.ok(serversOf('orders').includes('/orders'));
    assert.ok(serversOf('inventory').includes('/stock'));
    assert.ok(serversOf('payments').includes('/payments'));
    const producers = trace.filter((s) => s.kind === SPAN_KIND.producer);
    const consumers = trace.filter((s) => s.kind === SPAN_KIND.consumer).map((s) => String(s.resource['service.name']));
    assert.ok(producers.length >= 2, 'orders publishes order.created and order.paid');
    assert.ok(consumers.includes('inventory') && consumers.includes('notifications'), `consumer spans in inventory and notifications, got ${consumers.join(', ')}`);
    for (const span of trace) assert.equal(span.attributes['correlation.id'], correlationId, `${span.name} carries correlation.id`);

    const fetched = await fetch(`${demo.gatewayUrl}/api/orders/${orderId}`);
    assert.equal(fetched.status, 200);
    assert.equal(((await fetched.json()) as { status: string }).status, 'paid');
  });

  it('answers bad fault settings with 400 and a message that says what is wrong', async () => {
    const bad = await putJson(`${demo.gatewayUrl}/admin/faults/payments`, { errorRate: 1.5 });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /errorRate must be a number from 0 to 1/);
    const unknown = await putJson(`${demo.gatewayUrl}/admin/faults/payments`, { erorRate: 0.5 });
    assert.equal(unknown.status, 400);
    assert.match(String(unknown.body.error), /unknown fault setting "erorRate"/);
    const noService = await putJson(`${demo.gatewayUrl}/admin/faults/billing`, {});
    assert.equal(noService.status, 404);
  });

  it('answers a bad order with 400 from orders, relayed by the gateway', async () => {
    const response = await postJson(`${demo.gatewayUrl}/api/orders`, { customerId: 'c-1', items: [{ sku: 'no-such-tea', quantity: 1 }] });
    assert.equal(response.status, 400);
    assert.match(String(response.body.error), /unknown sku "no-such-tea"/);
  });
});
