// A plain OpenTelemetry NodeSDK app, default settings but for the endpoint, lands in the viewer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { testViewer } from '../helpers/viewer.ts';
import { waitFor } from '../../../agent/test/helpers/wait.ts';

describe('a plain OpenTelemetry SDK app', () => {
  it('its spans and log records show up as one request', async () => {
    const viewer = await testViewer();
    const app = spawn(process.execPath, [new URL('../fixtures/plain-otel-app.cjs', import.meta.url).pathname], {
      env: { PATH: process.env.PATH, OTEL_SERVICE_NAME: 'plain-app', OTEL_EXPORTER_OTLP_ENDPOINT: viewer.url, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BLRP_SCHEDULE_DELAY: '100', OTEL_METRIC_EXPORT_INTERVAL: '500' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: app.stdout });
      let port = 0;
      for await (const line of lines) {
        if (!line.startsWith('{')) continue;
        port = (JSON.parse(line) as { port: number }).port;
        break;
      }
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/work/42`, { headers: { 'x-correlation-id': 'plain-1' } })).text(), 'done');
      const view = await waitFor('the request with its spans and lines', 15_000, async () => {
        const response = await fetch(`${viewer.url}/api/request/plain-1`);
        const body = (await response.json()) as { traces: Array<{ spans: Array<{ service: string; kind: string; route: string }> }>; logs: Array<{ msg: string; trace_id: string; service: string }> };
        return body.traces.length > 0 && body.logs.length > 0 ? body : undefined;
      });
      assert.equal(view.logs[0]!.service, 'plain-app');
      assert.equal(view.logs[0]!.msg, 'working on /work/42');
      const server = view.traces[0]!.spans.find((span) => span.kind === 'SERVER')!;
      assert.equal(server.service, 'plain-app');
      assert.equal(server.route, '/work/:id');
      // Its OTLP metrics are answered (partial success: the viewer reads metrics by scraping), not refused.
      await waitFor('OTLP metrics answered', 15_000, () => (viewer.store.counters.get('otlp_metrics_points_declined') > 0 ? true : undefined));
    } finally {
      app.kill('SIGTERM');
      await once(app, 'exit');
      await viewer.dispose();
    }
  });
});
