// @opentelemetry/otlp-exporter-base, which says it is for internal use only: the agent sends
// OTLP/protobuf through OpenTelemetry's own HTTP transport, retries and OTEL_EXPORTER_OTLP_*
// handling, but with its own encoder (traces/otlp-protobuf.ts), which OpenTelemetry's public
// exporters cannot be given. Written for 0.301.0 (pinned in package.json) and checked when the
// exporter is made, at the first export: on another version, or when the three parts it uses
// are not there, the caller falls back to the public OTLP/HTTP exporter (JSON), and one stderr
// line says so.
// Upstream: a maintainer plans to redesign the public exporter interface on these now internal
// components (https://github.com/open-telemetry/opentelemetry-js/pull/5902); a public way to
// give an exporter its serializer would make this file unnecessary.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { internalsUsable } from './check.ts';

const EXPECTED_VERSION = '0.301.0';

type Base = typeof import('@opentelemetry/otlp-exporter-base');
type NodeHttp = typeof import('@opentelemetry/otlp-exporter-base/node-http');

export interface ProtobufExporterConfig {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly timeoutMillis: number;
  readonly concurrencyLimit: number;
}

export interface SpanSerializer {
  serializeRequest(spans: ReadableSpan[]): Uint8Array;
  deserializeResponse(data: Uint8Array): object;
}

function installedVersion(): string | undefined {
  try {
    // The package's exports do not include its package.json; it sits above dist/index.cjs.
    const manifest = join(dirname(require.resolve('@opentelemetry/otlp-exporter-base')), '..', 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** What is missing among the parts the exporter is built from; undefined when all are there. */
export function exporterShapeProblem(
  base: { readonly OTLPExporterBase?: unknown },
  nodeHttp: { readonly convertLegacyHttpOptions?: unknown; readonly createOtlpHttpExportDelegate?: unknown },
): string | undefined {
  if (typeof base.OTLPExporterBase !== 'function') return 'OTLPExporterBase is not exported';
  if (typeof nodeHttp.convertLegacyHttpOptions !== 'function') return 'node-http has no convertLegacyHttpOptions';
  if (typeof nodeHttp.createOtlpHttpExportDelegate !== 'function') return 'node-http has no createOtlpHttpExportDelegate';
  // (options, serializer, component type, metrics helper, meter provider)
  if (nodeHttp.createOtlpHttpExportDelegate.length !== 5) return 'createOtlpHttpExportDelegate takes other arguments';
  return undefined;
}

/**
 * An OTLP/protobuf span exporter on OpenTelemetry's transport with `serializer`, or undefined
 * (after one stderr line) when this otlp-exporter-base is not the one it was written for.
 */
export function protobufSpanExporter(config: ProtobufExporterConfig, serializer: SpanSerializer): SpanExporter | undefined {
  let base: Partial<Base> = {};
  let nodeHttp: Partial<NodeHttp> = {};
  const usable = internalsUsable({
    library: '@opentelemetry/otlp-exporter-base',
    expected: EXPECTED_VERSION,
    installed: installedVersion(),
    patch: "OTLP/protobuf with the agent's encoder",
    shape: () => {
      base = require('@opentelemetry/otlp-exporter-base') as Base;
      nodeHttp = require('@opentelemetry/otlp-exporter-base/node-http') as NodeHttp;
      return exporterShapeProblem(base, nodeHttp);
    },
  });
  if (!usable) return undefined;
  const { OTLPExporterBase } = base as Base;
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } = nodeHttp as NodeHttp;
  const options = convertLegacyHttpOptions({ ...config }, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
  const spanCount = { name: 'span' as const, countItems: (spans: ReadableSpan[]) => spans.length };
  return new OTLPExporterBase(createOtlpHttpExportDelegate(options, serializer, 'otlp_http_span_exporter', spanCount, undefined));
}
