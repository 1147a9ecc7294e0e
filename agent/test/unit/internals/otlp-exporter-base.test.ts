// The otlp-exporter-base this repository installs must be the one internals/otlp-exporter-base.ts
// was written for; otherwise the agent exports through the public JSON exporter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as base from '@opentelemetry/otlp-exporter-base';
import * as nodeHttp from '@opentelemetry/otlp-exporter-base/node-http';
import { exporterShapeProblem, protobufSpanExporter } from '../../../dist/internals/otlp-exporter-base.js';

describe('internals/otlp-exporter-base', () => {
  it('finds the installed otlp-exporter-base as written for, and builds an exporter on it', async () => {
    assert.equal(exporterShapeProblem(base, nodeHttp), undefined, 'otlp-exporter-base changed shape: update internals/otlp-exporter-base.ts');
    const exporter = protobufSpanExporter(
      { url: 'http://127.0.0.1:9/v1/traces', headers: {}, timeoutMillis: 1000, concurrencyLimit: 2 },
      { serializeRequest: () => new Uint8Array(), deserializeResponse: () => ({}) },
    );
    assert.ok(exporter, 'otlp-exporter-base is not the pinned version: update internals/otlp-exporter-base.ts with it');
    await exporter.shutdown();
  });

  it('names the part that is missing', () => {
    assert.equal(exporterShapeProblem({}, nodeHttp), 'OTLPExporterBase is not exported');
    assert.equal(exporterShapeProblem(base, { ...nodeHttp, createOtlpHttpExportDelegate: undefined }), 'node-http has no createOtlpHttpExportDelegate');
    assert.equal(
      exporterShapeProblem(base, { ...nodeHttp, createOtlpHttpExportDelegate: (options: unknown) => options }),
      'createOtlpHttpExportDelegate takes other arguments',
    );
  });
});
