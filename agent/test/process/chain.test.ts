// Two services in a chain, each with the agent: one trace across both, and the caller's
// correlation ID in both services' logs, over fetch and over node:http.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startApp, type AppProcess } from '../helpers/app-process.ts';
import { exemplarTraceIds } from '../helpers/metrics-text.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

describe('two services in a chain', () => {
  let otlp: Receiver<ReceivedSpan>;
  let front: AppProcess;
  let back: AppProcess;

  before(async () => {
    otlp = await startOtlpReceiver();
    back = await startApp('express-app.cjs', { env: { OTEL_SERVICE_NAME: 'back', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
    front = await startApp('express-app.cjs', {
      env: { OTEL_SERVICE_NAME: 'front', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    });
  });

  after(async () => {
    await Promise.all([front.stop(), back.stop()]);
    await otlp.close();
  });

  it('carries trace and correlation ID over fetch and node:http', async () => {
    const response = await fetch(`${front.url}/chain?target=${encodeURIComponent(back.url)}`, {
      headers: { 'x-correlation-id': 'chain-1' },
    });
    const body = (await response.json()) as Record<string, { correlationId: string }>;
    assert.equal(body.viaFetch?.correlationId, 'chain-1');
    assert.equal(body.viaHttp?.correlationId, 'chain-1');

    const frontLine = await front.waitForLog((l) => l.msg === 'chain done' && l.correlation_id === 'chain-1');
    const backLines = await Promise.all(
      ['fetch', 'http'].map((name) =>
        back.waitForLog((l) => l.msg === 'said hello' && l.name === name && l.correlation_id === 'chain-1'),
      ),
    );
    for (const line of backLines) assert.equal(line.trace_id, frontLine.trace_id);

    const traceId = String(frontLine.trace_id);
    const spans = await otlp.waitFor(
      (items) => new Set(items.filter((s) => s.traceId === traceId && s.kind === 2).map((s) => s.resource['service.name'])).size === 2 &&
        items.filter((s) => s.traceId === traceId && s.kind === 2).length >= 3,
    );
    const inTrace = spans.filter((s) => s.traceId === traceId);
    const services = new Set(inTrace.map((s) => s.resource['service.name']));
    assert.deepEqual([...services].sort(), ['back', 'front']);
    const clientSpans = inTrace.filter((s) => s.kind === 3);
    assert.ok(clientSpans.length >= 2, 'a CLIENT span for fetch and one for node:http');
    // Each back-end server span is a child of one of the front's client spans.
    for (const server of inTrace.filter((s) => s.kind === 2 && s.resource['service.name'] === 'back')) {
      assert.ok(clientSpans.some((c) => c.spanId === server.parentSpanId), 'server span parented by a client span');
    }
    // The fetch span: named and described as the HTTP client conventions say, parent of the
    // back end's server span for /hello/fetch.
    const fetchSpan = clientSpans.find((s) => String(s.attributes['url.full']).endsWith('/hello/fetch'));
    assert.ok(fetchSpan, 'a CLIENT span for the fetch');
    assert.equal(fetchSpan.name, 'GET');
    assert.equal(fetchSpan.statusCode, 0);
    assert.deepEqual(
      [fetchSpan.attributes['url.full'], fetchSpan.attributes['server.address'], Number(fetchSpan.attributes['server.port'])],
      [`${back.url}/hello/fetch`, '127.0.0.1', back.port],
    );
    assert.equal(Number(fetchSpan.attributes['http.response.status_code']), 200);
    assert.equal(fetchSpan.attributes['http.request.method'], 'GET');
    const frontServer = inTrace.find((s) => s.kind === 2 && s.resource['service.name'] === 'front');
    assert.equal(fetchSpan.parentSpanId, frontServer?.spanId);
    const text = await front.metrics();
    assert.match(text, new RegExp(`http_client_request_duration_seconds_count\\{[^}]*server_address="127.0.0.1:${back.port}",http_response_status_code="200"\\} 2`));
    // The exemplar of the outgoing call is the caller's trace (the last of its two calls).
    const exemplars = exemplarTraceIds(await front.metrics(true), 'http_client_request_duration_seconds_bucket');
    assert.ok(exemplars.includes(traceId), 'the chain trace is an exemplar of the client histogram');
  });

  it('marks a failed fetch as an error, in its span and its metric', async () => {
    // A port nothing listens on (fetch refuses the well-known ones before connecting).
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    const refused = `http://127.0.0.1:${port}`;
    const response = await fetch(`${front.url}/chain?target=${encodeURIComponent(refused)}`, {
      headers: { 'x-correlation-id': 'chain-refused' },
    });
    assert.equal(response.status, 500);
    const spans = await otlp.waitFor((items) =>
      items.some((s) => s.kind === 3 && s.attributes['correlation.id'] === 'chain-refused'),
    );
    const failed = spans.find((s) => s.kind === 3 && s.attributes['correlation.id'] === 'chain-refused');
    assert.equal(failed?.statusCode, 2);
    assert.equal(failed?.attributes['url.full'], `${refused}/hello/fetch`);
    assert.ok(typeof failed?.attributes['error.type'] === 'string' && failed.attributes['error.type'] !== '', 'error.type set');
    const text = await front.metrics();
    assert.match(text, new RegExp(`http_client_request_duration_seconds_count\\{[^}]*server_address="127.0.0.1:${port}",http_response_status_code="error"\\} 1`));
  });
});
