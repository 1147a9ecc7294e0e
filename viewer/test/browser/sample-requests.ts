// Two requests the browser tests (and look.ts) put into a real viewer as services would send them: an order
// across five services (HTTP, database and AMQP spans, an error, log lines of every service), and a request
// whose service name, span name, attributes and log lines are markup.
import { lokiPush, otlpTraces, untilStored, type RunningViewer, type TestLog, type TestSpan } from './viewer-server.ts';

export const MARKUP = '<img src=x onerror=window.__pwned=1>';
export const SCRIPT = '<script>window.__pwned=1</script>';
export const HOSTILE_TRACE = 'deadbeefdeadbeefdeadbeefdeadbeef';
export const ORDER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
export const ORDER_CORRELATION = 'order-e2e-7f3a9c';

export const ORDER_SPANS: TestSpan[] = [
  { service: 'gateway', spanId: '00000000000000a1', parentSpanId: '', name: 'POST /orders', kind: 'SERVER', at: 0, ms: 412, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 } },
  { service: 'gateway', spanId: '00000000000000a2', parentSpanId: '00000000000000a1', name: 'POST', kind: 'CLIENT', at: 3, ms: 401, attributes: { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1:3001/orders', 'http.response.status_code': 201 } },
  { service: 'orders', spanId: '00000000000000b1', parentSpanId: '00000000000000a2', name: 'POST /orders', kind: 'SERVER', at: 5, ms: 396, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 } },
  { service: 'orders', spanId: '00000000000000b2', parentSpanId: '00000000000000b1', name: 'SELECT shop.products', kind: 'CLIENT', at: 8, ms: 6.4, attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT id, price FROM products WHERE id = ANY($1)' } },
  { service: 'orders', spanId: '00000000000000b3', parentSpanId: '00000000000000b1', name: 'GET', kind: 'CLIENT', at: 16, ms: 88, attributes: { 'http.request.method': 'GET', 'url.full': 'http://127.0.0.1:3003/stock/42', 'http.response.status_code': 200 } },
  { service: 'inventory', spanId: '00000000000000c1', parentSpanId: '00000000000000b3', name: 'GET /stock/:sku', kind: 'SERVER', at: 18, ms: 84, attributes: { 'http.request.method': 'GET', 'http.route': '/stock/:sku', 'http.response.status_code': 200 } },
  { service: 'inventory', spanId: '00000000000000c2', parentSpanId: '00000000000000c1', name: 'SELECT stock', kind: 'CLIENT', at: 23, ms: 71, attributes: { 'db.system': 'mysql', 'db.statement': 'SELECT qty FROM stock WHERE sku = ?' } },
  { service: 'orders', spanId: '00000000000000b4', parentSpanId: '00000000000000b1', name: 'POST', kind: 'CLIENT', at: 110, ms: 262, error: 'payment declined', attributes: { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1:3002/payments', 'http.response.status_code': 502 } },
  { service: 'payments', spanId: '00000000000000d1', parentSpanId: '00000000000000b4', name: 'POST /payments', kind: 'SERVER', at: 112, ms: 258, error: 'upstream provider timed out', attributes: { 'http.request.method': 'POST', 'http.route': '/payments', 'http.response.status_code': 502 } },
  { service: 'payments', spanId: '00000000000000d2', parentSpanId: '00000000000000d1', name: 'INSERT payments', kind: 'CLIENT', at: 115, ms: 4.8, attributes: { 'db.system': 'postgresql', 'db.statement': 'INSERT INTO payments (order_id) VALUES ($1)' } },
  { service: 'orders', spanId: '00000000000000b5', parentSpanId: '00000000000000b1', name: 'orders.created publish', kind: 'PRODUCER', at: 376, ms: 2, attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'orders.created' } },
  { service: 'notifier', spanId: '00000000000000e1', parentSpanId: '00000000000000b5', name: 'orders.created process', kind: 'CONSUMER', at: 381, ms: 24, attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'orders.created' } },
];

export const ORDER_LOGS: TestLog[] = [
  { service: 'gateway', spanId: '00000000000000a1', at: 0.4, level: 'info', msg: 'request received POST /orders' },
  { service: 'orders', spanId: '00000000000000b1', at: 6, level: 'info', msg: 'creating order for customer 1183' },
  { service: 'inventory', spanId: '00000000000000c1', at: 19, level: 'info', msg: 'checking stock for sku 42' },
  { service: 'inventory', spanId: '00000000000000c2', at: 95, level: 'warn', msg: 'stock query slow: 71 ms' },
  { service: 'payments', spanId: '00000000000000d1', at: 113, level: 'info', msg: 'charging 129.90 EUR' },
  { service: 'payments', spanId: '00000000000000d1', at: 369, level: 'error', msg: 'payment provider timed out after 250 ms' },
  { service: 'orders', spanId: '00000000000000b4', at: 372, level: 'warn', msg: 'payment failed, order kept as pending' },
  { service: 'notifier', spanId: '00000000000000e1', at: 382, level: 'info', msg: 'sending confirmation mail' },
  { service: 'gateway', spanId: '00000000000000a1', at: 411.8, level: 'info', msg: 'request completed 201 in 412 ms' },
];

export const HOSTILE_SPANS: TestSpan[] = [
  { service: MARKUP, spanId: '00000000000000f1', parentSpanId: '', name: `GET ${SCRIPT}`, kind: 'SERVER', at: 0, ms: 20, error: MARKUP, attributes: { 'http.route': `/x/${MARKUP}`, 'http.response.status_code': 500, evil: MARKUP, [SCRIPT]: 'attribute name' } },
  { service: 'backend', spanId: '00000000000000f2', parentSpanId: '00000000000000f1', name: MARKUP, kind: 'CLIENT', at: 2, ms: 10, attributes: { 'db.system': SCRIPT } },
];
export const HOSTILE_LOGS: TestLog[] = [
  { service: MARKUP, spanId: '00000000000000f1', at: 1, level: 'error', msg: `log line ${MARKUP} and ${SCRIPT}` },
  { service: 'backend', spanId: '00000000000000f2', at: 3, level: 'info', msg: SCRIPT },
];

/** Posts both requests (OTLP/JSON traces, Loki JSON lines) and waits until the store answers with all of them. */
export async function putSamples(viewer: RunningViewer, now = Date.now()): Promise<void> {
  await viewer.post('/v1/traces', otlpTraces(ORDER_TRACE, ORDER_CORRELATION, now - 60_000, ORDER_SPANS));
  await viewer.post('/loki/api/v1/push', lokiPush(ORDER_TRACE, ORDER_CORRELATION, now - 60_000, ORDER_LOGS));
  await viewer.post('/v1/traces', otlpTraces(HOSTILE_TRACE, `corr-${MARKUP}`, now - 30_000, HOSTILE_SPANS));
  await viewer.post('/loki/api/v1/push', lokiPush(HOSTILE_TRACE, `corr-${MARKUP}`, now - 30_000, HOSTILE_LOGS));
  await untilStored(viewer.url, ORDER_TRACE, ORDER_SPANS.length, ORDER_LOGS.length);
  await untilStored(viewer.url, HOSTILE_TRACE, HOSTILE_SPANS.length, HOSTILE_LOGS.length);
}
