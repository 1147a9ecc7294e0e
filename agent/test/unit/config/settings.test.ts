import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSettings, type Env } from '../../../dist/config/settings.js';

function read(env: Env, isTTY = false) {
  const warnings: string[] = [];
  const settings = readSettings(env, (line) => warnings.push(line), isTTY);
  return { settings, warnings };
}

describe('readSettings', () => {
  it('works with nothing set', () => {
    const { settings, warnings } = read({});
    assert.deepEqual(warnings, []);
    assert.equal(settings.disabled, false);
    assert.equal(settings.metricsPort, 9464);
    assert.equal(settings.metricsHost, '0.0.0.0');
    assert.equal(settings.correlationHeader, 'x-correlation-id');
    assert.equal(settings.logLevel, 'info');
    assert.equal(settings.shutdownTimeoutMs, 5000);
    assert.equal(settings.lokiUrl, undefined);
    assert.equal(settings.lokiMaxBuffer, 10_000);
    assert.equal(settings.tracesEndpoint, undefined);
    assert.equal(settings.otlpProtocol, 'http/protobuf');
    assert.equal(settings.sampler, 'parentbased_always_on');
    assert.equal(settings.serviceName, 'unknown_service:node');
  });

  it('derives the traces endpoint from the base endpoint, and prefers the signal-specific one', () => {
    assert.equal(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).settings.tracesEndpoint, 'http://collector:4318/v1/traces');
    assert.equal(
      read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' }).settings.tracesEndpoint,
      'http://b:4318/custom',
    );
  });

  it('reads service name, version and environment from the standard variables', () => {
    const { settings } = read({
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs,service.version=2.0.0,deployment.environment.name=staging',
    });
    assert.equal(settings.serviceName, 'from-attrs');
    assert.equal(settings.serviceVersion, '2.0.0');
    assert.equal(settings.environment, 'staging');
    assert.equal(read({ OTEL_SERVICE_NAME: 'orders', OTEL_RESOURCE_ATTRIBUTES: 'service.name=x' }).settings.serviceName, 'orders');
  });

  it("reads the pod's namespace, name and node from OTEL_RESOURCE_ATTRIBUTES, as the downward API sets them", () => {
    const { settings, warnings } = read({
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=production,k8s.namespace.name=shop,k8s.pod.name=orders-7d9c8b6f5-x2x9q,k8s.node.name=node-a',
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(settings.kubernetes, { namespace: 'shop', pod: 'orders-7d9c8b6f5-x2x9q', node: 'node-a' });
    assert.deepEqual(read({}).settings.kubernetes, { namespace: undefined, pod: undefined, node: undefined });
    assert.deepEqual(read({ OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=,k8s.node.name= n ' }).settings.kubernetes, { namespace: undefined, pod: undefined, node: 'n' });
  });

  it('turns tracing off for OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none', () => {
    assert.equal(read({ OTEL_SDK_DISABLED: 'true' }).settings.tracesEnabled, false);
    assert.equal(read({ OTEL_TRACES_EXPORTER: 'none' }).settings.tracesEnabled, false);
    assert.equal(read({}).settings.tracesEnabled, true);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['THREADLINE_METRICS_PORT', '70000', /a whole number from 0 to 65535; using 9464/],
    ['THREADLINE_METRICS_PORT', '9464abc', /a whole number/],
    ['THREADLINE_LOKI_MAX_BUFFER', '-5', /a whole number from 1/],
    ['THREADLINE_SHUTDOWN_TIMEOUT_MS', 'soon', /a whole number/],
    ['THREADLINE_DISABLED', 'yes', /true or false; using false/],
    ['THREADLINE_LOG_LEVEL', 'verbose', /one of fatal, error, warn, info, debug, trace, silent; using "info"/],
    ['THREADLINE_LOKI_URL', 'loki:3100', /an http:\/\/ or https:\/\/ URL; ignoring it/],
    ['THREADLINE_CORRELATION_HEADER', 'x correlation\r\n', /an HTTP header name/],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', /one of http\/protobuf, http\/json; using "http\/protobuf"/],
    ['OTEL_TRACES_SAMPLER_ARG', '2', /a number from 0 to 1/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url', /an http:\/\/ or https:\/\/ URL/],
  ];
  for (const [name, value, accepted] of bad) {
    it(`reports ${name}=${JSON.stringify(value)} in one line and uses the default`, () => {
      const { warnings } = read({ [name]: value });
      assert.equal(warnings.length, 1);
      const [line] = warnings;
      assert.ok(line?.startsWith(`[threadline] invalid ${name}=`), line);
      assert.match(String(line), accepted);
      assert.ok(!String(line).includes('\n') && !String(line).includes('\r'), 'one line even for hostile values');
    });
  }

  it('reads the batch processor bounds and keeps the batch within the queue', () => {
    assert.deepEqual(read({}).settings.batch, { scheduleDelayMs: 1000, maxQueueSize: 2048, maxExportBatchSize: 512 });
    const { settings, warnings } = read({ OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500' });
    assert.deepEqual(settings.batch, { scheduleDelayMs: 200, maxQueueSize: 100, maxExportBatchSize: 100 });
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]), /OTEL_BSP_MAX_EXPORT_BATCH_SIZE=500 exceeds OTEL_BSP_MAX_QUEUE_SIZE=100; using 100/);
    assert.deepEqual(read({ OTEL_BSP_MAX_QUEUE_SIZE: '10' }).settings.batch.maxExportBatchSize, 10);
  });

  it('truncates very long bad values in the message', () => {
    const { warnings } = read({ THREADLINE_LOG_LEVEL: 'x'.repeat(10_000) });
    assert.ok(String(warnings[0]).length < 300);
  });

  it('lower-cases the correlation header and splits redaction paths', () => {
    const { settings } = read({ THREADLINE_CORRELATION_HEADER: 'X-Trace-Ref', THREADLINE_LOG_REDACT: 'user.ssn, card.number ,' });
    assert.equal(settings.correlationHeader, 'x-trace-ref');
    assert.deepEqual(settings.logRedact, ['user.ssn', 'card.number']);
  });

  it('pretty-prints only on a TTY outside production', () => {
    assert.equal(read({}, true).settings.pretty, true);
    assert.equal(read({ NODE_ENV: 'production' }, true).settings.pretty, false);
    assert.equal(read({}, false).settings.pretty, false);
  });
});
