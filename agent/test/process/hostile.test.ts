// Hostile input: correlation headers, log injection, label cardinality, secrets in URLs and
// headers, and what the metrics port exposes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startApp, type AppProcess } from '../helpers/app-process.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Sends raw bytes as an HTTP request and returns the raw response head. */
function rawRequest(port: number, head: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      response += chunk;
      if (response.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(response));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy());
    socket.write(head);
  });
}

describe('correlation IDs from arbitrary input', () => {
  describe('through a real server', () => {
    let app: AppProcess;
    before(async () => {
      app = await startApp('express-app.cjs');
    });
    after(() => app.stop());

    it('echoes only valid IDs, logs only valid IDs, and every stdout line stays one JSON object', async () => {
      const header = fc.oneof(
        fc.string({ minLength: 1, maxLength: 200, unit: 'binary' }),
        fc.string({ minLength: 1, maxLength: 20 }).map((s) => `${s}\r\nx-injected: 1`),
        fc.string({ minLength: 1, maxLength: 20 }).map((s) => `{"correlation_id":"${s}"}`),
        fc.constant('a'.repeat(20_000)),
        fc.stringMatching(VALID),
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(header, async (value) => {
          n += 1;
          const head = Buffer.concat([
            Buffer.from(`GET /hello/p${n} HTTP/1.1\r\nHost: test\r\nx-correlation-id: `, 'latin1'),
            Buffer.from(value, 'utf8'),
            Buffer.from('\r\nConnection: close\r\n\r\n', 'latin1'),
          ]);
          const response = await rawRequest(app.port, head);
          const echoed = /\r\nx-correlation-id: ([^\r\n]*)\r\n/i.exec(response)?.[1];
          assert.ok(!/\r\nx-injected:/i.test(response), 'no header injection into the response');
          if (echoed === undefined) {
            // The HTTP parser refused the request (400) before the app saw it.
            assert.match(response, /^HTTP\/1\.1 4\d\d/);
            return;
          }
          assert.match(echoed, VALID);
          if (!VALID.test(value)) assert.notEqual(echoed, value);
          const line = await app.waitForLog((l) => l.msg === 'said hello' && l.name === `p${n}`);
          assert.equal(line.correlation_id, echoed);
        }),
        { numRuns: 150 },
      );
      assert.equal(app.rawLines.length, 0, `non-JSON stdout lines: ${app.rawLines.slice(0, 3).join(' | ')}`);
      for (const line of app.logs) if (line.correlation_id !== undefined) assert.match(String(line.correlation_id), VALID);
    });
  });
});

describe('hostile text in log lines', () => {
  let app: AppProcess;
  before(async () => {
    app = await startApp('express-app.cjs');
  });
  after(() => app.stop());

  it('cannot forge a second log line through messages or fields', async () => {
    const attacks = [
      'done\n{"level":"fatal","msg":"forged"}',
      'done\r\n{"level":"fatal","msg":"forged"}',
      'tab\tbell\u0007null\u0000esc\u001b[31m',
      '"}, "level": "fatal',
      '\u2028line separator\u2029',
    ];
    for (const text of attacks) {
      const before = app.logs.length;
      await fetch(`${app.url}/inject?text=${encodeURIComponent(text)}`);
      const line = await app.waitForLog((l) => l.level === 'warn' && l.msg === text);
      assert.equal(line.field, text, 'the field survives intact');
      assert.deepEqual(line.nested, { deeper: [text] });
      await app.waitForLog((l) => l.msg === 'request completed' && app.logs.indexOf(l) >= before);
    }
    assert.equal(app.rawLines.length, 0);
    assert.ok(!app.logs.some((l) => l.msg === 'forged'));
  });
});

describe('label cardinality', () => {
  it('random paths and many hosts do not create a series each', async () => {
    const app = await startApp('express-app.cjs');
    try {
      await Promise.all(Array.from({ length: 500 }, (_, i) => fetch(`${app.url}/random/${i}/${Math.random()}`).then((r) => r.arrayBuffer())));
      await fetch(`${app.url}/fan-out?count=120&base=20000`);
      const text = await app.metrics();
      const routes = new Set([...text.matchAll(/http_server_request_duration_seconds_count\{[^}]*http_route="([^"]*)"/g)].map((m) => m[1]));
      assert.ok(routes.has('unmatched'));
      assert.ok(routes.size <= 3, `routes: ${[...routes].join(', ')}`);
      const hosts = new Set([...text.matchAll(/http_client_request_duration_seconds_count\{[^}]*server_address="([^"]*)"/g)].map((m) => m[1]));
      assert.ok(hosts.size <= 51, `${hosts.size} server_address values`);
      assert.ok(hosts.has('other'));
    } finally {
      await app.stop();
    }
  });
});

describe('secrets in traces', () => {
  let otlp: Receiver<ReceivedSpan>;
  let app: AppProcess;
  before(async () => {
    otlp = await startOtlpReceiver();
    app = await startApp('express-app.cjs', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
  });
  after(async () => {
    await app.stop();
    await otlp.close();
  });

  it('censors secret query parameters and never records auth headers or cookies', async () => {
    await fetch(`${app.url}/secret-calls?target=${encodeURIComponent(app.url)}&token=inbound-secret`, {
      headers: { 'x-correlation-id': 'secrets-1', authorization: 'Bearer inbound-header-secret', cookie: 'session=cookie-secret' },
    });
    const spans = await otlp.waitFor((items) => items.filter((s) => s.attributes['correlation.id'] === 'secrets-1' && s.kind === 2).length >= 3);
    const ours = spans.filter((s) => s.attributes['correlation.id'] === 'secrets-1');
    const serialized = JSON.stringify(ours);
    for (const secret of ['fetch-secret', 'http-secret', 'inbound-secret', 'header-secret', 'cookie-secret']) {
      assert.ok(!serialized.includes(secret), `${secret} leaked into a span`);
    }
    const fetchSpan = ours.find((s) => s.kind === 3 && String(s.attributes['url.full']).includes('/hello/a'));
    assert.ok(fetchSpan, 'the fetch client span');
    assert.match(String(fetchSpan.attributes['url.full']), /token=\[REDACTED\]&page=2/);
  });
});

describe('the metrics endpoint', () => {
  it('binds to THREADLINE_METRICS_HOST', async () => {
    const app = await startApp('express-app.cjs', { env: { THREADLINE_METRICS_HOST: '127.0.0.1' } });
    try {
      await app.metrics();
      const portHex = app.metricsPort.toString(16).toUpperCase().padStart(4, '0');
      const listening = readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .filter((line) => line.includes(`:${portHex} `) && / 0A /.test(line))
        .map((line) => line.trim().split(/\s+/)[1]);
      assert.deepEqual(listening, [`0100007F:${portHex}`], 'listening on 127.0.0.1 only');
    } finally {
      await app.stop();
    }
  });

  it('keeps answering the app while a scraper stalls mid-response', async () => {
    const app = await startApp('express-app.cjs');
    try {
      const stalled = connect(app.metricsPort, '127.0.0.1');
      stalled.write('GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text\r\n\r\n');
      stalled.pause(); // never reads the body
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => fetch(`${app.url}/hello/s${i}`).then((r) => r.status)));
      assert.deepEqual(new Set(results), new Set([200]));
      stalled.destroy();
    } finally {
      await app.stop();
    }
  });
});
