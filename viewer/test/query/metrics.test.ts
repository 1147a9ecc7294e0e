import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { redHandler, routesHandler, targetsHandler } from '../../src/query/metrics.ts';
import { Scraper } from '../../src/scrape/scraper.ts';
import { parseTarget } from '../../src/scrape/targets.ts';
import { Router } from '../../src/server/router.ts';
import { seriesIdentity } from '../../src/store/metrics-red.ts';
import { metricsFixture, type MetricsFixture } from '../store/metrics-fixture.ts';

const T0 = 1_700_000_000_000;
let fixture: MetricsFixture;
let base: string;
let scraper: Scraper;

beforeEach(async () => {
  fixture = metricsFixture();
  scraper = new Scraper([parseTarget('127.0.0.1:1', '--scrape')], fixture.metrics, fixture.writer, { intervalMs: 5000, counters: fixture.counters });
  const router = new Router()
    .add('GET', '/api/metrics/red', redHandler(fixture.metrics, { intervalMs: 5000, now: () => T0 + 60_000 }))
    .add('GET', '/api/metrics/routes', routesHandler(fixture.metrics))
    .add('GET', '/api/targets', targetsHandler(scraper));
  base = await fixture.serve(router);
  for (const [metric, labels] of [
    ['http_server_request_duration_seconds', { http_route: '/orders', http_request_method: 'POST', http_response_status_code: '201' }],
    ['http_server_request_duration_seconds', { http_route: '/health', http_request_method: 'GET', http_response_status_code: '200' }],
    ['messaging_process_duration_seconds', { messaging_destination_name: 'orders.created', outcome: 'failure' }],
  ] as const) {
    fixture.metrics.insert({
      entries: [{
        series: { ...seriesIdentity(metric, 'orders', labels), target: '127.0.0.1:9465', labels, bounds: [0.1, 1] },
        samples: [{ t: T0, count: 0, sum: 0, buckets: [0, 0], baseline: true }, { t: T0 + 30_000, count: 6, sum: 0.3, buckets: [6, 6], baseline: false }],
        exemplars: [{ t: T0 + 29_000, traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), value: 0.05 }],
      }],
    });
  }
});
afterEach(() => fixture.dispose());

interface Answer {
  step: number;
  points: Array<{ t: number; rate: number; errorRatio: number | null; p50: number | null }>;
  exemplars: Array<{ traceId: string }>;
  routes: string[];
  targets: Array<Record<string, unknown>>;
  intervalMs: number;
  error: string;
}

const get = async (path: string) => {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as Answer };
};

test('/api/metrics/red: points ending at `to`, with the default window (an hour) and a step no finer than the scrape interval', async () => {
  const { status, body } = await get('/api/metrics/red?service=orders&route=/orders');
  assert.equal(status, 200);
  assert.equal(body.step, 15_000);
  const points = body.points;
  assert.equal(points.at(-1)!.t, T0 + 60_000);
  const hit = points.find((p) => p.t === T0 + 30_000)!;
  assert.equal(hit.rate, 6 / 15);
  assert.ok(hit.p50! > 0 && hit.p50! <= 0.1);
  assert.equal(body.exemplars[0]!.traceId, 'ab'.repeat(16));
});

test('/api/metrics/red: other kept histograms by metric=, and their error rule (messaging failure)', async () => {
  const { body } = await get(`/api/metrics/red?service=orders&metric=messaging_process&from=${T0}&to=${T0 + 30_000}&step=30s`);
  const points = body.points;
  assert.equal(points.at(-1)!.rate, 6 / 30);
  assert.equal(points.at(-1)!.errorRatio, 1);
});

test('/api/metrics/red: bad parameters get 400 naming them', async () => {
  for (const [query, reason] of [
    ['step=10', /step must be at least 1000 ms/],
    ['step=fast', /step must be/],
    [`from=${T0}&to=${T0 - 1}`, /must be before to/],
    [`from=0&to=${T0}`, /over 31 days/],
    [`from=${T0}&to=${T0 + 86_400_000}&step=1s`, /more than 11000 points/],
    ['metric=cpu_seconds', /metric "cpu_seconds" is not kept/],
    ['from=soon', /from must be Unix milliseconds or an ISO 8601 time/],
  ] as const) {
    const { status, body } = await get(`/api/metrics/red?${query}`);
    assert.equal(status, 400, query);
    assert.match(String(body.error), reason);
  }
});

test('/api/metrics/routes: the routes of a service in the scraped histograms', async () => {
  assert.deepEqual((await get('/api/metrics/routes?service=orders')).body, { service: 'orders', metric: 'http_server_request_duration_seconds', routes: ['/health', '/orders'] });
  assert.deepEqual((await get('/api/metrics/routes?service=nobody')).body.routes, []);
  assert.deepEqual((await get('/api/metrics/routes?metric=messaging_process_duration_seconds')).body.routes, ['orders.created']);
});

test('/api/targets: each target with its health, last scrape, last error; the interval', async () => {
  const before = (await get('/api/targets')).body;
  assert.deepEqual(before.targets, []);
  await scraper.scrapeOnce();
  const { body } = await get('/api/targets');
  assert.equal(body.intervalMs, 5000);
  const [target] = body.targets;
  assert.equal(target!.url, 'http://127.0.0.1:1/metrics');
  assert.equal(target!.health, 'down');
  assert.match(String(target!.lastError), /ECONNREFUSED/);
  assert.equal(target!.lastSuccess, null);
  assert.equal(typeof target!.lastScrape, 'number');
  assert.equal(target!.failures, 1);
});
