// Each supported framework's hello-world with the agent preloaded, as a new user would run it:
// a route with a parameter, one under a prefix (a plugin, a nested router, a controller prefix),
// and a path no route matches. The template must reach the metric label, the server span and
// the access line; the correlation ID must be echoed and reach the handler's log line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp, type AppProcess, type LogLine } from '../helpers/app-process.ts';
import { startOtlpReceiver, type ReceivedSpan, type Receiver } from '../helpers/receivers.ts';

interface Framework {
  readonly name: string;
  readonly fixture: string;
  readonly args?: readonly string[];
  readonly esm?: boolean;
  /** The framework's own 404 body, which must reach the client unchanged. */
  readonly notFoundBody?: string;
}

const frameworks: readonly Framework[] = [
  { name: 'Fastify 5 (prefixed plugins)', fixture: 'fastify-app.cjs' },
  { name: 'Koa 3 with @koa/router (nested routers)', fixture: 'koa-app.cjs' },
  { name: 'NestJS on Express', fixture: 'nest-app.mjs', args: ['express'], esm: true },
  { name: 'NestJS on Fastify', fixture: 'nest-app.mjs', args: ['fastify'], esm: true },
  { name: 'Hono 4 on @hono/node-server (sub-apps mounted with route)', fixture: 'hono-app.mjs', esm: true, notFoundBody: '404 Not Found' },
  { name: 'Hono 4 with basePath and its own not-found handler', fixture: 'hono-base-path-app.mjs', esm: true, notFoundBody: 'nothing here' },
];

const PARAM = '/hello/:name';
const PREFIXED = '/api/v1/items/:id';

function count(metrics: string, route: string, status: number): number {
  const pattern = new RegExp(`http_server_request_duration_seconds_count\\{[^}]*http_route="${route.replace(/[/:]/g, '\\$&')}",http_response_status_code="${status}"\\} (\\d+)`);
  return Number(metrics.match(pattern)?.[1] ?? 0);
}

for (const framework of frameworks) {
  describe(framework.name, () => {
    let otlp: Receiver<ReceivedSpan>;
    let app: AppProcess;
    const correlation = `fw-${framework.fixture.replace(/\W/g, '')}-${framework.args?.[0] ?? 'x'}`;
    before(async () => {
      otlp = await startOtlpReceiver();
      app = await startApp(framework.fixture, {
        esm: framework.esm,
        args: framework.args,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '50' },
      });
    });
    after(async () => {
      await app.stop();
      await otlp.close();
    });

    it('labels metrics, spans and access lines with the route template; a 404 is unmatched', async () => {
      const hello = await fetch(`${app.url}/hello/world`, { headers: { 'x-correlation-id': correlation } });
      assert.equal(hello.status, 200);
      assert.equal(hello.headers.get('x-correlation-id'), correlation);
      assert.equal(((await hello.json()) as { correlationId?: string }).correlationId, correlation);
      const item = await fetch(`${app.url}/api/v1/items/42`);
      assert.equal(item.status, 200);
      assert.deepEqual(await item.json(), { id: '42' });
      const missing = await fetch(`${app.url}/no/such/path`);
      assert.equal(missing.status, 404);
      const body = await missing.text();
      if (framework.notFoundBody !== undefined) assert.equal(body, framework.notFoundBody);

      const access = (route: string) => (line: LogLine) => line.msg === 'request completed' && line.http_route === route;
      const helloLine = await app.waitForLog(access(PARAM));
      assert.equal(helloLine.correlation_id, correlation);
      assert.equal(helloLine.http_response_status_code, 200);
      assert.equal((await app.waitForLog(access(PREFIXED))).http_response_status_code, 200);
      assert.equal((await app.waitForLog(access('unmatched'))).http_response_status_code, 404);
      const said = await app.waitForLog((line) => line.msg === 'said hello');
      assert.equal(said.correlation_id, correlation);

      const metrics = await app.metrics();
      assert.equal(count(metrics, PARAM, 200), 1, metrics);
      assert.equal(count(metrics, PREFIXED, 200), 1);
      assert.equal(count(metrics, 'unmatched', 404), 1);
      assert.doesNotMatch(metrics, /http_route="untemplated"/);

      const spans = await otlp.waitFor((items) => items.filter((s) => s.kind === 2).length >= 3);
      const servers = spans.filter((s) => s.kind === 2);
      const named = (name: string) => servers.find((s) => s.name === name);
      assert.equal(named(`GET ${PARAM}`)?.attributes['http.route'], PARAM);
      assert.equal(named(`GET ${PARAM}`)?.attributes['correlation.id'], correlation);
      assert.equal(named(`GET ${PREFIXED}`)?.attributes['http.route'], PREFIXED);
      const notFound = servers.find((s) => s.attributes['http.response.status_code'] === 404);
      assert.equal(notFound?.name, 'GET');
      assert.equal(notFound?.attributes['http.route'], undefined);
    });
  });
}

const untemplated: readonly { readonly name: string; readonly fixture: string }[] = [
  { name: 'plain node:http', fixture: 'plain-http-app.cjs' },
  { name: 'Koa without a router', fixture: 'koa-hello-app.cjs' },
];

for (const server of untemplated) {
  describe(`${server.name}: routes the agent cannot read`, () => {
    it('labels its responses untemplated, not unmatched, and still echoes the correlation ID', async () => {
      const app = await startApp(server.fixture);
      try {
        const response = await fetch(`${app.url}/hello/world`, { headers: { 'x-correlation-id': 'untemplated-1' } });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('x-correlation-id'), 'untemplated-1');
        await response.arrayBuffer();
        const line = await app.waitForLog((l) => l.msg === 'request completed');
        assert.equal(line.http_route, 'untemplated');
        assert.equal(line.correlation_id, 'untemplated-1');
        const metrics = await app.metrics();
        assert.match(metrics, /http_route="untemplated",http_response_status_code="200"\} 1/);
        assert.doesNotMatch(metrics, /http_route="unmatched"/);
      } finally {
        await app.stop();
      }
    });
  });
}
