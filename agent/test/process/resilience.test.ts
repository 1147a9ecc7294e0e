// Backends that refuse, stall and come back: the app keeps serving, losses are bounded and
// counted, the agent says so at most once a minute, and delivery resumes on recovery.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startApp } from '../helpers/app-process.ts';
import { counterValue } from '../helpers/metrics-text.ts';
import { startLokiReceiver, startOtlpReceiver } from '../helpers/receivers.ts';
import { waitFor } from '../helpers/wait.ts';

describe('OTLP endpoint down, then back', () => {
  for (const mode of ['fail', 'stall'] as const) {
    it(`counts what it could not send while the collector ${mode === 'fail' ? 'refuses' : 'does not answer'}, warns once, and recovers`, async () => {
      const otlp = await startOtlpReceiver();
      otlp.mode = mode;
      const app = await startApp('express-app.cjs', {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_TIMEOUT: '500' },
      });
      try {
        const exportErrors = (text: string): number => counterValue(text, 'threadline_export_errors_total\\{signal="traces",service="test-app"\\}');
        for (let round = 0; round < 3; round++) {
          const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${app.url}/hello/down-${round}-${i}`).then((r) => r.status)));
          assert.deepEqual(new Set(statuses), new Set([200]), 'the app keeps serving');
          // Each round's batch fails (refused, or past the 500 ms timeout) before the next round.
          await waitFor(`export error ${round + 1}`, 15_000, async () => (exportErrors(await app.metrics()) > round ? true : undefined));
        }
        const text = await app.metrics();
        assert.ok(exportErrors(text) >= 3, text);
        assert.ok(counterValue(text, 'threadline_spans_dropped_total') >= 20);
        const warnings = app.stderr().split('\n').filter((line) => line.includes('trace export to'));
        assert.equal(warnings.length, 1, `one warning per minute, got:\n${app.stderr()}`);

        otlp.mode = 'ok';
        await fetch(`${app.url}/hello/after`, { headers: { 'x-correlation-id': `back-${mode}` } });
        await otlp.waitFor((items) => items.some((s) => s.attributes['correlation.id'] === `back-${mode}`), 20_000);
      } finally {
        await app.stop();
        await otlp.close();
      }
    });
  }
});

describe('Loki down, then back', () => {
  it('holds log lines in the buffer and delivers every one of them when Loki returns', async () => {
    const loki = await startLokiReceiver();
    loki.mode = 'fail';
    const app = await startApp('express-app.cjs', { env: { THREADLINE_LOKI_URL: loki.url } });
    try {
      for (let i = 0; i < 100; i++) await fetch(`${app.url}/hello/held-${i}`);
      // A batch a second, then backoff between retries.
      await waitFor('a push tried and retried', 15_000, () => (loki.requests >= 2 ? true : undefined));
      assert.equal(loki.items.length, 0);
      loki.mode = 'ok';
      const delivered = await loki.waitFor((items) => items.filter((e) => e.line.includes('"name":"held-')).length === 100, 30_000);
      const names = delivered.filter((e) => e.line.includes('"name":"held-')).map((e) => (JSON.parse(e.line) as { name: string }).name);
      assert.deepEqual(names, Array.from({ length: 100 }, (_, i) => `held-${i}`), 'all of them, in order');
      const text = await app.metrics();
      assert.equal(counterValue(text, 'threadline_logs_dropped_total'), 0);
      assert.ok(counterValue(text, 'threadline_export_errors_total\\{signal="logs",service="test-app"\\}') >= 1);
    } finally {
      await app.stop();
      await loki.close();
    }
  });

  it('drops the oldest lines beyond THREADLINE_LOKI_MAX_BUFFER and counts them', async () => {
    const loki = await startLokiReceiver();
    loki.mode = 'fail';
    const app = await startApp('express-app.cjs', { env: { THREADLINE_LOKI_URL: loki.url, THREADLINE_LOKI_MAX_BUFFER: '50' } });
    try {
      for (let i = 0; i < 100; i++) await fetch(`${app.url}/hello/over-${i}`);
      // 200 lines (a request's own and its access line) into a buffer of 50.
      await waitFor('150 lines dropped', 15_000, async () => (counterValue(await app.metrics(), 'threadline_logs_dropped_total') >= 150 ? true : undefined));
      loki.mode = 'ok';
      const delivered = await loki.waitFor((items) => items.some((e) => e.line.includes('"name":"over-99"')), 30_000);
      assert.ok(delivered.length <= 50 + 5, `at most the buffer (50) plus lines logged since, got ${delivered.length}`);
    } finally {
      await app.stop();
      await loki.close();
    }
  });
});

describe('stdout not being read', () => {
  it('keeps serving, holds at most 16 MiB of lines, counts the rest, and writes again once read', async () => {
    const app = await startApp('express-app.cjs', { env: { OTEL_SDK_DISABLED: 'true' } });
    try {
      // A log collector that stopped reading: the pipe fills, then the agent's buffer does.
      app.child.stdout?.pause();
      const text = 'x'.repeat(4096);
      for (let batch = 0; batch < 40; batch++) {
        const statuses = await Promise.all(
          Array.from({ length: 50 }, () => fetch(`${app.url}/inject?text=${text}`).then(async (r) => (await r.arrayBuffer(), r.status))),
        );
        assert.deepEqual(new Set(statuses), new Set([200]), 'the app keeps serving');
      }
      // 2,000 lines of over 12 KiB each went to stdout: more than the 16 MiB buffer holds.
      const dropped = counterValue(await app.metrics(), 'threadline_logs_dropped_total');
      assert.ok(dropped > 0 && dropped < 2000, `some lines dropped and counted, got ${dropped}`);

      // Lines logged while the backlog drains may still be dropped; once it has, they are written.
      app.child.stdout?.resume();
      let attempt = 0;
      await waitFor('a line logged after stdout is read again', 15_000, async () => {
        await fetch(`${app.url}/hello/after-unblock-${attempt++}`);
        return app.logs.find((line) => line.msg === 'said hello' && String(line.name).startsWith('after-unblock'));
      }, 200);
    } finally {
      await app.stop();
    }
  });
});
