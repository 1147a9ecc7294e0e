// Structured metadata (Loki 3): name/value pairs stored with each entry and not indexed. The
// agent's pairs are the same for every line of the process, so they are encoded once, as
// EntryAdapter's repeated field 3 (LabelPairAdapter: name = 1, value = 2), and each entry copies
// the bytes instead of encoding them again.
import { LEN, ProtobufWriter } from '../../shared/protobuf-writer.ts';

export const NO_METADATA: Uint8Array = new Uint8Array(0);

export function encodeEntryMetadata(pairs: Readonly<Record<string, string>>): Uint8Array {
  const sorted = Object.entries(pairs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return NO_METADATA;
  const w = new ProtobufWriter();
  for (const [name, value] of sorted) {
    const pair = w.begin(3);
    // Loki reads both as Go strings; a lone surrogate has no UTF-8 form, so it becomes U+FFFD.
    w.tag(1, LEN);
    w.utf8(name.toWellFormed());
    w.tag(2, LEN);
    w.utf8(value.toWellFormed());
    w.end(pair);
  }
  return w.take();
}
