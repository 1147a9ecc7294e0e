// End to end: the five services of the shop send to a real viewer, an order is placed with a known
// correlation ID, and its request page in Debian's chromium shows the spans of all five services in one
// waterfall and the log lines of all five; selecting a log line highlights its span. With
// THREADLINE_SCREENSHOTS=1 the screenshots go to viewer/test/browser/screenshots/ (docs/viewer.md shows them).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startViewer, type Viewer } from '../../viewer/src/viewer.ts';
import { browserSkipped, launch, screenshot, type Session } from '../../viewer/test/browser/helpers.ts';
import { waitFor } from '../../agent/test/helpers/wait.ts';
import { SERVICE_NAMES } from '../shared/settings.ts';
import { freePort } from '../../agent/test/helpers/ports.ts';
import { postJson, startDemo, type Demo } from './harness.ts';

interface RequestView {
  traces: Array<{ spans: Array<{ service: string; spanId: string; traceId: string }> }>;
  logs: Array<{ service: string; span_id: string | null; msg: string }>;
}

describe('the demo in the viewer', { skip: browserSkipped() }, () => {
  let viewer: Viewer;
  let demo: Demo;
  let session: Session;
  const dataDir = mkdtempSync(join(tmpdir(), 'threadline-viewer-e2e-'));
  const correlationId = `e2e-order-${Date.now().toString(36)}`;

  before(async () => {
    // The services need the viewer's address and the viewer their metrics ports: pick its port first.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    demo = await startDemo({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: url, THREADLINE_LOKI_URL: url, OTEL_BSP_SCHEDULE_DELAY: '200' } });
    viewer = await startViewer({ port, dataDir, scrape: Object.values(demo.ports.metrics).map((metrics) => `127.0.0.1:${metrics}`), scrapeIntervalMs: 1000 });
    session = await launch();
  });
  after(async () => {
    await session?.close();
    await demo?.stop();
    await viewer?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('one order: spans and log lines of all five services, tied together on its page', async () => {
    const order = await postJson(`${demo.gatewayUrl}/api/orders`, { customerId: 'c-e2e', items: [{ sku: 'tea-sencha', quantity: 1 }] }, { 'x-correlation-id': correlationId });
    assert.equal(order.status, 201);
    assert.equal(order.headers.get('x-correlation-id'), correlationId);

    // The services export in batches and notifications consumes asynchronously: wait until all five are in.
    const view = await waitFor('all five services\' spans and lines of the order', 30_000, async () => {
      const response = await fetch(`${viewer.url}/api/request/${correlationId}`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as RequestView;
      const spanServices = new Set(body.traces.flatMap((trace) => trace.spans.map((span) => span.service)));
      const logServices = new Set(body.logs.map((line) => line.service));
      return SERVICE_NAMES.every((service) => spanServices.has(service) && logServices.has(service)) ? body : undefined;
    });
    assert.equal(view.traces.length, 1, 'one trace for the whole order');
    // The gateway's route, scraped from its /metrics: the order is in its rate, with an exemplar of its trace.
    const traceId = view.traces[0]!.spans[0]!.traceId;
    await waitFor('the order in the gateway route\'s rate, with its exemplar', 30_000, async () => {
      const red = (await (await fetch(`${viewer.url}/api/metrics/red?service=gateway&route=${encodeURIComponent('/api/orders')}&from=${Date.now() - 120_000}`)).json()) as { points: Array<{ rate: number }>; exemplars: Array<{ traceId: string }> };
      return red.points.some((point) => point.rate > 0) && red.exemplars.some((exemplar) => exemplar.traceId === traceId) ? true : undefined;
    });

    const page = await session.newPage();
    // Tall enough for the whole page: rows off screen are not rendered (content-visibility), nor captured.
    await page.setViewportSize({ width: 1440, height: 2000 });
    await page.goto(`${viewer.url}/request/${correlationId}`);
    await page.locator('.span-row').first().waitFor();
    const waterfall = new Set(await page.locator('.span-row .span-service').allTextContents());
    const lines = new Set(await page.locator('.log-row .service-chip').allTextContents());
    for (const service of SERVICE_NAMES) {
      assert.ok(waterfall.has(service), `${service} in the waterfall`);
      assert.ok(lines.has(service), `${service} in the log lines`);
    }
    await screenshot(page, 'demo-request');

    // Select a log line of payments that belongs to a span: that span, and only it, is highlighted.
    const line = view.logs.find((l) => l.service === 'payments' && l.span_id !== null)!;
    const row = page.locator('.log-row', { hasText: line.msg }).first();
    await row.click();
    assert.match(String(await row.getAttribute('class')), /\bselected\b/);
    const related = page.locator('.span-row.related');
    assert.equal(await related.count(), 1);
    assert.match(String(await related.getAttribute('data-span')), new RegExp(`/${line.span_id}$`));
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'demo-request-line-selected');
    await session.assertClean();
  });
});
