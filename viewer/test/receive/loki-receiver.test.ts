import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { parseLabels } from '../../src/receive/loki-push.ts';
import { testViewer, type TestViewer } from '../helpers/viewer.ts';
import { agentLine, hex, lokiJson, lokiProtobuf } from '../helpers/telemetry.ts';

interface View {
  logs: Array<{ service: string; level: string; msg: string; trace_id: string | null; span_id: string | null; correlation_id: string | null; line: string; time: number }>;
}

describe('Loki push receiver', () => {
  let viewer: TestViewer;
  before(async () => (viewer = await testViewer()));
  after(() => viewer.dispose());

  it('reads the agent\'s lines from a snappy protobuf push and answers 204', async () => {
    const traceId = hex(16);
    const line = agentLine({ service: 'orders', msg: 'order placed', trace_id: traceId, span_id: hex(8), correlation_id: 'corr-loki-1' });
    const response = await viewer.post('/loki/api/v1/push', lokiProtobuf([{ labels: { service_name: 'orders', level: 'info' }, entries: [{ timeMs: 1_700_000_000_123, line }] }]), { 'content-type': 'application/x-protobuf' });
    assert.equal(response.status, 204);
    const view = await viewer.get<View>('/api/request/corr-loki-1');
    assert.equal(view.logs.length, 1);
    assert.deepEqual({ ...view.logs[0], line: undefined }, { ...view.logs[0], service: 'orders', level: 'info', msg: 'order placed', trace_id: traceId, correlation_id: 'corr-loki-1', time: 1_700_000_000_123, line: undefined });
    assert.equal(view.logs[0]!.line, line);
  });

  it('reads JSON pushes, gzipped or not, and takes the IDs from structured metadata for lines that are not JSON', async () => {
    const traceId = hex(16);
    const push = lokiJson([{ labels: { service_name: 'promtail-app', level: 'error' }, entries: [{ timeMs: Date.now(), line: 'plain text failure', metadata: { trace_id: traceId, correlation_id: 'corr-loki-2' } }] }]);
    assert.equal((await viewer.post('/loki/api/v1/push', JSON.stringify(push), { 'content-type': 'application/json' })).status, 204);
    const zipped = lokiJson([{ labels: { service_name: 'promtail-app' }, entries: [{ timeMs: Date.now(), line: agentLine({ service: 'promtail-app', msg: 'second', correlation_id: 'corr-loki-2', level: 'warn' }) }] }]);
    assert.equal((await viewer.post('/loki/api/v1/push', gzipSync(JSON.stringify(zipped)), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status, 204);
    const view = await viewer.get<View>('/api/request/corr-loki-2');
    assert.deepEqual(view.logs.map((log) => [log.service, log.level, log.msg, log.trace_id]), [
      ['promtail-app', 'error', 'plain text failure', traceId],
      ['promtail-app', 'warn', 'second', null],
    ]);
  });

  it('refuses malformed pushes with a reason and stores none of their lines', async () => {
    const before = viewer.counts().logs;
    const good = { timeMs: Date.now(), line: 'kept?' };
    const cases: Array<[Uint8Array | string, string, number, RegExp]> = [
      [Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 'application/x-protobuf', 400, /snappy/],
      [JSON.stringify({ streams: [{ stream: { a: 'b' }, values: [['12', 'ok'], [12, 'bad']] }] }), 'application/json', 400, /values must be/],
      [lokiProtobuf([{ labels: { service_name: 'x' }, entries: [good] }, { labels: {}, entries: [good] }]).slice(0, 10), 'application/x-protobuf', 400, /snappy|PushRequest/],
      [JSON.stringify({ streams: {} }), 'application/json', 400, /streams must be an array/],
      // A block whose literal length wraps negative: a JS decoder looped on it forever, stalling the viewer.
      [Buffer.from([0x19, 0xfc, 0xad, 0xc4, 0xf7, 0x8b, 0x1c, 0x63, 0xa3]), 'application/x-protobuf', 400, /snappy/],
    ];
    for (const [body, type, status, reason] of cases) {
      const response = await viewer.post('/loki/api/v1/push', body, { 'content-type': type });
      assert.equal(response.status, status);
      assert.match(response.body.toString(), reason);
      assert.equal(response.body.toString().trim().split('\n').length, 1);
    }
    assert.equal(viewer.counts().logs, before);
  });

  it('parses stream labels with escapes and refuses what is not a selector', () => {
    assert.deepEqual(parseLabels('{service_name="a\\"b", level="info"}'), { service_name: 'a"b', level: 'info' });
    assert.deepEqual(parseLabels('{}'), {});
    assert.throws(() => parseLabels('service_name="a"'), /must look like/);
    assert.throws(() => parseLabels('{a=b}'), /malformed/);
  });
});
