// node:http2 between two services, each with the agent: a 'stream'-event server calls a
// compatibility-API server with node:http2's client. One trace, the caller's correlation ID in
// both services' logs and responses, the HTTP histograms and access lines as for HTTP/1.1.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { startApp, type AppProcess } from '../helpers/app-process.ts';
import { exemplarTraceIds } from '../helpers/metrics-text.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

const SERVER = 2;
const CLIENT = 3;

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':path': path, ...headers });
    let received: http2.IncomingHttpHeaders = {};
    let body = '';
    stream.on('response', (h) => (received = h));
    stream.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status: Number(received[':status']), headers: received, body });
    });
    stream.on('error', reject);
  });
}

describe('HTTP/2 between two services', () => {
  let otlp: Receiver<ReceivedSpan>;
  let front: AppProcess;
  let back: AppProcess;

  before(async () => {
    otlp = await startOtlpReceiver();
    const start = (name: string): Promise<AppProcess> =>
      startApp('http2-app.cjs', { env: { OTEL_SERVICE_NAME: name, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
    [front, back] = await Promise.all([start('front'), start('back')]);
  });

  after(async () => {
    await Promise.all([front.stop(), back.stop()]);
    await otlp.close();
  });

  const streamPort = async (app: AppProcess): Promise<number> => Number((await app.waitForLog((l) => l.msg === 'listening')).streamPort);

  it('carries trace and correlation ID from a stream server through the client to a compat server', async () => {
    const target = encodeURIComponent(`http://127.0.0.1:${back.port}`);
    const response = await get(await streamPort(front), `/chain?target=${target}`, { 'x-correlation-id': 'h2-chain-1' });
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-correlation-id'], 'h2-chain-1', 'the stream server echoes the ID');
    assert.deepEqual(JSON.parse(response.body), { remote: { correlationId: 'h2-chain-1' }, correlationId: 'h2-chain-1' });

    const frontLine = await front.waitForLog((l) => l.msg === 'h2 chain done' && l.correlation_id === 'h2-chain-1');
    const backLine = await back.waitForLog((l) => l.msg === 'h2 hello' && l.correlation_id === 'h2-chain-1');
    const traceId = String(frontLine.trace_id);
    assert.equal(backLine.trace_id, traceId);

    const spans = await otlp.waitFor((items) => items.filter((s) => s.traceId === traceId).length >= 3);
    const inTrace = spans.filter((s) => s.traceId === traceId);
    const frontServer = inTrace.find((s) => s.kind === SERVER && s.resource['service.name'] === 'front');
    const client = inTrace.find((s) => s.kind === CLIENT && s.resource['service.name'] === 'front');
    const backServer = inTrace.find((s) => s.kind === SERVER && s.resource['service.name'] === 'back');
    assert.ok(frontServer && client && backServer, inTrace.map((s) => `${s.kind} ${s.name}`).join(', '));
    assert.equal(client.parentSpanId, frontServer.spanId);
    assert.equal(backServer.parentSpanId, client.spanId);
    assert.deepEqual([frontServer.name, frontServer.attributes['url.path'], frontServer.attributes['url.scheme']], ['GET', '/chain', 'http']);
    assert.deepEqual(
      [client.name, client.attributes['url.full'], Number(client.attributes['http.response.status_code']), client.attributes['network.protocol.version']],
      ['GET', `http://127.0.0.1:${back.port}/hello`, 200, '2'],
    );
    assert.equal(backServer.attributes['correlation.id'], 'h2-chain-1');
    assert.equal(backLine.span_id, backServer.spanId);

    for (const app of [front, back]) {
      const access = app.logs.filter((l) => l.msg === 'request completed' && l.correlation_id === 'h2-chain-1');
      assert.equal(access.length, 1, 'one access line per request');
      assert.deepEqual([access[0]?.http_request_method, access[0]?.http_response_status_code, access[0]?.trace_id], ['GET', 200, traceId]);
    }
    const backText = await back.metrics();
    assert.match(backText, /http_server_request_duration_seconds_count\{[^}]*http_request_method="GET",http_route="untemplated",http_response_status_code="200"\} 1/);
    const frontText = await front.metrics();
    assert.match(frontText, new RegExp(`http_client_request_duration_seconds_count\\{[^}]*server_address="127.0.0.1:${back.port}",http_response_status_code="200"\\} 1`));
    assert.ok(exemplarTraceIds(await back.metrics(true), 'http_server_request_duration_seconds_bucket').includes(traceId));
    assert.ok(exemplarTraceIds(await front.metrics(true), 'http_client_request_duration_seconds_bucket').includes(traceId));
  });

  it('gives a request without an ID a new one, and counts a server error', async () => {
    const response = await get(back.port, '/fail', { 'x-correlation-id': 'bad id!' });
    assert.equal(response.status, 500);
    const id = String(response.headers['x-correlation-id']);
    assert.match(id, /^[0-9a-f-]{36}$/);
    const access = await back.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === id);
    assert.deepEqual([access.level, access.http_response_status_code], ['error', 500]);
    const spans = await otlp.waitFor((items) => items.some((s) => s.attributes['correlation.id'] === id));
    assert.equal(spans.find((s) => s.attributes['correlation.id'] === id)?.statusCode, 2);
    const text = await back.metrics();
    assert.match(text, /http_server_request_duration_seconds_count\{[^}]*http_response_status_code="500"\} 1/);
    assert.match(text, /threadline_invalid_correlation_ids_total\{[^}]*\} 1/);
  });
});
