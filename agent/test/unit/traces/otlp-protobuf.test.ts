// The agent's OTLP/protobuf encoder against OpenTelemetry's own serializer: both outputs are
// decoded with the code generated from opentelemetry-proto and must say the same thing, for
// every kind of attribute value, events, links, status, remote parents, several resources and
// scopes, and batches big enough to grow the encoder's buffer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeRejectedSpans, encodeSpans } from '../../../dist/traces/otlp-protobuf.js';
import { traceService } from '../../helpers/receivers.ts';

const { ExportTraceServiceRequest, ExportTraceServiceResponse } = traceService;

function decode(bytes: Uint8Array): unknown {
  return ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), { longs: String, bytes: String, defaults: true });
}

function recordingProvider(serviceName: string): { provider: TracerProvider; spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'host.name': 'höst-1' }),
    spanProcessors: [{ onStart() {}, onEnd: (span) => spans.push(span), forceFlush: async () => {}, shutdown: async () => {} }],
  });
  return { provider, spans };
}

const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=abc,other=x-y'),
});

function everyKindOfSpan(provider: TracerProvider): void {
  const tracer = provider.getTracer('@threadline/test', '1.2.3');
  const server = tracer.startSpan('GET /orders/:id', { kind: SpanKind.SERVER }, remoteParent);
  server.setAttributes({
    'http.request.method': 'GET',
    'http.response.status_code': 503,
    'unicode.text': 'ünïcødé ✓ 日本',
    'long.text': 'a'.repeat(300),
    'huge.text': 'z'.repeat(70_000),
    'negative.int': -42,
    'big.int': 2 ** 60,
    'double.value': 3.25,
    'bool.value': true,
    'bool.false': false,
    'string.array': ['a', 'b', ''],
    'number.array': [1, 2.5, -3],
    'empty.string': '',
  });
  server.addEvent('exception', { 'exception.type': 'Error', 'exception.message': 'boom' });
  server.addEvent('no attributes');
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
  server.end();

  const child = tracer.startSpan(
    'SELECT orders',
    {
      kind: SpanKind.CLIENT,
      links: [{ context: trace.getSpanContext(remoteParent)!, attributes: { 'link.reason': 'retry', 'link.count': 2 } }],
    },
    trace.setSpan(ROOT_CONTEXT, server as Span),
  );
  child.setStatus({ code: SpanStatusCode.OK });
  child.end();

  const other = provider.getTracer('other-scope');
  for (let i = 0; i < 600; i++) {
    const span = other.startSpan(`internal ${i}`, { attributes: { index: i, 'correlation.id': `c-${i}` } }, ROOT_CONTEXT);
    span.end();
  }
}

describe('OTLP/protobuf encoder', () => {
  it('says what OpenTelemetry’s serializer says, for every kind of span', () => {
    const first = recordingProvider('orders');
    const second = recordingProvider('payments');
    everyKindOfSpan(first.provider);
    everyKindOfSpan(second.provider);
    const spans = [...first.spans, ...second.spans];
    assert.ok(spans.length > 1200);
    const ours = encodeSpans(spans);
    const theirs = ProtobufTraceSerializer.serializeRequest(spans);
    assert.ok(theirs !== undefined);
    assert.ok(ours.length > 70_000, 'the batch outgrew the initial buffer');
    assert.deepEqual(decode(ours), decode(theirs));
  });

  it('encodes the next batch from a clean slate', () => {
    const { provider, spans } = recordingProvider('orders');
    everyKindOfSpan(provider);
    const big = encodeSpans(spans);
    const small = encodeSpans(spans.slice(0, 1));
    const again = encodeSpans(spans.slice(0, 1));
    assert.ok(small.length < big.length);
    assert.deepEqual(small, again);
    assert.deepEqual(decode(small), decode(ProtobufTraceSerializer.serializeRequest(spans.slice(0, 1))!));
  });

  it('returns a copy each batch: an export still in flight keeps its bytes', () => {
    const { provider, spans } = recordingProvider('orders');
    everyKindOfSpan(provider);
    const first = encodeSpans(spans.slice(0, 2));
    const snapshot = Buffer.from(first);
    encodeSpans(spans.slice(2, 50));
    assert.deepEqual(Buffer.from(first), snapshot);
  });

  it('encodes an empty batch as an empty request', () => {
    assert.equal(encodeSpans([]).length, 0);
  });
});

describe('OTLP/protobuf response', () => {
  it('reads the rejected span count of a partial success', () => {
    const response = ExportTraceServiceResponse.encode(
      ExportTraceServiceResponse.create({ partialSuccess: { rejectedSpans: 7, errorMessage: 'too old' } }),
    ).finish();
    assert.equal(decodeRejectedSpans(response), 7);
  });

  it('counts nothing rejected for a full success, an empty body or garbage', () => {
    const full = ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create({})).finish();
    assert.equal(decodeRejectedSpans(full), 0);
    assert.equal(decodeRejectedSpans(new Uint8Array(0)), 0);
    assert.equal(decodeRejectedSpans(Buffer.from('{"partialSuccess":{}}')), 0);
    assert.equal(decodeRejectedSpans(Uint8Array.from([0x0a, 0xff, 0xff, 0xff])), 0);
    assert.equal(decodeRejectedSpans(Uint8Array.from([0x0a, 0x02, 0x08])), 0);
  });
});
