// What the preload does at start-up beyond starting the agent: Node's compile cache is on
// (Node's own variables still rule it), only the agent's bundle loads (nothing of the Loki worker
// without THREADLINE_LOKI_URL), TLS is not loaded for the agent's sake, no exporter code loads
// before the first export, and the libraries it reaches into pass their checks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { REGISTER } from '../helpers/app-process.ts';
import { startOtlpReceiver } from '../helpers/receivers.ts';

const run = promisify(execFile);

/** Runs `script` with the agent preloaded; returns the last line it printed to stderr (stdout carries logs). */
async function preloaded(script: string, env: Record<string, string> = {}): Promise<string> {
  const { stderr } = await run(process.execPath, ['-r', REGISTER, '-e', script], {
    env: { PATH: process.env.PATH, THREADLINE_METRICS_PORT: '0', ...env },
  });
  return stderr.trim().split('\n').at(-1) ?? '';
}

const PRINT_CACHE_DIR = "process.stderr.write(String(require('node:module').getCompileCacheDir()))";

describe('start-up', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'threadline-startup-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("turns on Node's compile cache", async () => {
    const dir = await preloaded(PRINT_CACHE_DIR);
    assert.notEqual(dir, 'undefined');
    assert.ok(dir.startsWith(tmpdir()), `${dir} is under ${tmpdir()}`);
  });

  it('caches in NODE_COMPILE_CACHE when it is set, the agent included', async () => {
    const dir = join(scratch, 'cache');
    const used = await preloaded(PRINT_CACHE_DIR, { NODE_COMPILE_CACHE: dir });
    assert.ok(used.startsWith(`${dir}/`), `${used} is under ${dir} (one directory per Node.js version)`);
    assert.ok(readdirSync(used).length > 0, 'something was cached');
    // The next start reads the agent's bundle from there: Node's own debug output says so.
    const { stderr } = await run(process.execPath, ['-r', REGISTER, '-e', '0'], {
      env: { PATH: process.env.PATH, THREADLINE_METRICS_PORT: '0', NODE_COMPILE_CACHE: dir, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
    });
    // Node 24 says "V8 code cache for CommonJS <file> was accepted", Node 22 "cache for <file> was accepted".
    assert.match(stderr, /cache for (CommonJS )?\S*\/dist\/agent\.js was accepted/);
  });

  it('leaves it off under NODE_DISABLE_COMPILE_CACHE=1', async () => {
    assert.equal(await preloaded(PRINT_CACHE_DIR, { NODE_DISABLE_COMPILE_CACHE: '1' }), 'undefined');
  });

  it('loads neither node:https nor TLS into an app that does not use them', async () => {
    const printed = await preloaded(
      "process.stderr.write(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (https|tls)$/.test(m))))",
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    );
    assert.deepEqual(JSON.parse(printed), []);
  });

  it('loads neither node:http2 nor @grpc/grpc-js into an app that does not use them', async () => {
    const printed = await preloaded(
      "require('express'); process.stderr.write(JSON.stringify([...process.moduleLoadList.filter((m) => /http2/.test(m)), ...Object.keys(require.cache).filter((f) => f.includes('@grpc'))]))",
    );
    assert.deepEqual(JSON.parse(printed), []);
  });

  it('loads the OTLP exporter at the first export, not at start-up', async () => {
    const otlp = await startOtlpReceiver();
    try {
      const script = `
        const loaded = () => Object.keys(require.cache).some((file) => file.includes('otlp-exporter-base'));
        const before = loaded();
        require('@opentelemetry/api').trace.getTracer('t').startSpan('one').end();
        require('@threadline/agent').shutdown().then(() => process.stderr.write(JSON.stringify({ before, after: loaded() })));`;
      const printed = await preloaded(script, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url });
      assert.deepEqual(JSON.parse(printed), { before: false, after: true });
      const spans = await otlp.waitFor((items) => items.some((s) => s.name === 'one'));
      assert.equal(spans.filter((s) => s.name === 'one').length, 1);
    } finally {
      await otlp.close();
    }
  });

  it('loads only its bundle: nothing of the Loki worker, with or without THREADLINE_LOKI_URL', async () => {
    const script = "process.stderr.write(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('/agent/dist/')).map((f) => f.slice(f.indexOf('/dist/') + 6)).sort()))";
    assert.deepEqual(JSON.parse(await preloaded(script)), ['agent.js', 'lifecycle/compile-cache.js', 'register.js']);
    // With Loki, the worker's modules load in the worker, started at the first batch of lines.
    assert.deepEqual(JSON.parse(await preloaded(script, { THREADLINE_LOKI_URL: 'http://127.0.0.1:9' })), ['agent.js', 'lifecycle/compile-cache.js', 'register.js']);
  });

  it("uses every library's internals it was written for: no fallback notice, the first export included", async () => {
    const otlp = await startOtlpReceiver();
    try {
      const script = `
        require('@opentelemetry/api').trace.getTracer('t').startSpan('checked').end();
        require('@threadline/agent').logger.info('a line through stdout');
        require('@threadline/agent').shutdown().then(() => process.stderr.write('done'));`;
      const { stderr } = await run(process.execPath, ['-r', REGISTER, '-e', script], {
        env: { PATH: process.env.PATH, THREADLINE_METRICS_PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url },
      });
      assert.equal(stderr, 'done', 'stderr carries no notice');
      await otlp.waitFor((items) => items.some((s) => s.name === 'checked'));
    } finally {
      await otlp.close();
    }
  });
});
