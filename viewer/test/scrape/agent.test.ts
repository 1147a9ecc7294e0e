// The real agent (its preload, as the demo's services run it) scraped by the part inside a real viewer:
// its RED histogram lands, and an exemplar's trace ID opens that request's spans in the same viewer.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { MetricsAndAlerts } from '../../src/scrape/wiring.ts';
import { redWindow } from '../../src/store/metrics-window.ts';
import { testViewer } from '../helpers/viewer.ts';
import { waitFor } from '../../../agent/test/helpers/wait.ts';
import { freePort } from '../../../agent/test/helpers/ports.ts';

const APP = `require('node:http').createServer((request, response) => {
  response.statusCode = request.url === '/fail' ? 503 : 200;
  response.end('done');
}).listen(0, '127.0.0.1', function () { console.log(JSON.stringify({ port: this.address().port })); });`;

test("the agent's /metrics, scraped as OpenMetrics: RED samples by service, and exemplars that open the request", async () => {
  const viewer = await testViewer();
  const metricsPort = await freePort();
  const app = spawn(process.execPath, ['--import', '@threadline/agent/register', '-e', APP], {
    cwd: new URL('.', import.meta.url).pathname,
    env: { PATH: process.env.PATH, OTEL_SERVICE_NAME: 'checkout', OTEL_EXPORTER_OTLP_ENDPOINT: viewer.url, OTEL_BSP_SCHEDULE_DELAY: '100', THREADLINE_METRICS_PORT: String(metricsPort), THREADLINE_METRICS_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let part: MetricsAndAlerts | undefined;
  try {
    part = new MetricsAndAlerts(viewer.store, { scrape: [`127.0.0.1:${metricsPort}`], scrapeFiles: [], scrapeIntervalMs: 5000, maxBodyBytes: 1024 ** 2 });
    let port = 0;
    for await (const line of createInterface({ input: app.stdout! })) {
      if (!line.startsWith('{"port"')) continue;
      port = (JSON.parse(line) as { port: number }).port;
      break;
    }
    await fetch(`http://127.0.0.1:${port}/ok`);
    const scraper = part.scraper!;
    await waitFor('the agent\'s target up', 15_000, async () => (await scraper.scrapeOnce(), scraper.status().targets[0]!.health === 'up' ? true : undefined));
    for (let i = 0; i < 4; i++) await (await fetch(`http://127.0.0.1:${port}/ok`)).text();
    await (await fetch(`http://127.0.0.1:${port}/fail`)).text();
    await scraper.scrapeOnce();

    const [target] = scraper.status().targets;
    assert.equal(target!.health, 'up', target!.lastError ?? '');
    assert.equal(target!.service, 'checkout');
    assert.equal(target!.rejectedLines, 0, target!.rejectedReasons.join('; '));
    const now = Date.now();
    const red = redWindow(part.metrics, { metric: 'http_server_request_duration_seconds', service: 'checkout', route: undefined, from: now - 60_000, to: now, step: 60_000 });
    const point = red.points.at(-1)!;
    assert.ok(point.rate * 60 >= 5, `rate ${point.rate}`);
    assert.ok(point.errorRatio! > 0, `error ratio ${point.errorRatio}`);
    assert.ok(red.exemplars.length > 0, 'exemplars');
    const { traceId } = red.exemplars[0]!;
    const request = await waitFor('the exemplar\'s request', 15_000, async () => {
      const response = await fetch(`${viewer.url}/api/request/${traceId}`);
      return response.ok ? ((await response.json()) as { traces: Array<{ spans: Array<{ service: string; kind: string }> }> }) : undefined;
    });
    assert.ok(request.traces[0]!.spans.some((span) => span.service === 'checkout' && span.kind === 'SERVER'));
  } finally {
    part?.stop();
    app.kill('SIGTERM');
    if (app.exitCode === null) await once(app, 'exit');
    await viewer.dispose();
  }
});
