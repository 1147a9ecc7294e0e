// The viewer's pages in Debian's chromium against a real viewer: telemetry that carries markup is shown as
// text and never runs, and one request across five services shows its waterfall and its log lines, tied
// together both ways. Data goes in as the services send it: OTLP/JSON traces and Loki JSON pushes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserMissing, launch, screenshot, type Session } from './helpers.ts';
import { lokiPush, otlpTraces, startTestViewer, untilStored, type RunningViewer, type TestLog, type TestSpan } from './viewer-server.ts';

const MARKUP = '<img src=x onerror=window.__pwned=1>';
const SCRIPT = '<script>window.__pwned=1</script>';
const HOSTILE_TRACE = 'deadbeefdeadbeefdeadbeefdeadbeef';
const ORDER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ORDER_CORRELATION = 'order-e2e-7f3a9c';

const ORDER_SPANS: TestSpan[] = [
  { service: 'gateway', spanId: '00000000000000a1', parentSpanId: '', name: 'POST /orders', kind: 'SERVER', at: 0, ms: 412, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 } },
  { service: 'gateway', spanId: '00000000000000a2', parentSpanId: '00000000000000a1', name: 'POST', kind: 'CLIENT', at: 3, ms: 401, attributes: { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1:3001/orders', 'http.response.status_code': 201 } },
  { service: 'orders', spanId: '00000000000000b1', parentSpanId: '00000000000000a2', name: 'POST /orders', kind: 'SERVER', at: 5, ms: 396, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 } },
  { service: 'orders', spanId: '00000000000000b2', parentSpanId: '00000000000000b1', name: 'SELECT shop.products', kind: 'CLIENT', at: 8, ms: 6.4, attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT id, price FROM products WHERE id = ANY($1)' } },
  { service: 'orders', spanId: '00000000000000b3', parentSpanId: '00000000000000b1', name: 'GET', kind: 'CLIENT', at: 16, ms: 88, attributes: { 'http.request.method': 'GET', 'url.full': 'http://127.0.0.1:3003/stock/42', 'http.response.status_code': 200 } },
  { service: 'inventory', spanId: '00000000000000c1', parentSpanId: '00000000000000b3', name: 'GET /stock/:sku', kind: 'SERVER', at: 18, ms: 84, attributes: { 'http.request.method': 'GET', 'http.route': '/stock/:sku', 'http.response.status_code': 200 } },
  { service: 'inventory', spanId: '00000000000000c2', parentSpanId: '00000000000000c1', name: 'SELECT stock', kind: 'CLIENT', at: 23, ms: 71, attributes: { 'db.system': 'mysql', 'db.statement': 'SELECT qty FROM stock WHERE sku = ?' } },
  { service: 'orders', spanId: '00000000000000b4', parentSpanId: '00000000000000b1', name: 'POST', kind: 'CLIENT', at: 110, ms: 262, error: 'payment declined', attributes: { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1:3002/payments', 'http.response.status_code': 502 } },
  { service: 'payments', spanId: '00000000000000d1', parentSpanId: '00000000000000b4', name: 'POST /payments', kind: 'SERVER', at: 112, ms: 258, error: 'upstream provider timed out', attributes: { 'http.request.method': 'POST', 'http.route': '/payments', 'http.response.status_code': 502 } },
  { service: 'payments', spanId: '00000000000000d2', parentSpanId: '00000000000000d1', name: 'INSERT payments', kind: 'CLIENT', at: 115, ms: 4.8, attributes: { 'db.system': 'postgresql', 'db.statement': 'INSERT INTO payments (order_id) VALUES ($1)' } },
  { service: 'orders', spanId: '00000000000000b5', parentSpanId: '00000000000000b1', name: 'orders.created publish', kind: 'PRODUCER', at: 376, ms: 2, attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'orders.created' } },
  { service: 'notifier', spanId: '00000000000000e1', parentSpanId: '00000000000000b5', name: 'orders.created process', kind: 'CONSUMER', at: 381, ms: 24, attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'orders.created' } },
];

const ORDER_LOGS: TestLog[] = [
  { service: 'gateway', spanId: '00000000000000a1', at: 0.4, level: 'info', msg: 'request received POST /orders' },
  { service: 'orders', spanId: '00000000000000b1', at: 6, level: 'info', msg: 'creating order for customer 1183' },
  { service: 'inventory', spanId: '00000000000000c1', at: 19, level: 'info', msg: 'checking stock for sku 42' },
  { service: 'inventory', spanId: '00000000000000c2', at: 95, level: 'warn', msg: 'stock query slow: 71 ms' },
  { service: 'payments', spanId: '00000000000000d1', at: 113, level: 'info', msg: 'charging 129.90 EUR' },
  { service: 'payments', spanId: '00000000000000d1', at: 369, level: 'error', msg: 'payment provider timed out after 250 ms' },
  { service: 'orders', spanId: '00000000000000b4', at: 372, level: 'warn', msg: 'payment failed, order kept as pending' },
  { service: 'notifier', spanId: '00000000000000e1', at: 382, level: 'info', msg: 'sending confirmation mail' },
  { service: 'gateway', spanId: '00000000000000a1', at: 411.8, level: 'info', msg: 'request completed 201 in 412 ms' },
];

const HOSTILE_SPANS: TestSpan[] = [
  { service: MARKUP, spanId: '00000000000000f1', parentSpanId: '', name: `GET ${SCRIPT}`, kind: 'SERVER', at: 0, ms: 20, error: MARKUP, attributes: { 'http.route': `/x/${MARKUP}`, 'http.response.status_code': 500, evil: MARKUP, [SCRIPT]: 'attribute name' } },
  { service: 'backend', spanId: '00000000000000f2', parentSpanId: '00000000000000f1', name: MARKUP, kind: 'CLIENT', at: 2, ms: 10, attributes: { 'db.system': SCRIPT } },
];
const HOSTILE_LOGS: TestLog[] = [
  { service: MARKUP, spanId: '00000000000000f1', at: 1, level: 'error', msg: `log line ${MARKUP} and ${SCRIPT}` },
  { service: 'backend', spanId: '00000000000000f2', at: 3, level: 'info', msg: SCRIPT },
];

const missing = browserMissing();
let viewer: RunningViewer;
let session: Session;

describe('the viewer in a browser', { skip: missing }, () => {
  before(async () => {
    viewer = await startTestViewer();
    const now = Date.now();
    await viewer.post('/v1/traces', otlpTraces(ORDER_TRACE, ORDER_CORRELATION, now - 60_000, ORDER_SPANS));
    await viewer.post('/loki/api/v1/push', lokiPush(ORDER_TRACE, ORDER_CORRELATION, now - 60_000, ORDER_LOGS));
    await viewer.post('/v1/traces', otlpTraces(HOSTILE_TRACE, `corr-${MARKUP}`, now - 30_000, HOSTILE_SPANS));
    await viewer.post('/loki/api/v1/push', lokiPush(HOSTILE_TRACE, `corr-${MARKUP}`, now - 30_000, HOSTILE_LOGS));
    await untilStored(viewer.url, ORDER_TRACE, ORDER_SPANS.length, ORDER_LOGS.length);
    await untilStored(viewer.url, HOSTILE_TRACE, HOSTILE_SPANS.length, HOSTILE_LOGS.length);
    // The metrics and alerts API come from another branch; until it is merged their 404s are expected.
    session = await launch({ ignoreFailedLoads: [/\/api\/(metrics|alerts)\b/] });
  });
  after(async () => {
    await session?.close();
    await viewer?.close();
  });

  async function notPwned(page: Page): Promise<void> {
    assert.equal(await page.evaluate('typeof window.__pwned'), 'undefined', `markup ran on ${page.url()}`);
    assert.equal(await page.locator('img').count(), 0, 'an <img> from telemetry became an element');
    assert.equal(await page.locator('script').count(), 1, 'only the app\'s own script is in the page');
  }

  test('markup in a service name, span name, attribute and log line is shown as text and never runs', async () => {
    const page = await session.newPage();
    await page.goto(`${viewer.url}/request/${HOSTILE_TRACE}`);
    await page.locator('.span-row').first().waitFor();
    assert.equal(await page.locator('.span-row').count(), 2);
    await page.locator('.span-name', { hasText: `GET ${SCRIPT}` }).waitFor();
    assert.ok(await page.locator('.span-service', { hasText: MARKUP }).first().isVisible(), 'the service name is shown as text');
    assert.ok(await page.locator('.log-msg', { hasText: `log line ${MARKUP} and ${SCRIPT}` }).isVisible(), 'the log line is shown as text');
    await page.locator('.span-row').first().click();
    const details = page.locator('.details');
    assert.ok(await details.locator('td', { hasText: MARKUP }).first().isVisible(), 'the attribute value is shown as text');
    assert.ok(await details.locator('th', { hasText: SCRIPT }).isVisible(), 'the attribute name is shown as text');
    await notPwned(page);
    await screenshot(page, 'hostile-request');

    // The map shortens long names in its boxes (the full name is in the box's title).
    for (const [path, text] of [['/', MARKUP], ['/logs', MARKUP], ['/services', MARKUP], ['/map', MARKUP.slice(0, 20)]] as const) {
      await page.goto(`${viewer.url}${path}`);
      await page.getByText(text).filter({ visible: true }).first().waitFor({ timeout: 5000 }).catch(async (error: unknown) => {
        await screenshot(page, 'failed');
        throw new Error(`${path}: the markup is not shown as text`, { cause: error });
      });
      await notPwned(page);
    }
    await page.goto(`${viewer.url}/logs`);
    await page.locator('.log-msg', { hasText: `log line ${MARKUP}` }).waitFor();
    await notPwned(page);
    await session.assertClean();
    await page.close();
  });

  test('a request across five services: waterfall, log lines, and selection tying them both ways', async () => {
    const page = await session.newPage();
    await page.goto(`${viewer.url}/request/${ORDER_CORRELATION}`);
    await page.locator('.span-row').first().waitFor();
    assert.equal(await page.locator('.span-row').count(), ORDER_SPANS.length);
    assert.equal(await page.locator('.log-row').count(), ORDER_LOGS.length);
    const waterfallServices = new Set(await page.locator('.span-row .span-service').allTextContents());
    const logServices = new Set(await page.locator('.log-row .service-chip').allTextContents());
    for (const service of ['gateway', 'orders', 'inventory', 'payments', 'notifier']) {
      assert.ok(waterfallServices.has(service), `${service} in the waterfall`);
      assert.ok(logServices.has(service), `${service} in the log lines`);
    }
    // Tree order: each child right after its parent's subtree starts, indented one step deeper.
    assert.deepEqual((await Promise.all((await page.locator('.span-row').all()).slice(0, 3).map(async (row) => String(await row.getAttribute('data-span')).split('/')[1]))), ['00000000000000a1', '00000000000000a2', '00000000000000b1']);
    assert.equal(await page.locator('.span-row.is-error').count(), 2, 'both error spans are marked');
    await screenshot(page, 'request-page');

    // A log line → its span.
    const paymentsSpan = page.locator(`.span-row[data-span="${ORDER_TRACE}/00000000000000d1"]`);
    const timeout = page.locator('.log-row', { hasText: 'payment provider timed out' });
    await timeout.click();
    assert.match(String(await timeout.getAttribute('class')), /\bselected\b/);
    assert.match(String(await paymentsSpan.getAttribute('class')), /\brelated\b/, 'the line\'s span is highlighted');
    assert.equal(await page.locator('.span-row.related').count(), 1, 'only that span is highlighted');
    assert.ok(await page.locator('.details', { hasText: 'payment provider timed out' }).isVisible());
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'request-log-selected');

    // A span → its lines (both payments lines), and its attributes.
    await page.locator(`.span-row[data-span="${ORDER_TRACE}/00000000000000d1"]`).click();
    assert.deepEqual(await page.locator('.log-row.related .log-msg').allTextContents(), ['charging 129.90 EUR', 'payment provider timed out after 250 ms']);
    assert.ok(await page.locator('.details td', { hasText: '/payments' }).first().isVisible(), 'the span\'s attributes are shown');
    assert.ok(await page.locator('.details .error-text', { hasText: 'upstream provider timed out' }).isVisible());

    // The keyboard reaches the same: focus a line, Enter selects it and highlights its span.
    const slow = page.locator('.log-row', { hasText: 'stock query slow' });
    await slow.focus();
    await page.keyboard.press('Enter');
    assert.match(String(await page.locator(`.span-row[data-span="${ORDER_TRACE}/00000000000000c2"]`).getAttribute('class')), /\brelated\b/);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate('document.activeElement.textContent.includes("charging")'), true, 'ArrowDown moves to the next line');
    await session.assertClean();
    await page.close();
  });

  test('the search page lists the request, marked as failed, and opens it', async () => {
    const page = await session.newPage();
    await page.goto(`${viewer.url}/?service=gateway`);
    const row = page.locator('tr', { hasText: ORDER_CORRELATION });
    await row.waitFor();
    assert.match(String(await row.getAttribute('class')), /\bis-error\b/);
    await row.click();
    await page.waitForURL(`**/request/${ORDER_TRACE}`);
    await page.locator('.span-row').first().waitFor();
    assert.equal(await page.locator('.span-row').count(), ORDER_SPANS.length);
    await session.assertClean();
    await page.close();
  });
});
