// Start-up, configuration errors, shutdown and crashes, each in a real process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { FIXTURES, REGISTER, startApp } from '../helpers/app-process.ts';
import { startLokiReceiver, startOtlpReceiver } from '../helpers/receivers.ts';

describe('configuration', () => {
  it('reports a bad value in one stderr line and keeps running with the default', async () => {
    const app = await startApp('express-app.cjs', { env: { THREADLINE_LOG_LEVEL: 'loud', OTEL_TRACES_SAMPLER: 'sometimes' } });
    try {
      const response = await fetch(`${app.url}/hello/x`);
      assert.equal(response.status, 200);
      const lines = app.stderr().trim().split('\n');
      assert.ok(
        lines.includes('[threadline] invalid THREADLINE_LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent; using "info"'),
        app.stderr(),
      );
      assert.equal(lines.filter((l) => l.includes('OTEL_TRACES_SAMPLER')).length, 1);
      assert.match(app.stderr(), /OTEL_TRACES_SAMPLER="sometimes": expected one of always_on, always_off, traceidratio/);
    } finally {
      await app.stop();
    }
  });

  it('with no variable set: logs to stdout, metrics on the port, one notice that spans are not recorded', async () => {
    const app = await startApp('express-app.cjs');
    try {
      await fetch(`${app.url}/hello/y`);
      await app.waitForLog((l) => l.msg === 'request completed');
      assert.match(await app.metrics(), /http_server_request_duration_seconds_count/);
      assert.equal(app.stderr().trim().split('\n').length, 1);
      assert.match(app.stderr(), /spans are not recorded/);
    } finally {
      await app.stop();
    }
  });

  it('THREADLINE_DISABLED=true turns the agent off', async () => {
    const app = await startApp('express-app.cjs', { env: { THREADLINE_DISABLED: 'true' } });
    try {
      const response = await fetch(`${app.url}/hello/z`);
      assert.equal(response.headers.get('x-correlation-id'), null);
      await assert.rejects(app.metrics(), 'no metrics endpoint');
      const line = await app.waitForLog((l) => l.msg === 'said hello');
      assert.equal(line.correlation_id, undefined);
      assert.ok(!app.logs.some((l) => l.msg === 'request completed'));
    } finally {
      await app.stop();
    }
  });

  it('OTEL_SDK_DISABLED=true records no spans but keeps correlation IDs', async () => {
    const otlp = await startOtlpReceiver();
    const app = await startApp('express-app.cjs', { env: { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url } });
    try {
      const response = await fetch(`${app.url}/hello/q`, { headers: { 'x-correlation-id': 'no-sdk' } });
      assert.equal(response.headers.get('x-correlation-id'), 'no-sdk');
      const line = await app.waitForLog((l) => l.msg === 'said hello');
      assert.equal(line.correlation_id, 'no-sdk');
      assert.equal(line.trace_id, undefined);
      // The agent flushes on its way out: whatever it would have sent has been sent by then.
      await app.stop();
      assert.equal(otlp.requests, 0);
    } finally {
      await app.stop();
      await otlp.close();
    }
  });
});

describe('preloaded into anything', () => {
  for (const flag of ['-r', '--import']) {
    it(`does not break \`node ${flag} … -e\` scripts (container health checks use them)`, () => {
      const result = spawnSync(process.execPath, [flag, REGISTER, '-e', "require('node:module'); console.log('script ran')"], {
        env: { PATH: process.env.PATH, THREADLINE_METRICS_PORT: '0' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /script ran/);
    });
  }

  it('lets an ESM app load built-in modules through createRequire', () => {
    const result = spawnSync(process.execPath, ['--import', REGISTER, `${FIXTURES}builtins.mjs`], {
      env: { PATH: process.env.PATH, THREADLINE_METRICS_PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /builtins ok/);
  });
});

describe('shutdown', () => {
  it('on SIGTERM flushes spans and logs, then exits with 128+15', async () => {
    const otlp = await startOtlpReceiver();
    const loki = await startLokiReceiver();
    const app = await startApp('express-app.cjs', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, THREADLINE_LOKI_URL: loki.url },
    });
    try {
      await fetch(`${app.url}/hello/last-words`, { headers: { 'x-correlation-id': 'flush-1' } });
      const started = Date.now();
      const exit = await app.stop('SIGTERM');
      assert.equal(exit.code, 143);
      assert.ok(Date.now() - started < 5000);
      // Everything logged before the signal reached Loki; the span reached the collector.
      assert.ok(loki.items.some((e) => e.line.includes('"said hello"') && e.line.includes('flush-1')), 'log line delivered');
      assert.ok(loki.items.some((e) => e.line.includes('"request completed"') && e.line.includes('flush-1')));
      assert.ok(otlp.items.some((s) => s.attributes['correlation.id'] === 'flush-1'), 'span delivered');
    } finally {
      await otlp.close();
      await loki.close();
    }
  });

  it('leaves the exit to an app that handles SIGTERM itself', async () => {
    const app = await startApp('express-app.cjs', { env: { APP_HANDLES_SIGTERM: 'true' } });
    const exit = await app.stop('SIGTERM');
    assert.equal(exit.code, 0);
    assert.ok(app.logs.some((l) => l.msg === 'app is draining'));
  });

  it('exits within the deadline when the backends do not answer', async () => {
    const otlp = await startOtlpReceiver();
    const loki = await startLokiReceiver();
    otlp.mode = 'stall';
    loki.mode = 'stall';
    const app = await startApp('express-app.cjs', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, THREADLINE_LOKI_URL: loki.url, THREADLINE_SHUTDOWN_TIMEOUT_MS: '1000' },
    });
    try {
      await fetch(`${app.url}/hello/stalled`);
      const started = Date.now();
      const exit = await app.stop('SIGTERM');
      const took = Date.now() - started;
      assert.equal(exit.code, 143);
      assert.ok(took < 2500, `exited after ${took} ms`);
    } finally {
      await otlp.close();
      await loki.close();
    }
  });

  it('logs an uncaught exception with its context, then Node exits as it would without the agent', async () => {
    const app = await startApp('express-app.cjs');
    await fetch(`${app.url}/throw-later`, { headers: { 'x-correlation-id': 'crash-1' } });
    const exit = await new Promise<number | null>((resolve) => app.child.once('exit', (code) => resolve(code)));
    assert.equal(exit, 1);
    const fatal = app.logs.find((l) => l.level === 'fatal');
    assert.ok(fatal, 'a fatal line');
    assert.equal(fatal.msg, 'uncaught exception');
    assert.equal(fatal.correlation_id, 'crash-1');
    assert.match(String((fatal.err as { message?: string }).message), /exploded after responding/);
    assert.match(app.stderr(), /Error: exploded after responding/);
  });
});
