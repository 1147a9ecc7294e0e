// Pages whose API lives on another branch (metrics, alerts) or needs more data than a test should post,
// against fixture answers written to the spec's contract, served next to the real static routes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Router } from '../../src/server/router.ts';
import { staticRoutes } from '../../src/server/static.ts';
import { fixtureApi, makeFixtures, ORDER_TRACE } from './fixtures.ts';
import { serveRouter, type Served } from './fixture-server.ts';
import { browserSkipped, launch, screenshot, type Session } from './helpers.ts';
import { PUBLIC_DIR } from './viewer-server.ts';

const skip = browserSkipped();
let served: Served;
let session: Session;

describe('pages against fixture answers', { skip }, () => {
  before(async () => {
    served = await serveRouter(fixtureApi(staticRoutes(new Router(), PUBLIC_DIR), makeFixtures()));
    session = await launch();
  });
  after(async () => {
    await session?.close();
    await served?.close();
  });

  test('a service page draws rate, errors and latency with uPlot, and an exemplar opens its request', async () => {
    const page = await session.newPage();
    await page.goto(`${served.origin}/services/gateway`);
    await page.locator('.uplot').nth(2).waitFor();
    assert.equal(await page.locator('.chart canvas').count(), 3);
    assert.deepEqual(await page.locator('.chart figcaption').allTextContents(), ['Requests per second', 'Error ratio', 'Latency (exemplars: click to open)']);
    assert.ok(await page.locator('.route-tabs a', { hasText: '/products/:id' }).isVisible(), 'routes from /api/services and /api/metrics/routes');
    await screenshot(page, 'service-page');
    await page.locator('.exemplars a').first().click();
    await page.waitForURL(`**/request/${ORDER_TRACE}`);
    await page.locator('.span-row').first().waitFor();
    await page.locator('.chart canvas').nth(2).waitFor();
    await session.assertClean();
    await page.close();
  });

  test('a click on an exemplar point in the latency chart opens its request', async () => {
    const page = await session.newPage();
    await page.goto(`${served.origin}/services/gateway`);
    const over = page.locator('.chart').nth(2).locator('.u-over');
    await over.waitFor();
    const box = await over.boundingBox();
    assert.ok(box !== null);
    // The fixture's exemplars sit at 190 ms, a little over half-way down the latency scale; walk the plot's
    // width along that band until a click lands within the 12 px the page accepts around a point.
    let opened = false;
    for (let x = 4; x < box.width && !opened; x += 4) {
      for (const y of [box.height * 0.55, box.height * 0.6, box.height * 0.65, box.height * 0.7]) {
        await over.click({ position: { x, y } });
        if (page.url().includes('/request/')) { opened = true; break; }
      }
    }
    assert.ok(opened, 'no click on the latency chart opened an exemplar');
    await page.close();
  });

  test('alerts link to the requests of their service at their time, and never to a javascript: source', async () => {
    const page = await session.newPage();
    await page.goto(`${served.origin}/alerts`);
    const firing = page.locator('tr', { hasText: 'HighErrorRatio' });
    await firing.waitFor();
    assert.match(String(await firing.getAttribute('class')), /\bis-error\b/);
    const href = String(await firing.getByRole('link', { name: 'Requests then' }).getAttribute('href'));
    const query = new URL(href, served.origin).searchParams;
    assert.equal(query.get('service'), 'payments');
    assert.ok(Number(query.get('from')) < Number(query.get('to')));
    assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
    assert.equal(await page.locator('tr', { hasText: 'SlowRequests' }).getByRole('link', { name: 'Source' }).count(), 0);
    await screenshot(page, 'alerts-page');
    await firing.getByRole('link', { name: 'Requests then' }).click();
    await page.waitForURL('**/?service=payments*');
    assert.equal(await page.locator('select[name="service"]').inputValue(), 'payments');
    await session.assertClean();
    await page.close();
  });

  test('the service map draws every node and edge, with rates and errors on the edges', async () => {
    const page = await session.newPage();
    await page.goto(`${served.origin}/map`);
    await page.locator('.service-map').waitFor();
    const fixtures = makeFixtures();
    assert.equal(await page.locator('.service-map g.edge path').count(), fixtures.map.edges.length);
    const names = new Set(fixtures.map.edges.flatMap((edge) => [edge.from, edge.to]));
    assert.equal(await page.locator('.service-map [data-node]').count(), names.size);
    assert.equal(await page.locator('.service-map .node-store').count(), 3, 'postgresql, mysql and redis drawn as stores');
    assert.ok(await page.locator('.service-map .edge.has-error text', { hasText: 'err' }).first().isVisible());
    await screenshot(page, 'service-map');
    await page.locator('[data-node="orders"]').click();
    await page.waitForURL('**/services/orders');
    await session.assertClean();
    await page.close();
  });
});
