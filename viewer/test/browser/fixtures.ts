// API answers written to viewer-spec.md's contract, for developing and testing the pages against the
// static routes before (and besides) the real store: one order across five services, and one request
// whose every string is markup.
import type { AlertJson, LogJson, LogsJson, MapJson, RedJson, RequestJson, SearchJson, ServiceJson, SpanJson } from '../../src/ui/api.ts';
import { sendJson } from '../../src/server/respond.ts';
import type { Router } from '../../src/server/router.ts';

import { HOSTILE_TRACE, MARKUP, ORDER_CORRELATION, ORDER_TRACE, SCRIPT } from './sample-requests.ts';

export { HOSTILE_TRACE, MARKUP, ORDER_CORRELATION, ORDER_TRACE, SCRIPT };

interface SpanSpec {
  id: string;
  parent: string;
  service: string;
  name: string;
  kind: SpanJson['kind'];
  at: number;
  ms: number;
  error?: string;
  attributes?: Record<string, unknown>;
  route?: string;
  httpStatus?: number;
}

const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

function spans(traceId: string, start: number, correlationId: string, specs: SpanSpec[]): SpanJson[] {
  return specs.map((spec) => ({
    traceId,
    spanId: spec.id.padStart(16, '0'),
    parentSpanId: spec.parent === '' ? '' : spec.parent.padStart(16, '0'),
    service: spec.service,
    name: spec.name,
    kind: spec.kind,
    startTimeUnixNano: nanos(start + spec.at),
    durationMs: spec.ms,
    status: spec.error === undefined ? { code: 'UNSET' } : { code: 'ERROR', message: spec.error },
    attributes: spec.attributes ?? {},
    resource: { 'service.name': spec.service, 'service.version': '1.4.2', 'telemetry.sdk.language': 'nodejs' },
    events: spec.error === undefined ? [] : [{ name: 'exception', timeUnixNano: nanos(start + spec.at + spec.ms), attributes: { 'exception.type': 'Error', 'exception.message': spec.error } }],
    route: spec.route ?? '',
    httpStatus: spec.httpStatus ?? null,
    correlationId,
  }));
}

function log(id: number, traceId: string, spanId: string, correlationId: string, time: number, service: string, level: string, msg: string, extra: Record<string, unknown> = {}): LogJson {
  const line = JSON.stringify({ level, time, service, msg, trace_id: traceId, span_id: spanId.padStart(16, '0'), correlation_id: correlationId, ...extra });
  return { id, time, timeUnixNano: nanos(time), service, level, msg, trace_id: traceId, span_id: spanId === '' ? '' : spanId.padStart(16, '0'), correlation_id: correlationId, line };
}

export interface Fixtures {
  requests: Map<string, RequestJson>;
  search: SearchJson;
  services: ServiceJson[];
  map: MapJson;
  logs: LogJson[];
  red: RedJson;
  alerts: AlertJson[];
}

export function makeFixtures(now = Date.now()): Fixtures {
  const start = now - 90_000;
  const order = spans(ORDER_TRACE, start, ORDER_CORRELATION, [
    { id: 'a1', parent: '', service: 'gateway', name: 'POST /orders', kind: 'SERVER', at: 0, ms: 412.6, route: '/orders', httpStatus: 201, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201, 'url.path': '/orders' } },
    { id: 'a2', parent: 'a1', service: 'gateway', name: 'POST', kind: 'CLIENT', at: 3.1, ms: 401.2, attributes: { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1:3001/orders', 'http.response.status_code': 201 } },
    { id: 'b1', parent: 'a2', service: 'orders', name: 'POST /orders', kind: 'SERVER', at: 5.4, ms: 396.0, route: '/orders', httpStatus: 201, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 } },
    { id: 'b2', parent: 'b1', service: 'orders', name: 'SELECT shop.products', kind: 'CLIENT', at: 8.0, ms: 6.4, attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT id, price FROM products WHERE id = ANY($1)', 'db.name': 'shop' } },
    { id: 'b3', parent: 'b1', service: 'orders', name: 'GET', kind: 'CLIENT', at: 16.2, ms: 88.3, attributes: { 'http.request.method': 'GET', 'url.full': 'http://127.0.0.1:3003/stock/42', 'http.response.status_code': 200 } },
    { id: 'c1', parent: 'b3', service: 'inventory', name: 'GET /stock/:sku', kind: 'SERVER', at: 18.0, ms: 84.1, route: '/stock/:sku', httpStatus: 200, attributes: { 'http.request.method': 'GET', 'http.route': '/stock/:sku', 'http.response.status_code': 200 } },
    { id: 'c2', parent: 'c1', service: 'inventory', name: 'redis GET', kind: 'CLIENT', at: 20.5, ms: 1.2, attributes: { 'db.system': 'redis', 'db.statement': 'GET stock:42' } },
    { id: 'c3', parent: 'c1', service: 'inventory', name: 'SELECT stock', kind: 'CLIENT', at: 23.0, ms: 71.7, attributes: { 'db.system': 'mysql', 'db.statement': 'SELECT qty FROM stock WHERE sku = ?' } },
    { id: 'b4', parent: 'b1', service: 'orders', name: 'POST', kind: 'CLIENT', at: 110.0, ms: 262.0, error: 'payment declined: card_expired', attributes: { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1:3002/payments', 'http.response.status_code': 502 } },
    { id: 'd1', parent: 'b4', service: 'payments', name: 'POST /payments', kind: 'SERVER', at: 112.5, ms: 257.9, route: '/payments', httpStatus: 502, error: 'upstream provider timed out', attributes: { 'http.request.method': 'POST', 'http.route': '/payments', 'http.response.status_code': 502 } },
    { id: 'd2', parent: 'd1', service: 'payments', name: 'INSERT payments', kind: 'CLIENT', at: 115.0, ms: 4.8, attributes: { 'db.system': 'postgresql', 'db.statement': 'INSERT INTO payments (order_id, amount) VALUES ($1, $2)' } },
    { id: 'b5', parent: 'b1', service: 'orders', name: 'orders.created publish', kind: 'PRODUCER', at: 376.0, ms: 2.1, attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'orders.created', 'messaging.operation': 'publish' } },
    { id: 'e1', parent: 'b5', service: 'notifier', name: 'orders.created process', kind: 'CONSUMER', at: 381.0, ms: 24.0, route: 'orders.created', attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'orders.created', 'messaging.operation': 'process' } },
    { id: 'e2', parent: 'e1', service: 'notifier', name: 'smtp send', kind: 'CLIENT', at: 384.0, ms: 18.5, attributes: { 'server.address': '127.0.0.1', 'server.port': 2525 } },
  ]);
  const T = ORDER_TRACE;
  const C = ORDER_CORRELATION;
  const orderLogs = [
    log(101, T, 'a1', C, start + 0.4, 'gateway', 'info', 'request received POST /orders'),
    log(102, T, 'b1', C, start + 6.0, 'orders', 'info', 'creating order for customer 1183', { items: 3 }),
    log(103, T, 'b2', C, start + 14.6, 'orders', 'debug', 'priced 3 items, total 129.90 EUR'),
    log(104, T, 'c1', C, start + 19.0, 'inventory', 'info', 'checking stock for sku 42'),
    log(105, T, 'c3', C, start + 95.1, 'inventory', 'warn', 'stock query slow: 71.7 ms (threshold 50 ms)'),
    log(106, T, 'd1', C, start + 113.0, 'payments', 'info', 'charging 129.90 EUR'),
    log(107, T, 'd1', C, start + 369.8, 'payments', 'error', 'payment provider timed out after 250 ms', { err: { type: 'TimeoutError' } }),
    log(108, T, 'b4', C, start + 372.4, 'orders', 'warn', 'payment failed, order kept as pending'),
    log(109, T, 'e1', C, start + 382.0, 'notifier', 'info', 'sending confirmation mail'),
    log(110, T, 'b1', C, start + 401.0, 'orders', 'info', 'order 5521 created (pending payment)'),
    log(111, T, 'a1', C, start + 412.2, 'gateway', 'info', 'request completed 201 in 412 ms'),
  ];
  const hostileStart = now - 30_000;
  const hostileSpans = spans(HOSTILE_TRACE, hostileStart, `corr-${MARKUP}`, [
    { id: 'f1', parent: '', service: MARKUP, name: `GET ${SCRIPT}`, kind: 'SERVER', at: 0, ms: 20, route: `/x/${MARKUP}`, httpStatus: 500, error: MARKUP, attributes: { 'http.route': `/x/${MARKUP}`, evil: MARKUP, 'evil.script': SCRIPT, [MARKUP]: 'attribute name' } },
    { id: 'f2', parent: 'f1', service: 'backend', name: MARKUP, kind: 'CLIENT', at: 2, ms: 10, attributes: { 'db.system': SCRIPT } },
  ]);
  const hostileLogs = [
    log(201, HOSTILE_TRACE, 'f1', `corr-${MARKUP}`, hostileStart + 1, MARKUP, 'error', `log line ${MARKUP} and ${SCRIPT}`),
    log(202, HOSTILE_TRACE, 'f2', `corr-${MARKUP}`, hostileStart + 3, 'backend', `<b>${MARKUP}</b>`, SCRIPT),
  ];
  const requests = new Map<string, RequestJson>([
    [ORDER_TRACE, { id: ORDER_TRACE, traces: [{ traceId: ORDER_TRACE, spans: order }], logs: orderLogs, window: { from: start, to: start + 413 } }],
    [HOSTILE_TRACE, { id: HOSTILE_TRACE, traces: [{ traceId: HOSTILE_TRACE, spans: hostileSpans }], logs: hostileLogs, window: { from: hostileStart, to: hostileStart + 20 } }],
  ]);
  requests.set(ORDER_CORRELATION, requests.get(ORDER_TRACE)!);

  const searchRows: SearchJson['requests'] = [
    { traceId: HOSTILE_TRACE, correlationId: `corr-${MARKUP}`, service: MARKUP, route: `/x/${MARKUP}`, name: `GET ${SCRIPT}`, start: hostileStart, durationMs: 20, error: true, httpStatus: 500, spanCount: 2, errorSpans: 1, services: [MARKUP, 'backend'] },
    { traceId: ORDER_TRACE, correlationId: ORDER_CORRELATION, service: 'gateway', route: '/orders', name: 'POST /orders', start, durationMs: 412.6, error: true, httpStatus: 201, spanCount: order.length, errorSpans: 2, services: ['gateway', 'orders', 'inventory', 'payments', 'notifier'] },
  ];
  for (let index = 0; index < 18; index++) {
    const slow = index % 7 === 3;
    const failed = index % 9 === 5;
    searchRows.push({ traceId: (index + 1).toString(16).padStart(32, 'c'), correlationId: `order-${(9000 + index).toString(36)}`, service: 'gateway', route: index % 3 === 0 ? '/products/:id' : '/orders', name: index % 3 === 0 ? 'GET /products/:id' : 'POST /orders', start: start - (index + 1) * 41_000, durationMs: slow ? 1840 + index : 40 + index * 13.7, error: failed, httpStatus: failed ? 503 : index % 3 === 0 ? 200 : 201, spanCount: 6 + (index % 5), errorSpans: failed ? 2 : 0, services: index % 3 === 0 ? ['gateway', 'inventory'] : ['gateway', 'orders', 'inventory', 'payments', 'notifier'] });
  }

  const services: ServiceJson[] = ['gateway', 'orders', 'inventory', 'payments', 'notifier', MARKUP].map((name, index) => ({ name, spans: 1200 - index * 150, logs: 3400 - index * 300, lastSeen: now - index * 4000, routes: name === 'gateway' ? ['/orders', '/products/:id'] : name === 'orders' ? ['/orders'] : name === 'inventory' ? ['/stock/:sku'] : name === 'payments' ? ['/payments'] : name === 'notifier' ? ['orders.created'] : [`/x/${MARKUP}`] }));

  const map: MapJson = {
    nodes: ['gateway', 'orders', 'inventory', 'payments', 'notifier', MARKUP].map((service) => ({ service })),
    edges: [
      { from: 'gateway', to: 'orders', kind: 'http', calls: 540, errors: 12, rate: 0.15, p95Ms: 480 },
      { from: 'gateway', to: 'inventory', kind: 'http', calls: 300, errors: 0, rate: 0.083, p95Ms: 35 },
      { from: 'orders', to: 'inventory', kind: 'http', calls: 540, errors: 0, rate: 0.15, p95Ms: 92 },
      { from: 'orders', to: 'payments', kind: 'http', calls: 540, errors: 31, rate: 0.15, p95Ms: 270 },
      { from: 'orders', to: 'notifier', kind: 'messaging', calls: 509, errors: 0, rate: 0.141, p95Ms: 26 },
      { from: 'orders', to: 'postgresql', kind: 'db', calls: 1080, errors: 0, rate: 0.3, p95Ms: 7 },
      { from: 'payments', to: 'postgresql', kind: 'db', calls: 540, errors: 0, rate: 0.15, p95Ms: 5 },
      { from: 'inventory', to: 'mysql', kind: 'db', calls: 840, errors: 2, rate: 0.233, p95Ms: 74 },
      { from: 'inventory', to: 'redis', kind: 'db', calls: 840, errors: 0, rate: 0.233, p95Ms: 1.4 },
      { from: MARKUP, to: 'backend', kind: 'http', calls: 1, errors: 1, rate: 0.001, p95Ms: 10 },
    ],
  };

  const points: RedJson['points'] = [];
  const exemplars: RedJson['exemplars'] = [];
  for (let t = now - 3_600_000; t <= now; t += 30_000) {
    const phase = (t - now) / 600_000;
    const spike = Math.abs(t - start) < 240_000;
    points.push({ t, rate: 2.4 + Math.sin(phase) * 0.6, errorRatio: spike ? 0.08 : 0.01 + Math.max(0, Math.sin(phase * 3)) * 0.01, p50: 0.045 + Math.sin(phase) * 0.008, p95: spike ? 0.39 : 0.16 + Math.cos(phase) * 0.03, p99: spike ? 0.61 : 0.29 + Math.cos(phase) * 0.05 });
    if (Math.round(t / 30_000) % 6 === 0) exemplars.push({ t: t + 7000, value: spike ? 0.41 : 0.19, traceId: ORDER_TRACE });
  }

  const alerts: AlertJson[] = [
    { fingerprint: 'f1', alertname: 'HighErrorRatio', status: 'firing', service: 'payments', severity: 'page', startsAt: start - 120_000, endsAt: null, labels: { alertname: 'HighErrorRatio', service: 'payments', severity: 'page', route: '/payments' }, annotations: { summary: 'payments: 8 % of requests fail (5 min)' }, generatorURL: 'http://127.0.0.1:9090/graph?g0.expr=x' },
    { fingerprint: 'f2', alertname: 'SlowRequests', status: 'resolved', service: 'inventory', severity: 'ticket', startsAt: now - 3_000_000, endsAt: now - 2_400_000, labels: { alertname: 'SlowRequests', service: 'inventory', severity: 'ticket' }, annotations: { summary: 'inventory p95 over 250 ms' }, generatorURL: 'javascript:window.__pwned=1' },
    { fingerprint: 'f3', alertname: `Evil${MARKUP}`, status: 'resolved', service: MARKUP, severity: SCRIPT, startsAt: now - 5_000_000, endsAt: now - 4_000_000, labels: { alertname: MARKUP, [SCRIPT]: MARKUP }, annotations: { summary: `${MARKUP} ${SCRIPT}` }, generatorURL: MARKUP },
  ];

  return { requests, search: { requests: searchRows, next: null }, services, map, logs: [...orderLogs, ...hostileLogs].sort((a, b) => a.id - b.id), red: { step: 30, points, exemplars }, alerts };
}

/** The API's GET routes answered from fixtures, filtered as far as the pages' tests need. */
export function fixtureApi(router: Router, fixtures: Fixtures): Router {
  router.add('GET', '/api/request/:id', (_request, response, { param }) => {
    const found = fixtures.requests.get(param);
    if (found === undefined) sendJson(response, 404, { error: `no trace or correlation ID ${param}` });
    else sendJson(response, 200, found);
  });
  router.add('GET', '/api/search', (_request, response, { url }) => {
    const service = url.searchParams.get('service');
    const status = url.searchParams.get('status');
    const requests = fixtures.search.requests.filter((row) => (service === null || row.service === service) && (status !== 'error' || row.error));
    sendJson(response, 200, { requests, next: null });
  });
  router.add('GET', '/api/services', (_request, response) => sendJson(response, 200, { services: fixtures.services }));
  router.add('GET', '/api/map', (_request, response) => sendJson(response, 200, fixtures.map));
  router.add('GET', '/api/logs', (_request, response, { url }) => {
    const after = url.searchParams.get('after');
    const service = url.searchParams.get('service');
    const logs = fixtures.logs.filter((line) => (after === null || line.id > Number(after)) && (service === null || line.service === service));
    const answer: LogsJson = { logs, last: Math.max(0, ...fixtures.logs.map((line) => line.id)) };
    sendJson(response, 200, answer);
  });
  router.add('GET', '/api/metrics/red', (_request, response) => sendJson(response, 200, fixtures.red));
  router.add('GET', '/api/metrics/routes', (_request, response) => sendJson(response, 200, { routes: ['/orders', '/products/:id'] }));
  router.add('GET', '/api/stats', (_request, response) => sendJson(response, 200, {
    counters: { spans_evicted: 1200, logs_evicted: 5400, requests_refused_overloaded: 0 },
    store: { bytes: 734_003_200, maxBytes: 1024 ** 3, maxAgeMs: 86_400_000, spans: 48_210, logs: 190_442 },
  }));
  router.add('GET', '/api/alerts', (_request, response) => sendJson(response, 200, { alerts: fixtures.alerts }));
  return router;
}
