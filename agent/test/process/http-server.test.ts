// Inbound requests on servers other than plain node:http: an https server is traced like any
// other (the wrapper sits on net.Server), and so are an HTTP/2 TLS server's compatibility
// requests (plain HTTP/2 and its 'stream' API: http2.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApp, type AppProcess } from '../helpers/app-process.ts';
import { selfSigned } from '../helpers/tls.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

function get(url: string, headers: Record<string, string>): Promise<{ status: number; correlation: string | undefined; body: unknown }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { headers, rejectUnauthorized: false }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, correlation: response.headers['x-correlation-id'] as string | undefined, body: JSON.parse(body) }));
      })
      .on('error', reject);
  });
}

function getHttp2(port: number): Promise<{ status: number; correlation: unknown; body: unknown }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    session.on('error', reject);
    const stream = session.request({ ':path': '/h2', 'x-correlation-id': 'h2-1' });
    let headers: http2.IncomingHttpHeaders = {};
    let body = '';
    stream.on('response', (received) => (headers = received));
    stream.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status: Number(headers[':status']), correlation: headers['x-correlation-id'], body: JSON.parse(body) });
    });
    stream.on('error', reject);
  });
}

describe('servers beyond node:http', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'threadline-tls-'));
  let otlp: Receiver<ReceivedSpan>;
  let app: AppProcess;

  before(async () => {
    const { key, cert } = selfSigned(scratch);
    otlp = await startOtlpReceiver();
    app = await startApp('tls-servers.cjs', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, TLS_KEY: key, TLS_CERT: cert } });
  });

  after(async () => {
    await app.stop();
    await otlp.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('traces an https request: correlation ID, an https server span and the access line', async () => {
    const response = await get(`https://127.0.0.1:${app.port}/secure?token=x`, { 'x-correlation-id': 'tls-1' });
    assert.equal(response.status, 200);
    assert.equal(response.correlation, 'tls-1');
    assert.deepEqual(response.body, { correlationId: 'tls-1' });

    const spans = await otlp.waitFor((items) => items.some((s) => s.kind === 2 && s.attributes['correlation.id'] === 'tls-1'));
    const server = spans.find((s) => s.kind === 2 && s.attributes['correlation.id'] === 'tls-1');
    assert.equal(server?.attributes['url.scheme'], 'https');
    assert.equal(server?.attributes['url.path'], '/secure');

    const line = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'tls-1');
    assert.equal(line.trace_id, server?.traceId);
    assert.equal(line.http_response_status_code, 200);
  });

  it('traces an HTTP/2 TLS compatibility request: correlation ID echoed, an https server span, the access line', async () => {
    const listening = await app.waitForLog((l) => l.msg === 'listening');
    const response = await getHttp2(Number(listening.http2Port));
    assert.equal(response.status, 200);
    assert.equal(response.correlation, 'h2-1');
    assert.deepEqual(response.body, { correlationId: 'h2-1' });
    const spans = await otlp.waitFor((items) => items.some((s) => s.kind === 2 && s.attributes['correlation.id'] === 'h2-1'));
    const server = spans.find((s) => s.kind === 2 && s.attributes['correlation.id'] === 'h2-1');
    assert.deepEqual([server?.attributes['url.scheme'], server?.attributes['url.path']], ['https', '/h2']);
    const line = await app.waitForLog((l) => l.msg === 'request completed' && l.correlation_id === 'h2-1');
    assert.equal(line.trace_id, server?.traceId);
  });
});
