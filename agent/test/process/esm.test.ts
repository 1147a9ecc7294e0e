// An ES module app under `node --import`: instrumented like a CommonJS one, without duplicate
// spans when a module is reached through both loaders.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp, type AppProcess } from '../helpers/app-process.ts';
import { assertPgQueryTraced } from '../helpers/pg-trace.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

for (const layerSpans of [false, true]) {
  describe(`ESM app with --import${layerSpans ? ', Express layer spans on' : ''}`, () => {
    let otlp: Receiver<ReceivedSpan>;
    let app: AppProcess;

    before(async () => {
      otlp = await startOtlpReceiver();
      app = await startApp('express-app.mjs', {
        esm: true,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, THREADLINE_EXPRESS_LAYER_SPANS: String(layerSpans) },
      });
    });

    after(async () => {
      await app.stop();
      await otlp.close();
    });

    it('traces express routes and fetch, each once', async () => {
      const response = await fetch(`${app.url}/chain?target=${encodeURIComponent(app.url)}`, { headers: { 'x-correlation-id': 'esm-1' } });
      assert.deepEqual(await response.json(), { correlationId: 'esm-1' });
      const line = await app.waitForLog((l) => l.msg === 'said hello' && l.correlation_id === 'esm-1');
      const traceId = String(line.trace_id);
      const spans = await otlp.waitFor((items) => items.filter((s) => s.traceId === traceId && s.kind === 2).length >= 2);
      // Any duplicate has arrived once the app has exited: the agent flushes on its way out.
      await app.stop();
      const inTrace = spans.filter((s) => s.traceId === traceId);
      const servers = inTrace.filter((s) => s.kind === 2);
      assert.deepEqual(servers.map((s) => s.attributes['http.route']).sort(), ['/chain', '/hello/:name']);
      assert.deepEqual(servers.map((s) => s.name).sort(), ['GET /chain', 'GET /hello/:name']);
      const routeHandlers = inTrace.filter((s) => s.name.startsWith('request handler'));
      assert.equal(routeHandlers.length, layerSpans ? 2 : 0, `request-handler spans: ${routeHandlers.map((s) => s.name).join(', ')}`);
      const clients = inTrace.filter((s) => s.kind === 3);
      assert.equal(clients.length, 1, `one client span for the fetch, got ${clients.length}`);
      for (const span of inTrace) assert.equal(span.attributes['correlation.id'], 'esm-1');
    });
  });
}

describe('ESM app importing pg', () => {
  let otlp: Receiver<ReceivedSpan>;
  let app: AppProcess;

  before(async () => {
    otlp = await startOtlpReceiver();
    app = await startApp('pg-app.mjs', { esm: true, env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
  });

  after(async () => {
    await app.stop();
    await otlp.close();
  });

  it('traces its queries through the ESM loader hooks', () => assertPgQueryTraced(app, otlp, 'esm-pg-1'));
});
