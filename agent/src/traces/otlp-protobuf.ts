// Spans to OTLP/protobuf (ExportTraceServiceRequest), and the collector's reply back to a count
// of rejected spans. OpenTelemetry's serializer (otlp-transformer) sizes every batch in a first
// pass, turns each hex ID into a new Uint8Array and scans every string twice; here one pass
// writes into a reused buffer (protobuf-writer.ts), and otlp-transformer, whose index pulls in
// the metrics SDK at start-up, is never loaded (docs/performance.md). Field numbers are those of opentelemetry-proto v1
// (trace.proto, common.proto, resource.proto, trace_service.proto); the tests decode the output
// with that proto.
import type { Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { I32, I64, LEN, ProtobufWriter, VARINT } from '../shared/protobuf-writer.ts';

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];
type Attributes = Readonly<Record<string, unknown>>;

const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_CONTEXT_IS_REMOTE = 0x200;

const writer = new ProtobufWriter();

/** ExportTraceServiceRequest for `spans`, grouped by resource and instrumentation scope. */
export function encodeSpans(spans: readonly ReadableSpan[]): Uint8Array {
  const resources = new Map<Resource, Map<Scope, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (scopes === undefined) resources.set(span.resource, (scopes = new Map()));
    const group = scopes.get(span.instrumentationScope);
    if (group === undefined) scopes.set(span.instrumentationScope, [span]);
    else group.push(span);
  }
  const w = writer;
  w.pos = 0;
  for (const [resource, scopes] of resources) {
    const resourceSpans = w.begin(1);
    const resourceStart = w.begin(1);
    attributes(w, resource.attributes, 1);
    w.end(resourceStart);
    for (const [scope, group] of scopes) {
      const scopeSpans = w.begin(2);
      instrumentationScope(w, scope);
      for (const span of group) encodeSpan(w, span);
      if (scope.schemaUrl) {
        w.tag(3, LEN);
        w.string(scope.schemaUrl);
      }
      w.end(scopeSpans);
    }
    if (resource.schemaUrl) {
      w.tag(3, LEN);
      w.string(resource.schemaUrl);
    }
    w.end(resourceSpans);
  }
  return w.take();
}

function instrumentationScope(w: ProtobufWriter, scope: Scope): void {
  const start = w.begin(1);
  w.tag(1, LEN);
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, LEN);
    w.string(scope.version);
  }
  const scopeAttributes = (scope as { attributes?: Attributes }).attributes;
  if (scopeAttributes !== undefined) attributes(w, scopeAttributes, 3);
  w.end(start);
}

function spanFlags(context: SpanContext, parentIsRemote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE | (parentIsRemote === true ? SPAN_FLAGS_CONTEXT_IS_REMOTE : 0);
}

/** trace_id, span_id and trace_state: fields 1 to 3 of both Span and Span.Link. */
function spanContextFields(w: ProtobufWriter, context: SpanContext): void {
  w.tag(1, LEN);
  w.hexBytes(context.traceId);
  w.tag(2, LEN);
  w.hexBytes(context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    w.tag(3, LEN);
    w.string(traceState);
  }
}

function encodeSpan(w: ProtobufWriter, span: ReadableSpan): void {
  const start = w.begin(2);
  const context = span.spanContext();
  spanContextFields(w, context);
  const parent = span.parentSpanContext;
  if (parent?.spanId) {
    w.tag(4, LEN);
    w.hexBytes(parent.spanId);
  }
  w.tag(5, LEN);
  w.string(span.name);
  // The API's kinds start at INTERNAL = 0; the proto's at SPAN_KIND_UNSPECIFIED = 0.
  w.tag(6, VARINT);
  w.varint(span.kind + 1);
  w.tag(7, I64);
  w.hrTime(span.startTime);
  w.tag(8, I64);
  w.hrTime(span.endTime);
  attributes(w, span.attributes, 9);
  count(w, 10, span.droppedAttributesCount);
  for (const event of span.events) encodeEvent(w, event);
  count(w, 12, span.droppedEventsCount);
  for (const link of span.links) encodeLink(w, link);
  count(w, 14, span.droppedLinksCount);
  const { code, message } = span.status;
  const status = w.begin(15);
  if (message) {
    w.tag(2, LEN);
    w.string(message);
  }
  if (code !== 0) {
    w.tag(3, VARINT);
    w.varint(code);
  }
  w.end(status);
  w.tag(16, I32);
  w.fixed32(spanFlags(context, parent?.isRemote));
  w.end(start);
}

function encodeEvent(w: ProtobufWriter, event: TimedEvent): void {
  const start = w.begin(11);
  w.tag(1, I64);
  w.hrTime(event.time);
  w.tag(2, LEN);
  w.string(event.name);
  if (event.attributes) attributes(w, event.attributes, 3);
  count(w, 4, event.droppedAttributesCount ?? 0);
  w.end(start);
}

function encodeLink(w: ProtobufWriter, link: Link): void {
  const start = w.begin(13);
  const { context } = link;
  spanContextFields(w, context);
  if (link.attributes) attributes(w, link.attributes, 4);
  count(w, 5, link.droppedAttributesCount ?? 0);
  w.tag(6, I32);
  w.fixed32(spanFlags(context, context.isRemote));
  w.end(start);
}

function count(w: ProtobufWriter, field: number, value: number): void {
  if (value === 0) return;
  w.tag(field, VARINT);
  w.varint(value);
}

/** repeated KeyValue; `undefined` values are left out, as the SDK would have dropped them. */
function attributes(w: ProtobufWriter, values: Attributes, field: number): void {
  // Own keys only, as the SDK sets them; Object.keys beat for…in with a hasOwnProperty check.
  const keys = Object.keys(values);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = values[key];
    if (value !== undefined) keyValue(w, field, key, value);
  }
}

function keyValue(w: ProtobufWriter, field: number, key: string, value: unknown): void {
  const start = w.begin(field);
  w.tag(1, LEN);
  w.string(key);
  const valueStart = w.begin(2);
  anyValue(w, value);
  w.end(valueStart);
  w.end(start);
}

/** The fields of AnyValue (its oneof): string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7. */
function anyValue(w: ProtobufWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.tag(1, LEN);
      w.string(value);
      return;
    case 'boolean':
      w.tag(2, VARINT);
      w.varint(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
        w.tag(3, VARINT);
        w.int64(value);
      } else {
        w.tag(4, I64);
        w.double(value);
      }
      return;
    case 'object':
      if (value === null) return;
      if (value instanceof Uint8Array) {
        w.tag(7, LEN);
        w.bytes(value);
      } else if (Array.isArray(value)) {
        const array = w.begin(5);
        for (const item of value as unknown[]) {
          const itemStart = w.begin(1);
          anyValue(w, item);
          w.end(itemStart);
        }
        w.end(array);
      } else {
        const list = w.begin(6);
        attributes(w, value as Attributes, 1);
        w.end(list);
      }
      return;
    default:
      // bigint, symbol, function: not attribute values; the SDK drops them before this.
      return;
  }
}

/**
 * Spans the collector refused, from an ExportTraceServiceResponse: its partial_success (1)
 * holds rejected_spans (1). Anything unreadable counts as none rejected.
 */
export function decodeRejectedSpans(data: Uint8Array): number {
  try {
    const partial = findField(data, 1, LEN);
    if (!(partial instanceof Uint8Array)) return 0;
    const rejected = findField(partial, 1, VARINT);
    return typeof rejected === 'number' ? rejected : 0;
  } catch {
    return 0;
  }
}

/** The first occurrence of `field` with `wireType` in a message: its bytes or its varint. */
function findField(data: Uint8Array, field: number, wireType: number): Uint8Array | number | undefined {
  let pos = 0;
  const readVarint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= data.length) throw new RangeError('truncated varint');
      const byte = data[pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new RangeError('varint too long');
  };
  while (pos < data.length) {
    const key = readVarint();
    const type = key % 8;
    const number = Math.floor(key / 8);
    let value: Uint8Array | number = 0;
    if (type === VARINT) value = readVarint();
    else if (type === I64) pos += 8;
    else if (type === I32) pos += 4;
    else if (type === LEN) {
      const length = readVarint();
      value = data.subarray(pos, pos + length);
      pos += length;
    } else throw new RangeError(`wire type ${type}`);
    if (pos > data.length) throw new RangeError('truncated field');
    if (number === field && type === wireType) return value;
  }
  return undefined;
}
