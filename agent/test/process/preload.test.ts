// The agent preloaded into a real Express app: one request's trace ID is the same in its log
// line, its spans and its exemplar, and the correlation ID is on all of them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppProcess } from '../helpers/app-process.ts';
import { counterValue, exemplarTraceIds } from '../helpers/metrics-text.ts';
import type { LokiEntry, ReceivedSpan, Receiver } from '../helpers/receivers.ts';
import { startTracedApp, type TracedApp } from '../helpers/traced-app.ts';

describe('preloaded into an Express app (CommonJS, -r)', () => {
  let traced: TracedApp;
  let otlp: Receiver<ReceivedSpan>;
  let loki: Receiver<LokiEntry>;
  let app: AppProcess;

  before(async () => {
    traced = await startTracedApp('express-app.cjs', { OTEL_RESOURCE_ATTRIBUTES: 'service.version=1.2.3,deployment.environment.name=test' });
    ({ otlp, loki, app } = traced);
  });

  after(() => traced.stop());

  it('ties log line, spans, exemplar and Loki line together by trace and correlation ID', async () => {
    const response = await fetch(`${app.url}/hello/ada`, { headers: { 'x-correlation-id': 'order-42' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-correlation-id'), 'order-42');
    assert.deepEqual(await response.json(), { correlationId: 'order-42' });

    const line = await app.waitForLog((l) => l.msg === 'said hello');
    assert.equal(line.level, 'info');
    assert.equal(typeof line.time, 'number');
    assert.equal(line.service, 'test-app');
    assert.equal(line.correlation_id, 'order-42');
    assert.match(String(line.trace_id), /^[0-9a-f]{32}$/);
    assert.match(String(line.span_id), /^[0-9a-f]{16}$/);

    const spans = await otlp.waitFor((items) => items.some((s) => s.traceId === line.trace_id && s.kind === 2));
    const ours = spans.filter((s) => s.traceId === line.trace_id);
    const server = ours.find((s) => s.kind === 2);
    assert.ok(server, 'a SERVER span for the request');
    assert.equal(server.attributes['http.route'], '/hello/:name');
    for (const span of ours) assert.equal(span.attributes['correlation.id'], 'order-42', `span ${span.name}`);
    assert.equal(server.resource['service.name'], 'test-app');
    assert.equal(server.resource['service.version'], '1.2.3');
    assert.equal(server.resource['deployment.environment.name'], 'test');

    const exemplars = exemplarTraceIds(await app.metrics(true), 'http_server_request_duration_seconds_bucket');
    assert.ok(exemplars.includes(String(line.trace_id)), 'the request trace is an exemplar');

    const shipped = await loki.waitFor((items) => items.some((e) => e.line.includes('"said hello"')));
    const entry = shipped.find((e) => e.line.includes('"said hello"'));
    assert.ok(entry);
    assert.deepEqual(entry.labels, { service_name: 'test-app', deployment_environment: 'test', level: 'info' });
    const shippedLine = JSON.parse(entry.line) as Record<string, unknown>;
    assert.equal(shippedLine.trace_id, line.trace_id);
    assert.equal(shippedLine.correlation_id, 'order-42');
  });

  it('keeps the request context through body parsing and timers', async () => {
    const response = await fetch(`${app.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'body-1' },
      body: JSON.stringify({ token: 'abc', item: 'book' }),
    });
    assert.deepEqual(await response.json(), { correlationId: 'body-1', body: { token: 'abc', item: 'book' } });
    const line = await app.waitForLog((l) => l.msg === 'echoed');
    assert.equal(line.correlation_id, 'body-1');
    assert.match(String(line.trace_id), /^[0-9a-f]{32}$/);
    assert.deepEqual(line.body, { token: '[REDACTED]', item: 'book' });
  });

  it('names routes of mounted routers by their full template', async () => {
    await fetch(`${app.url}/api/v1/items/42`, { headers: { 'x-correlation-id': 'router-1' } });
    const access = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'router-1');
    assert.equal(access.http_route, '/api/v1/items/:id');
    const spans = await otlp.waitFor((items) => items.some((s) => s.attributes['correlation.id'] === 'router-1' && s.kind === 2));
    const server = spans.find((s) => s.attributes['correlation.id'] === 'router-1' && s.kind === 2);
    assert.equal(server?.name, 'GET /api/v1/items/:id');
    assert.equal(server?.attributes['http.route'], '/api/v1/items/:id');
    assert.equal(server?.attributes['http.response.status_code'], 200);
    assert.equal(server?.attributes['url.path'], '/api/v1/items/42');
  });

  it('writes one access log line per request with the route template', async () => {
    await fetch(`${app.url}/hello/grace`, { headers: { 'x-correlation-id': 'access-1' } });
    const access = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'access-1');
    assert.equal(access.http_request_method, 'GET');
    assert.equal(access.http_route, '/hello/:name');
    assert.equal(access.http_response_status_code, 200);
    assert.equal(typeof access.duration_ms, 'number');
    assert.equal(app.logs.filter((l) => l.msg === 'request completed' && l.correlation_id === 'access-1').length, 1);
    // The line carries the request's own server span, though it is written after the request's context is left.
    const spans = await otlp.waitFor((items) => items.some((s) => s.attributes['correlation.id'] === 'access-1' && s.kind === 2));
    const server = spans.find((s) => s.attributes['correlation.id'] === 'access-1' && s.kind === 2);
    assert.equal(access.trace_id, server?.traceId);
    assert.equal(access.span_id, server?.spanId);
    assert.equal(access.service, 'test-app');
    assert.equal(access.level, 'info');
  });

  it("writes access lines at the root logger's level, whatever a child logger's level", async () => {
    await fetch(`${app.url}/log-level?level=warn`);
    await fetch(`${app.url}/hello/quiet`, { headers: { 'x-correlation-id': 'level-quiet' } });
    await fetch(`${app.url}/log-level?level=info`);
    await fetch(`${app.url}/log-level?level=error&child=1`);
    await fetch(`${app.url}/hello/loud`, { headers: { 'x-correlation-id': 'level-loud' } });
    await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'level-loud');
    assert.ok(!app.logs.some((l) => l.msg === 'request completed' && l.correlation_id === 'level-quiet'), 'no access line while the root logger was at warn');
    const rejected = await fetch(`${app.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'level-warn' },
      body: '{not json',
    });
    assert.equal(rejected.status, 400);
    const line = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'level-warn');
    assert.equal(line.level, 'warn', 'a 4xx access line is a warning');
  });

  it('redacts secrets in log lines by default', async () => {
    await fetch(`${app.url}/hello/redact`, { headers: { 'x-correlation-id': 'redact-1' } });
    const line = await app.waitForLog((l) => l.msg === 'said hello' && l.correlation_id === 'redact-1');
    assert.equal(line.password, '[REDACTED]');
    assert.deepEqual(line.headers, { authorization: '[REDACTED]' });
    assert.ok(!JSON.stringify(app.logs).includes('hunter2'));
  });

  it('falls back to x-request-id, then to a new ID', async () => {
    const fromRequestId = await fetch(`${app.url}/hello/a`, { headers: { 'x-request-id': 'req-7' } });
    assert.equal(fromRequestId.headers.get('x-correlation-id'), 'req-7');
    const fresh = await fetch(`${app.url}/hello/b`);
    assert.match(String(fresh.headers.get('x-correlation-id')), /^[0-9a-f-]{36}$/);
  });

  it('replaces, counts and never echoes or logs a malformed correlation ID', async () => {
    const before = counterValue(await app.metrics(), 'threadline_invalid_correlation_ids_total');
    const hostile = 'evil"}\n{"level":"fatal","msg":"forged';
    const response = await fetch(`${app.url}/hello/mallory`, { headers: { 'x-correlation-id': encodeURI(hostile) } });
    const echoed = String(response.headers.get('x-correlation-id'));
    assert.match(echoed, /^[0-9a-f-]{36}$/);
    const line = await app.waitForLog((l) => l.msg === 'said hello' && l.correlation_id === echoed);
    assert.ok(line);
    assert.ok(!app.logs.some((l) => JSON.stringify(l).includes('evil')), 'raw value never logged');
    assert.equal(app.rawLines.length, 0, 'every stdout line is JSON');
    assert.equal(counterValue(await app.metrics(), 'threadline_invalid_correlation_ids_total'), before + 1);
  });

  it('collapses unmatched routes and records status codes', async () => {
    await fetch(`${app.url}/no/such/path/${Math.random()}`);
    await fetch(`${app.url}/fail`);
    const text = await app.metrics();
    assert.match(text, /http_server_request_duration_seconds_count\{service="test-app",http_request_method="GET",http_route="unmatched",http_response_status_code="404"\} 1/);
    assert.match(text, /http_server_request_duration_seconds_count\{[^}]*http_route="\/fail",http_response_status_code="500"\} 1/);
    assert.ok(!text.includes('/no/such/path'));
  });

  it('serves plain text by default and OpenMetrics with exemplars on request', async () => {
    const plain = await fetch(`http://127.0.0.1:${app.metricsPort}/metrics`);
    assert.match(String(plain.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    const plainText = await plain.text();
    assert.ok(!plainText.includes('# EOF'));
    assert.ok(!plainText.includes('trace_id'));
    assert.match(plainText, /^threadline_logs_dropped_total\{service="test-app"\} 0$/m);
    assert.match(plainText, /^nodejs_eventloop_lag_seconds\{service="test-app"\}/m);
    assert.match(plainText, /^nodejs_eventloop_utilization_ratio\{service="test-app"\}/m);
    const open = await app.metrics(true);
    assert.ok(open.endsWith('# EOF\n'));
    assert.match(open, /^threadline_logs_dropped_total\{service="test-app"\} 0$/m);
    // Rendering twice in each format must not corrupt counter names.
    assert.match(await app.metrics(), /^threadline_spans_dropped_total\{service="test-app"\} 0$/m);
  });

  it('answers GET /metrics only on the metrics port', async () => {
    const base = `http://127.0.0.1:${app.metricsPort}`;
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/metrics/../etc/passwd`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
    // The app's router does not serve metrics, and scrapes are not counted as app requests.
    assert.equal((await fetch(`${app.url}/metrics`)).status, 404);
    assert.ok(!(await app.metrics()).includes('http_route="/metrics"'));
  });

  it('runs withCorrelationId callbacks under the given ID, replacing invalid ones', async () => {
    await fetch(`${app.url}/log-with?id=job-9`);
    const line = await app.waitForLog((l) => l.msg === 'inside withCorrelationId' && l.correlation_id === 'job-9');
    assert.ok(line);
    await fetch(`${app.url}/log-with?id=${encodeURIComponent('bad id')}`);
    const replaced = await app.waitForLog((l) => l.msg === 'inside withCorrelationId' && l.correlation_id !== 'job-9');
    assert.match(String(replaced.correlation_id), /^[0-9a-f-]{36}$/);
  });
});
