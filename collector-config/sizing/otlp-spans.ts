// Counts the spans in an OTLP ExportTraceServiceRequest without a protobuf library: walks
// resource_spans (1) → scope_spans (2) → spans (2), skipping every other field by its wire type.

function varint(buf: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const byte = buf[i++];
    if (byte === undefined) throw new Error('OTLP body: truncated varint');
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, i];
    shift += 7;
  }
}

/** The length-delimited fields numbered `field` in a message. */
function fields(buf: Uint8Array, field: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  let at = 0;
  while (at < buf.length) {
    const [key, afterKey] = varint(buf, at);
    const wireType = key % 8;
    const number = Math.floor(key / 8);
    if (wireType === 0) at = varint(buf, afterKey)[1];
    else if (wireType === 1) at = afterKey + 8;
    else if (wireType === 5) at = afterKey + 4;
    else if (wireType === 2) {
      const [length, start] = varint(buf, afterKey);
      if (number === field) found.push(buf.subarray(start, start + length));
      at = start + length;
    } else throw new Error(`OTLP body: wire type ${wireType} is not one protobuf uses here`);
  }
  return found;
}

export function countSpans(request: Uint8Array): number {
  let spans = 0;
  for (const resourceSpans of fields(request, 1)) {
    for (const scopeSpans of fields(resourceSpans, 2)) spans += fields(scopeSpans, 2).length;
  }
  return spans;
}
