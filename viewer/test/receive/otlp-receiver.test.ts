import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { TRACES } from '../../src/receive/otlp-proto.ts';
import { testViewer, type TestViewer } from '../helpers/viewer.ts';
import { hex, logsJson, logsProtobuf, tracesJson, tracesProtobuf, type TestSpan } from '../helpers/telemetry.ts';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

function twoSpans(): TestSpan[] {
  const traceId = hex(16);
  const root = hex(8);
  return [
    { traceId, spanId: root, name: 'GET /orders/:id', startMs: Date.now() - 50, durationMs: 40, attributes: { 'http.route': '/orders/:id', 'http.response.status_code': 200, 'correlation.id': `c-${hex(4)}` } },
    { traceId, spanId: hex(8), parentSpanId: root, name: 'SELECT', kind: 3, startMs: Date.now() - 45, durationMs: 10, attributes: { 'db.system': 'postgresql' } },
  ];
}

describe('OTLP/HTTP receiver', () => {
  let viewer: TestViewer;
  before(async () => (viewer = await testViewer()));
  after(() => viewer.dispose());

  it('stores spans sent as protobuf, plain and gzipped, and answers with an empty ExportTraceServiceResponse', async () => {
    const spans = twoSpans();
    const plain = await viewer.post('/v1/traces', tracesProtobuf('orders', spans), PROTOBUF);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('content-type'), 'application/x-protobuf');
    assert.deepEqual(TRACES.response.decode(plain.body), TRACES.response.decode(new Uint8Array()));
    const zipped = twoSpans();
    const gz = await viewer.post('/v1/traces', gzipSync(tracesProtobuf('orders', zipped)), { ...PROTOBUF, 'content-encoding': 'gzip' });
    assert.equal(gz.status, 200);
    const view = await viewer.get<{ traces: Array<{ spans: Array<Record<string, unknown>> }> }>(`/api/request/${spans[0]!.traceId}`);
    assert.equal(view.traces[0]!.spans.length, 2);
    const [root, child] = view.traces[0]!.spans;
    assert.equal(root!.service, 'orders');
    assert.equal(root!.kind, 'SERVER');
    assert.equal(root!.route, '/orders/:id');
    assert.equal(root!.parentSpanId, '');
    assert.equal(child!.parentSpanId, spans[0]!.spanId);
    assert.equal(child!.kind, 'CLIENT');
    assert.equal(await viewer.get<{ traces: unknown[] }>(`/api/request/${zipped[0]!.traceId}`).then((v) => v.traces.length), 1);
  });

  it('stores OTLP/JSON and answers in JSON', async () => {
    const spans = twoSpans();
    const response = await viewer.post('/v1/traces', JSON.stringify(tracesJson('payments', spans)), JSON_TYPE);
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body.toString()), {});
    const view = await viewer.get<{ traces: Array<{ spans: Array<{ service: string; durationMs: number }> }> }>(`/api/request/${spans[0]!.traceId}`);
    assert.equal(view.traces[0]!.spans[0]!.service, 'payments');
    assert.ok(Math.abs(view.traces[0]!.spans[0]!.durationMs - 40) < 0.01);
  });

  it('rejects spans without IDs one by one, as partial success, and keeps the rest', async () => {
    const good = twoSpans();
    const body = tracesJson('orders', good);
    body.resourceSpans[0]!.scopeSpans[0]!.spans.push({ ...body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, traceId: '', spanId: hex(8) });
    const response = await viewer.post('/v1/traces', JSON.stringify(body), JSON_TYPE);
    assert.equal(response.status, 200);
    const answer = JSON.parse(response.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(answer.partialSuccess.rejectedSpans, '1');
    assert.match(answer.partialSuccess.errorMessage, /traceId/);
    const view = await viewer.get<{ traces: Array<{ spans: unknown[] }> }>(`/api/request/${good[0]!.traceId}`);
    assert.equal(view.traces[0]!.spans.length, 2);
  });

  it('stores OTLP log records tied to their trace, protobuf and JSON', async () => {
    const traceId = hex(16);
    const spanId = hex(8);
    const records = [{ timeMs: Date.now(), body: 'payment declined', severityText: 'WARN', traceId, spanId, attributes: { 'correlation.id': 'corr-otlp-1' } }];
    assert.equal((await viewer.post('/v1/logs', logsProtobuf('payments', records), PROTOBUF)).status, 200);
    assert.equal((await viewer.post('/v1/logs', JSON.stringify(logsJson('payments', [{ ...records[0]!, body: 'retrying' }])), JSON_TYPE)).status, 200);
    const view = await viewer.get<{ logs: Array<{ msg: string; level: string; trace_id: string; span_id: string; service: string }> }>('/api/request/corr-otlp-1');
    assert.deepEqual(view.logs.map((log) => log.msg).sort(), ['payment declined', 'retrying']);
    assert.equal(view.logs[0]!.level, 'warn');
    assert.equal(view.logs[0]!.trace_id, traceId);
    assert.equal(view.logs[0]!.span_id, spanId);
  });

  it('refuses what it cannot read with a one-line reason and stores nothing of it', async () => {
    const before = viewer.counts();
    const cases: Array<[string, Uint8Array | string, Record<string, string>, number, RegExp]> = [
      ['/v1/traces', '{"resourceSpans": ', JSON_TYPE, 400, /not valid JSON/],
      ['/v1/traces', '[1,2]', JSON_TYPE, 400, /JSON object/],
      ['/v1/traces', JSON.stringify({ resourceSpans: 'x' }), JSON_TYPE, 400, /resourceSpans must be an array/],
      ['/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), PROTOBUF, 400, /not a protobuf ExportTraceServiceRequest/],
      ['/v1/traces', 'x', { 'content-type': 'text/plain' }, 415, /application\/x-protobuf or application\/json/],
      ['/v1/traces', 'x', { ...JSON_TYPE, 'content-encoding': 'br' }, 415, /gzip, deflate or none/],
      ['/v1/traces', Buffer.from('not gzip'), { ...JSON_TYPE, 'content-encoding': 'gzip' }, 400, /not valid gzip/],
    ];
    for (const [path, body, headers, status, reason] of cases) {
      const response = await viewer.post(path, body, headers);
      assert.equal(response.status, status, `${JSON.stringify(headers)} ${String(body).slice(0, 20)}`);
      const text = response.headers.get('content-type')?.includes('json') ? (JSON.parse(response.body.toString()) as { message: string }).message : response.body.toString();
      assert.match(text, reason);
    }
    assert.deepEqual(viewer.counts(), before);
  });
});

describe('OTLP/HTTP receiver limits', () => {
  it('answers 413 for a body over the limit, and for a small gzip body that expands past it', async () => {
    const viewer = await testViewer({ maxBodyBytes: 4096 });
    try {
      const big = JSON.stringify(tracesJson('orders', twoSpans())).padEnd(10_000, ' ');
      assert.equal((await viewer.post('/v1/traces', big, JSON_TYPE)).status, 413);
      const bomb = gzipSync(Buffer.alloc(1_000_000, 0x20));
      assert.ok(bomb.length < 4096);
      assert.equal((await viewer.post('/v1/traces', bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' })).status, 413);
      assert.equal(viewer.counts().spans, 0);
      assert.equal(viewer.store.counters.get('requests_refused_too_large'), 2);
    } finally {
      await viewer.dispose();
    }
  });

  it('answers 503 with Retry-After when the store is behind, and stores nothing of that request', async () => {
    const viewer = await testViewer({ maxPendingRows: 3 });
    try {
      // Two requests in the same turn: the first fills the queue, the second finds it full.
      const [first, second] = await Promise.all([
        viewer.post('/v1/traces', tracesProtobuf('orders', twoSpans()), PROTOBUF),
        viewer.post('/v1/traces', tracesProtobuf('orders', twoSpans()), PROTOBUF),
      ]);
      const statuses = [first.status, second.status].sort();
      if (statuses[1] === 503) {
        const refused = first.status === 503 ? first : second;
        assert.equal(refused.headers.get('retry-after'), '1');
        assert.equal(viewer.counts().spans, 2);
      } else {
        // Both arrived in different turns: the queue drained in between, which is also right.
        assert.equal(viewer.counts().spans, 4);
      }
      assert.equal(viewer.store.counters.get('requests_refused_overloaded'), statuses[1] === 503 ? 1 : 0);
    } finally {
      await viewer.dispose();
    }
  });
});
