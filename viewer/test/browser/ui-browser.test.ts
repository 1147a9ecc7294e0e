// The viewer's pages in Debian's chromium against a real viewer: telemetry that carries markup is shown as
// text and never runs, and one request across five services shows its waterfall and its log lines, tied
// together both ways. Data goes in as the services send it: OTLP/JSON traces and Loki JSON pushes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkipped, launch, screenshot, type Session } from './helpers.ts';
import { HOSTILE_LOGS, HOSTILE_SPANS, HOSTILE_TRACE, MARKUP, ORDER_CORRELATION, ORDER_LOGS, ORDER_SPANS, ORDER_TRACE, putSamples, SCRIPT } from './sample-requests.ts';
import { lokiPush, otlpTraces, startTestViewer, type RunningViewer } from './viewer-server.ts';

const skip = browserSkipped();
let viewer: RunningViewer;
let session: Session;

describe('the viewer in a browser', { skip }, () => {
  before(async () => {
    viewer = await startTestViewer();
    await putSamples(viewer);
    // The late request's page asks before the request is stored: those 404s are expected.
    session = await launch({ ignoreFailedLoads: [/\/api\/request\/order-late\b/] });
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
    assert.equal(await page.locator('.span-row').count(), HOSTILE_SPANS.length);
    assert.equal(await page.locator('.log-row').count(), HOSTILE_LOGS.length);
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
    // The footer says what the store holds (from /api/stats).
    const stored = ORDER_SPANS.length + HOSTILE_SPANS.length;
    await page.locator('#store-status', { hasText: `${stored} spans` }).waitFor();
    await row.click();
    await page.waitForURL(`**/request/${ORDER_TRACE}`);
    await page.locator('.span-row').first().waitFor();
    assert.equal(await page.locator('.span-row').count(), ORDER_SPANS.length);
    await session.assertClean();
    await page.close();
  });

  test('the live tail shows new lines without a reload, and Pause stops asking', async () => {
    const page = await session.newPage();
    await page.goto(`${viewer.url}/logs?service=payments`);
    await page.locator('.log-row', { hasText: 'charging 129.90 EUR' }).waitFor();
    assert.equal(await page.locator('.log-row', { hasText: 'checking stock' }).count(), 0, 'the service filter applies');
    await page.evaluate('window.__samePage = true');

    await viewer.post('/loki/api/v1/push', lokiPush(ORDER_TRACE, ORDER_CORRELATION, Date.now(), [{ service: 'payments', spanId: '00000000000000d1', at: 0, level: 'info', msg: 'refund issued (tail test)' }]));
    await page.locator('.log-row', { hasText: 'refund issued (tail test)' }).waitFor();
    assert.equal(await page.evaluate('window.__samePage'), true, 'the line came without reloading the page');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.tail-state', { hasText: 'Paused' }).waitFor();
    // After the poll in flight at the click has answered, a paused tail makes no request at all.
    await page.waitForLoadState('networkidle');
    let asked = 0;
    const count = (request: { url(): string }): void => { if (request.url().includes('/api/logs')) asked++; };
    page.on('request', count);
    await viewer.post('/loki/api/v1/push', lokiPush(ORDER_TRACE, ORDER_CORRELATION, Date.now(), [{ service: 'payments', spanId: '00000000000000d1', at: 0, level: 'warn', msg: 'sent while paused' }]));
    await page.waitForTimeout(2500);
    assert.equal(asked, 0, 'a paused tail asked for lines');
    assert.equal(await page.locator('.log-row', { hasText: 'sent while paused' }).count(), 0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('.log-row', { hasText: 'sent while paused' }).waitFor();
    page.off('request', count);
    await session.assertClean();
    await page.close();
  });

  test('tabs and links navigate in the page (History API), and Back returns', async () => {
    const page = await session.newPage();
    await page.goto(`${viewer.url}/`);
    await page.locator('tr', { hasText: ORDER_CORRELATION }).waitFor();
    await page.evaluate('window.__samePage = true');
    await page.getByRole('link', { name: 'Services', exact: true }).click();
    await page.locator('h1', { hasText: 'Services' }).waitFor();
    await page.getByRole('link', { name: 'payments' }).first().click();
    await page.waitForURL('**/services/payments');
    await page.goBack();
    await page.waitForURL('**/services');
    await page.locator('h1', { hasText: 'Services' }).waitFor();
    await page.locator('#jump-id').fill(ORDER_CORRELATION);
    await page.keyboard.press('Enter');
    await page.locator('.span-row').first().waitFor();
    assert.equal(await page.evaluate('window.__samePage'), true, 'no navigation reloaded the page');
    assert.equal(await page.getAttribute('[data-tab="search"]', 'aria-current'), 'page');
    await page.close();
  });

  test('a request page opened before its request is stored shows it once it arrives', async () => {
    const page = await session.newPage();
    await page.goto(`${viewer.url}/request/order-late`);
    await page.getByText('Waiting for this request to arrive').waitFor();
    const spans = ORDER_SPANS.slice(0, 3);
    await viewer.post('/v1/traces', otlpTraces('0af7651916cd43dd8448eb211c80319c', 'order-late', Date.now() - 1000, spans));
    await page.locator('.span-row').nth(spans.length - 1).waitFor();
    assert.equal(await page.locator('.span-row').count(), spans.length);
    await session.assertClean();
    await page.close();
  });
});
