// gRPC between two services, each with the agent: an HTTP front end calling gRPC's hello-world
// greeter, with a call of each kind (unary, server-, client- and bidi-streaming). One trace across both, the caller's correlation ID in the
// handler's log lines, the call histograms with exemplars, one access line per call.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { startApp, type AppProcess } from '../helpers/app-process.ts';
import { exemplarTraceIds } from '../helpers/metrics-text.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

const SERVER = 2;
const CLIENT = 3;

describe('gRPC between two services', () => {
  let otlp: Receiver<ReceivedSpan>;
  let front: AppProcess;
  let greeter: AppProcess;

  before(async () => {
    otlp = await startOtlpReceiver();
    [greeter, front] = await Promise.all([
      startApp('grpc-greeter-server.cjs', { env: { OTEL_SERVICE_NAME: 'greeter', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } }),
      startApp('grpc-greeter-client.cjs', { env: { OTEL_SERVICE_NAME: 'front', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } }),
    ]);
  });

  after(async () => {
    await Promise.all([front.stop(), greeter.stop()]);
    await otlp.close();
  });

  const call = async (kind: 'unary' | 'stream' | 'client-stream' | 'bidi', name: string, correlationId: string): Promise<{ code: number; messages?: string[] }> => {
    const target = encodeURIComponent(`127.0.0.1:${greeter.port}`);
    const response = await fetch(`${front.url}/${kind}?target=${target}&name=${name}`, { headers: { 'x-correlation-id': correlationId } });
    return (await response.json()) as { code: number; messages?: string[] };
  };

  /** The front's HTTP server span, its gRPC client span and the greeter's server span: one trace, parent to child. */
  const assertOneTrace = async (correlationId: string, method: string): Promise<{ traceId: string; server: ReceivedSpan; client: ReceivedSpan }> => {
    const frontLine = await front.waitForLog((l) => l.msg === 'greeter answered' && l.correlation_id === correlationId);
    const traceId = String(frontLine.trace_id);
    const spans = await otlp.waitFor((items) => items.filter((s) => s.traceId === traceId).length >= 3);
    const inTrace = spans.filter((s) => s.traceId === traceId);
    const client = inTrace.find((s) => s.kind === CLIENT && s.name === `helloworld.Greeter/${method}`);
    const server = inTrace.find((s) => s.kind === SERVER && s.resource['service.name'] === 'greeter');
    const httpServer = inTrace.find((s) => s.kind === SERVER && s.resource['service.name'] === 'front');
    assert.ok(client && server && httpServer, `spans in the trace: ${inTrace.map((s) => `${s.kind} ${s.name}`).join(', ')}`);
    assert.equal(client.parentSpanId, httpServer.spanId);
    assert.equal(server.parentSpanId, client.spanId);
    assert.equal(server.name, `helloworld.Greeter/${method}`);
    for (const span of [client, server]) {
      assert.deepEqual(
        [span.attributes['rpc.system'], span.attributes['rpc.service'], span.attributes['rpc.method'], span.attributes['correlation.id']],
        ['grpc', 'helloworld.Greeter', method, correlationId],
      );
    }
    return { traceId, server, client };
  };

  it('traces a unary call and restores the correlation ID in its handler', async () => {
    assert.deepEqual(await call('unary', 'ann', 'grpc-unary-1'), { code: 0, messages: ['Hello ann (grpc-unary-1)'] });
    const { traceId, server, client } = await assertOneTrace('grpc-unary-1', 'SayHello');
    assert.equal(server.attributes['rpc.grpc.status_code'], 0);
    assert.equal(client.attributes['rpc.grpc.status_code'], 0);
    const greeting = await greeter.waitForLog((l) => l.msg === 'greeting' && l.name === 'ann');
    assert.deepEqual([greeting.correlation_id, greeting.trace_id, greeting.span_id], ['grpc-unary-1', traceId, server.spanId]);
    const access = greeter.logs.filter((l) => l.msg === 'request completed' && l.correlation_id === 'grpc-unary-1');
    assert.equal(access.length, 1, 'one access line per call');
    assert.deepEqual(
      [access[0]?.level, access[0]?.rpc_service, access[0]?.rpc_method, access[0]?.rpc_grpc_status_code, access[0]?.trace_id],
      ['info', 'helloworld.Greeter', 'SayHello', 0, traceId],
    );
    assert.equal(typeof access[0]?.duration_ms, 'number');

    const labels = 'rpc_service="helloworld.Greeter",rpc_method="SayHello",rpc_grpc_status_code="0"';
    assert.match(await greeter.metrics(), new RegExp(`rpc_server_call_duration_seconds_count\\{[^}]*${labels}\\} 1`));
    assert.match(await front.metrics(), new RegExp(`rpc_client_call_duration_seconds_count\\{[^}]*${labels}\\} 1`));
    assert.ok(exemplarTraceIds(await greeter.metrics(true), 'rpc_server_call_duration_seconds_bucket').includes(traceId));
    assert.ok(exemplarTraceIds(await front.metrics(true), 'rpc_client_call_duration_seconds_bucket').includes(traceId));
  });

  it('traces a server-streaming call: every reply logged with the call\'s IDs', async () => {
    const result = await call('stream', 'bo', 'grpc-stream-1');
    assert.deepEqual(result, { code: 0, messages: [1, 2, 3].map((n) => `Hello bo #${n} (grpc-stream-1)`) });
    const { traceId, server } = await assertOneTrace('grpc-stream-1', 'SayHelloStreamReply');
    await greeter.waitForLog((l) => l.msg === 'streaming reply' && l.name === 'bo' && l.reply === 3);
    const replies = greeter.logs.filter((l) => l.msg === 'streaming reply' && l.name === 'bo');
    assert.equal(replies.length, 3);
    for (const line of replies) assert.deepEqual([line.correlation_id, line.trace_id, line.span_id], ['grpc-stream-1', traceId, server.spanId]);
    const labels = 'rpc_service="helloworld.Greeter",rpc_method="SayHelloStreamReply",rpc_grpc_status_code="0"';
    assert.match(await greeter.metrics(), new RegExp(`rpc_server_call_duration_seconds_count\\{[^}]*${labels}\\} 1`));
    assert.match(await front.metrics(), new RegExp(`rpc_client_call_duration_seconds_count\\{[^}]*${labels}\\} 1`));
  });

  it('traces client-streaming and bidi calls, their data events in the call\'s context', async () => {
    assert.deepEqual(await call('client-stream', 'cy,di', 'grpc-cs-1'), { code: 0, messages: ['Hello cy, di (grpc-cs-1)'] });
    assert.deepEqual(await call('bidi', 'ed,fa', 'grpc-bidi-1'), { code: 0, messages: ['Hello ed (grpc-bidi-1)', 'Hello fa (grpc-bidi-1)'] });
    for (const [id, method, names] of [['grpc-cs-1', 'SayHelloClientStream', ['cy', 'di']], ['grpc-bidi-1', 'SayHelloBidiStream', ['ed', 'fa']]] as const) {
      const { traceId, server } = await assertOneTrace(id, method);
      for (const name of names) {
        const line = await greeter.waitForLog((l) => l.msg === 'streamed name' && l.name === name);
        assert.deepEqual([line.correlation_id, line.trace_id, line.span_id], [id, traceId, server.spanId]);
      }
      const labels = `rpc_service="helloworld.Greeter",rpc_method="${method}",rpc_grpc_status_code="0"`;
      assert.match(await greeter.metrics(), new RegExp(`rpc_server_call_duration_seconds_count\\{[^}]*${labels}\\} 1`));
      assert.match(await front.metrics(), new RegExp(`rpc_client_call_duration_seconds_count\\{[^}]*${labels}\\} 1`));
      assert.equal(greeter.logs.filter((l) => l.msg === 'request completed' && l.correlation_id === id).length, 1);
    }
  });

  it('labels failures by status code; only the server\'s faults are server-span errors', async () => {
    assert.deepEqual(await call('unary', 'missing', 'grpc-missing-1'), { code: 5 });
    assert.deepEqual(await call('unary', 'crash', 'grpc-crash-1'), { code: 13 });
    const missing = await assertOneTrace('grpc-missing-1', 'SayHello');
    const crash = await assertOneTrace('grpc-crash-1', 'SayHello');
    assert.deepEqual([missing.server.attributes['rpc.grpc.status_code'], missing.server.statusCode, missing.client.statusCode], [5, 0, 2]);
    assert.deepEqual([crash.server.attributes['rpc.grpc.status_code'], crash.server.statusCode, crash.client.statusCode], [13, 2, 2]);
    const levels = ['grpc-missing-1', 'grpc-crash-1'].map((id) => greeter.logs.find((l) => l.msg === 'request completed' && l.correlation_id === id)?.level);
    assert.deepEqual(levels, ['warn', 'error']);
    const text = await greeter.metrics();
    for (const code of ['5', '13']) {
      assert.match(text, new RegExp(`rpc_server_call_duration_seconds_count\\{[^}]*rpc_method="SayHello",rpc_grpc_status_code="${code}"\\} 1`));
    }
  });

  it('replaces a malformed correlation ID in metadata, as the HTTP header is', async () => {
    const before = await greeter.metrics();
    const invalid = Number(/threadline_invalid_correlation_ids_total\{[^}]*\} (\d+)/.exec(before)?.[1] ?? 0);
    // The front end's own HTTP check would replace it first: call the greeter directly.
    const message = await sayHelloDirect(greeter.port, 'eve', 'not valid!');
    const id = /\((.*)\)$/.exec(message)?.[1];
    assert.match(String(id), /^[0-9a-f-]{36}$/, 'a fresh UUID in place of the malformed ID');
    const line = await greeter.waitForLog((l) => l.msg === 'greeting' && l.name === 'eve');
    assert.equal(line.correlation_id, id);
    const after = await greeter.metrics();
    assert.equal(Number(/threadline_invalid_correlation_ids_total\{[^}]*\} (\d+)/.exec(after)?.[1]), invalid + 1);
  });
});

/** SayHello from this process (no agent here), with `correlationId` in the call's metadata. */
async function sayHelloDirect(port: number, name: string, correlationId: string): Promise<string> {
  const { grpc, helloworld } = createRequire(import.meta.url)('../fixtures/grpc/greeter.cjs') as GreeterModule;
  const client = new helloworld.Greeter(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('x-correlation-id', correlationId);
  try {
    return await new Promise<string>((resolve, reject) => {
      client.sayHello({ name }, metadata, (error, reply) => (error ? reject(error) : resolve(reply.message)));
    });
  } finally {
    client.close();
  }
}

describe('gRPC in an ES module app', () => {
  let otlp: Receiver<ReceivedSpan>;
  let greeter: AppProcess;

  before(async () => {
    otlp = await startOtlpReceiver();
    greeter = await startApp('grpc-greeter-server.mjs', { esm: true, env: { OTEL_SERVICE_NAME: 'greeter', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
  });

  after(async () => {
    await greeter.stop();
    await otlp.close();
  });

  it('traces the call and restores the correlation ID in its handler', async () => {
    assert.equal(await sayHelloDirect(greeter.port, 'gus', 'grpc-esm-1'), 'Hello gus (grpc-esm-1)');
    const line = await greeter.waitForLog((l) => l.msg === 'greeting' && l.name === 'gus');
    assert.equal(line.correlation_id, 'grpc-esm-1');
    const spans = await otlp.waitFor((items) => items.some((s) => s.traceId === line.trace_id && s.kind === SERVER));
    assert.equal(spans.find((s) => s.traceId === line.trace_id && s.kind === SERVER)?.name, 'helloworld.Greeter/SayHello');
    assert.match(await greeter.metrics(), /rpc_server_call_duration_seconds_count\{[^}]*rpc_method="SayHello",rpc_grpc_status_code="0"\} 1/);
  });
});

interface GreeterModule {
  grpc: {
    Metadata: new () => { set(key: string, value: string): void };
    credentials: { createInsecure(): unknown };
  };
  helloworld: {
    Greeter: new (target: string, credentials: unknown) => {
      sayHello(request: { name: string }, metadata: unknown, callback: (error: Error | null, reply: { message: string }) => void): void;
      close(): void;
    };
  };
}
