import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, test } from 'node:test';
import fc from 'fast-check';
import client from 'prom-client';
import { Scraper } from '../../src/scrape/scraper.ts';
import { parseTarget, type ScrapeTarget } from '../../src/scrape/targets.ts';
import { redWindow } from '../../src/store/metrics-window.ts';
import { metricsFixture, type MetricsFixture } from '../store/metrics-fixture.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
let fixture: MetricsFixture;
const servers: Server[] = [];

beforeEach(() => {
  fixture = metricsFixture();
});
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  await fixture.dispose();
});

type Answer = (headers: IncomingHttpHeaders) => { status?: number; type?: string; body: string | Buffer; gzip?: boolean; delayMs?: number };

async function serve(answer: Answer): Promise<ScrapeTarget> {
  const server = createServer((request, response) => {
    const { status = 200, type = 'text/plain; version=0.0.4', body, gzip = false, delayMs = 0 } = answer(request.headers);
    setTimeout(() => {
      response.writeHead(status, { 'content-type': type, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      response.end(gzip ? gzipSync(body) : body);
    }, delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return parseTarget(`127.0.0.1:${(server.address() as AddressInfo).port}`, '--scrape');
}

/** A registry as the agent builds it: default `service` label, the RED histogram with trace exemplars, OpenMetrics when asked. */
function agentLike(service: string) {
  const registry = new client.Registry<client.RegistryContentType>();
  registry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);
  registry.setDefaultLabels({ service });
  const histogram = new client.Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of inbound HTTP requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    enableExemplars: true,
    registers: [registry],
  });
  client.collectDefaultMetrics({ register: registry });
  const observe = (route: string, status: string, seconds: number, traceId = TRACE) =>
    histogram.observe({ labels: { http_request_method: 'GET', http_route: route, http_response_status_code: status }, value: seconds, exemplarLabels: { trace_id: traceId, span_id: 'b7ad6b7169203331' } as Record<string, string> as never });
  const answer: Answer = (headers) => {
    const openMetrics = String(headers.accept).includes('application/openmetrics-text');
    registry.setContentType(openMetrics ? client.Registry.OPENMETRICS_CONTENT_TYPE : client.Registry.PROMETHEUS_CONTENT_TYPE);
    return { type: registry.contentType, body: '' };
  };
  return { registry, observe, answer };
}

async function agentTarget(service: string) {
  const agent = agentLike(service);
  let accept = '';
  let pending: Promise<string> = Promise.resolve('');
  const server = createServer((request, response) => {
    accept = String(request.headers.accept);
    const { type } = agent.answer(request.headers);
    pending = agent.registry.metrics();
    void pending.then((body) => {
      response.writeHead(200, { 'content-type': type! });
      response.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { ...agent, target: parseTarget(`127.0.0.1:${(server.address() as AddressInfo).port}`, '--scrape'), accept: () => accept };
}

test('scrapes a prom-client registry as OpenMetrics: RED samples when they change, exemplars, service from the series', async () => {
  const shop = await agentTarget('shop');
  // Exemplars carry the wall-clock time of their observation, so the scrape clock starts there too.
  let now = Date.now();
  const scraper = new Scraper([shop.target], fixture.metrics, fixture.writer, { intervalMs: 5000, counters: fixture.counters, now: () => now });
  shop.observe('/orders', '200', 0.02);
  await scraper.scrapeOnce();
  assert.match(shop.accept(), /^application\/openmetrics-text;version=1\.0\.0,text\/plain;version=0\.0\.4;q=0\.5$/);
  assert.equal(fixture.count('metric_samples'), 1);
  assert.equal(fixture.count('metric_exemplars'), 1);

  // Nothing happened: nothing new is stored.
  now += 5000;
  await scraper.scrapeOnce();
  assert.equal(fixture.count('metric_samples'), 1);
  assert.equal(fixture.count('metric_exemplars'), 1);

  now += 5000;
  for (let i = 0; i < 9; i++) shop.observe('/orders', '200', 0.02);
  shop.observe('/orders', '500', 0.3, 'f'.repeat(32));
  await scraper.scrapeOnce();
  // /orders 200 changed; /orders 500 is new since the previous scrape: a zero sample then its own.
  assert.equal(fixture.count('metric_samples'), 4);

  const [status] = scraper.status().targets;
  assert.equal(status!.health, 'up');
  assert.equal(status!.service, 'shop');
  assert.equal(status!.series, 2);
  assert.equal(status!.lastSuccess, now);
  assert.equal(status!.rejectedLines, 0);

  const red = redWindow(fixture.metrics, { metric: 'http_server_request_duration_seconds', service: 'shop', route: '/orders', from: now - 10_000, to: now, step: 5000 });
  const last = red.points.at(-1)!;
  assert.equal(last.rate * 5, 10);
  assert.equal(last.errorRatio, 0.1);
  assert.ok(last.p50! > 0.01 && last.p50! <= 0.025, String(last.p50));
  assert.ok(red.exemplars.some((e) => e.traceId === 'f'.repeat(32) && e.value === 0.3));
});

test('the target label names the service over the series label; plain Prometheus text works too', async () => {
  const agent = agentLike('from-series');
  agent.observe('/a', '200', 0.1);
  const body = await (agent.registry.setContentType(client.Registry.PROMETHEUS_CONTENT_TYPE), agent.registry.metrics());
  const plain = await serve(() => ({ body }));
  const labelled: ScrapeTarget = { ...plain, labels: { service: 'from-target' } };
  const scraper = new Scraper([labelled], fixture.metrics, fixture.writer, { intervalMs: 5000 });
  await scraper.scrapeOnce();
  assert.deepEqual(fixture.db.prepare('SELECT DISTINCT service FROM metric_series').all().map((row) => row.service), ['from-target']);
  assert.equal(scraper.status().targets[0]!.service, 'from-target');
});

test('without a service label, target_info names the service, then the job, then host:port', async () => {
  const line = (labels: string) => `http_server_request_duration_seconds_count{${labels}} 1\n`;
  for (const [body, expected] of [
    [`target_info{service_name="from-info"} 1\n${line('job="j"')}`, 'from-info'],
    [line('job="from-job"'), 'from-job'],
    [line(''), undefined],
  ] as const) {
    const target = await serve(() => ({ body }));
    await new Scraper([target], fixture.metrics, fixture.writer, { intervalMs: 5000 }).scrapeOnce();
    const services = fixture.db.prepare('SELECT service FROM metric_series ORDER BY id DESC LIMIT 1').get()!.service;
    assert.equal(services, expected ?? target.address);
  }
});

test('failures are counted and shown, never thrown: refused, HTTP 500, too slow, too big, bad gzip', async () => {
  const refused = parseTarget('127.0.0.1:1', '--scrape');
  const broken = await serve(() => ({ status: 500, body: 'boom' }));
  const slow = await serve(() => ({ body: 'x 1\n', delayMs: 3000 }));
  const big = await serve(() => ({ body: 'x 1\n'.repeat(1000) }));
  const badGzip = await serve(() => ({ body: 'not gzip', gzip: false, type: 'text/plain' }));
  const zipped = await serve(() => ({ body: 'http_server_request_duration_seconds_count 3\n', gzip: true }));
  // A body that claims gzip but is not.
  const liar = await serve(() => ({ body: Buffer.from('plain text'), gzip: false }));
  const liarTarget: ScrapeTarget = liar;
  const scraper = new Scraper([refused, broken, slow, big, badGzip, zipped, liarTarget], fixture.metrics, fixture.writer, { intervalMs: 5000, timeoutMs: 300, maxBodyBytes: 2000, counters: fixture.counters });
  await scraper.scrapeOnce();
  const byUrl = new Map(scraper.status().targets.map((t) => [t.url, t]));
  assert.equal(byUrl.get(refused.url)!.health, 'down');
  assert.match(byUrl.get(refused.url)!.lastError!, /ECONNREFUSED/);
  assert.equal(byUrl.get(broken.url)!.lastError, 'HTTP 500 Internal Server Error');
  assert.match(byUrl.get(slow.url)!.lastError!, /no complete answer within 300 ms/);
  assert.match(byUrl.get(big.url)!.lastError!, /over the 2000-byte limit/);
  assert.equal(byUrl.get(badGzip.url)!.health, 'up');
  assert.equal(byUrl.get(zipped.url)!.health, 'up');
  assert.equal(byUrl.get(zipped.url)!.series, 1);
  assert.equal(byUrl.get(refused.url)!.lastSuccess, null);
  assert.equal(fixture.counters.get('scrapes_failed'), 4);
});

test('a gzip body that does not decompress is a failure with the reason', async () => {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    response.end('definitely not gzip');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  const target = parseTarget(`127.0.0.1:${(server.address() as AddressInfo).port}`, '--scrape');
  const scraper = new Scraper([target], fixture.metrics, fixture.writer, { intervalMs: 5000 });
  await scraper.scrapeOnce();
  assert.match(scraper.status().targets[0]!.lastError!, /gzip body does not decompress/);
});

test('malformed lines are rejected with reasons and the rest of the scrape is kept', async () => {
  const target = await serve(() => ({ body: 'http_server_request_duration_seconds_count{http_route="/a"} 2\nbroken{ 1\nhttp_server_request_duration_seconds_count{http_route="/b"} 1\n' }));
  const scraper = new Scraper([target], fixture.metrics, fixture.writer, { intervalMs: 5000 });
  await scraper.scrapeOnce();
  const [status] = scraper.status().targets;
  assert.equal(status!.health, 'up');
  assert.equal(status!.series, 2);
  assert.equal(status!.rejectedLines, 1);
  assert.match(status!.rejectedReasons[0]!, /^line 2: /);
});

test('a store that refuses the write fails the scrape: counted and shown, not thrown', async () => {
  const target = await serve(() => ({ body: 'http_server_request_duration_seconds_count{http_route="/a"} 2\nhttp_server_request_duration_seconds_count{http_route="/b"} 2\n' }));
  const { Writer } = await import('../../src/store/writer.ts');
  const closed = new Writer(fixture.db, { maxPendingRows: 100, rowsPerTransaction: 10 });
  closed.close();
  const refusing = new Scraper([target], fixture.metrics, closed, { intervalMs: 5000, counters: fixture.counters });
  await refusing.scrapeOnce();
  assert.match(refusing.status().targets[0]!.lastError!, /the store is closing/);
  assert.equal(fixture.counters.get('scrapes_failed'), 1);
  assert.equal(fixture.count('metric_samples'), 0);
});

test('start() scrapes at once and stop() ends the loop', async () => {
  let scrapes = 0;
  const target = await serve(() => {
    scrapes++;
    return { body: 'x 1\n' };
  });
  const scraper = new Scraper([target], fixture.metrics, fixture.writer, { intervalMs: 60_000 });
  scraper.start();
  while (scraper.status().targets[0]?.lastScrape == null) await new Promise((resolve) => setTimeout(resolve, 10));
  scraper.stop();
  assert.equal(scrapes, 1);
  assert.equal(scraper.status().targets[0]!.health, 'up');
});

test('property: hostile bodies never throw out of the scraper; the scrape is up or down with a reason', async () => {
  let body: string | Buffer = '';
  const target = await serve(() => ({ body, type: 'application/openmetrics-text; version=1.0.0' }));
  const scraper = new Scraper([target], fixture.metrics, fixture.writer, { intervalMs: 5000, counters: fixture.counters });
  const valid = 'http_server_request_duration_seconds_bucket{le="0.1",http_route="/x"} 3 # {trace_id="abc"} 0.05 1700000000\nhttp_server_request_duration_seconds_count{http_route="/x"} 3\n# EOF\n';
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 400 }),
    fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
    fc.integer({ min: 0, max: valid.length }).map((n) => valid.slice(0, n)),
    fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.string({ maxLength: 4 })).map(([at, junk]) => valid.slice(0, at) + junk + valid.slice(at + 1)),
  );
  await fc.assert(
    fc.asyncProperty(hostile, async (text) => {
      body = text;
      await scraper.scrapeOnce();
      const [status] = scraper.status().targets;
      assert.ok(status!.health === 'up' || status!.lastError !== null);
    }),
    { numRuns: 150 },
  );
});
