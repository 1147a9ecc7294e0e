import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import client from 'prom-client';
import { METRICS_AND_ALERTS_SCHEMA, MetricsAndAlerts } from '../../src/scrape/wiring.ts';
import { createHttpServer } from '../../src/server/http-server.ts';
import { Router } from '../../src/server/router.ts';
import { Store } from '../../src/store/store.ts';

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

test("the part in the lead's Store and HTTP server: scraped RED metrics, targets, the webhook and alerts over the API, and retention trims both tables", async () => {
  const registry = new client.Registry<client.RegistryContentType>();
  registry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);
  const histogram = new client.Histogram({ name: 'http_server_request_duration_seconds', help: 'h', labelNames: ['http_route', 'http_request_method', 'http_response_status_code'], buckets: [0.1, 1], enableExemplars: true, registers: [registry] });
  const target = createServer((_request, response) => {
    void registry.metrics().then((body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body));
  });
  const targetPort = await listen(target);

  const dataDir = mkdtempSync(join(tmpdir(), 'threadline-wiring-'));
  const store = new Store({ dataDir, maxAgeMs: 3_600_000, maxBytes: 1024 ** 3, maxPendingRows: 10_000, retentionEveryMs: 3_600_000, schemaParts: METRICS_AND_ALERTS_SCHEMA });
  const part = new MetricsAndAlerts(store, { scrape: [`127.0.0.1:${targetPort}`], scrapeFiles: [], scrapeIntervalMs: 5000, maxBodyBytes: 1024 ** 2 });
  const router = new Router();
  part.routes(router);
  const server = createHttpServer(router, '127.0.0.1');
  const base = `http://127.0.0.1:${await listen(server)}`;
  try {
    const observe = () => histogram.observe({ labels: { http_route: '/pay', http_request_method: 'POST', http_response_status_code: '502' }, value: 0.2, exemplarLabels: { trace_id: 'ab'.repeat(16), span_id: 'cd'.repeat(8) } as Record<string, string> as never });
    observe();
    await part.scraper!.scrapeOnce();
    observe();
    await part.scraper!.scrapeOnce();
    const red = (await (await fetch(`${base}/api/metrics/red?service=127.0.0.1:${targetPort}&route=/pay&from=${Date.now() - 60_000}&step=60s`)).json()) as { points: Array<{ rate: number; errorRatio: number }>; exemplars: Array<{ traceId: string }> };
    assert.equal(red.points.at(-1)!.rate, 1 / 60);
    assert.equal(red.points.at(-1)!.errorRatio, 1);
    assert.equal(red.exemplars[0]!.traceId, 'ab'.repeat(16));
    const targets = (await (await fetch(`${base}/api/targets`)).json()) as { targets: Array<{ health: string }> };
    assert.equal(targets.targets[0]!.health, 'up');
    const routes = (await (await fetch(`${base}/api/metrics/routes`)).json()) as { routes: string[] };
    assert.deepEqual(routes.routes, ['/pay']);

    const webhook = await fetch(`${base}/api/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: '4', alerts: [{ status: 'firing', labels: { alertname: 'X', service: 'pay' }, annotations: {}, startsAt: new Date(Date.now() - 7_200_000).toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'abc' }] }),
    });
    assert.equal(webhook.status, 200);
    const alerts = (await (await fetch(`${base}/api/alerts?service=pay`)).json()) as { alerts: Array<{ fingerprint: string }> };
    assert.deepEqual(alerts.alerts.map((a) => a.fingerprint), ['abc']);

    // Two hours on, everything is past the one-hour bound.
    await store.retention.enforce(Date.now() + 2 * 3_600_000);
    const count = (table: string) => Number((store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
    assert.equal(count('metric_samples'), 0);
    assert.equal(count('alerts'), 0);
    assert.equal(store.counters.get('samples_evicted'), 2);
    assert.equal(store.counters.get('alerts_evicted'), 1);
  } finally {
    part.stop();
    server.closeAllConnections();
    server.close();
    target.closeAllConnections();
    target.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a bad target or an unreadable file_sd file stops the part at construction, naming it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'threadline-wiring-'));
  const store = new Store({ dataDir, maxAgeMs: 3_600_000, maxBytes: 1024 ** 3, maxPendingRows: 10_000, retentionEveryMs: 3_600_000, schemaParts: METRICS_AND_ALERTS_SCHEMA });
  try {
    assert.throws(() => new MetricsAndAlerts(store, { scrape: ['localhost'], scrapeFiles: [], scrapeIntervalMs: 5000, maxBodyBytes: 1024 }), /"localhost".*no port/);
    assert.throws(() => new MetricsAndAlerts(store, { scrape: [], scrapeFiles: [join(dataDir, 'nope.yml')], scrapeIntervalMs: 5000, maxBodyBytes: 1024 }), /nope\.yml/);
    assert.equal(new MetricsAndAlerts(store, { scrape: [], scrapeFiles: [], scrapeIntervalMs: 5000, maxBodyBytes: 1024 }).scraper, undefined);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
