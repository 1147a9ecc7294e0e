// A batch of lines as the body of a Loki push: a PushRequest (Loki's pkg/push/push.proto) in a
// snappy block, sent as application/x-protobuf, the format Promtail and Alloy send. A pino line is
// JSON already: the JSON body this replaces escaped each line's quotes into a string, then the
// whole body was encoded again as UTF-8; protobuf carries the line's bytes as they are, in less
// CPU and a smaller body (docs/performance.md). Loki reads
// this body only through a snappy decoder, and the snappy format allows a block to be one
// literal: the body is framed, not compressed, which costs a copy rather than a compressor's
// pass on the app's core.
import { LEN, ProtobufWriter, VARINT, varintSize } from '../../shared/protobuf-writer.ts';
import type { LokiLine } from './line.ts';
import { NO_METADATA } from './metadata.ts';

/** The snappy header's room: the length's varint (up to 5 bytes), a literal's tag and its 4-byte length. */
const SNAPPY_HEADER_MAX = 10;
const SNAPPY_LITERAL_LONG = 60;

const writer = new ProtobufWriter();

/** Builds each level's stream selector once: `{deployment_environment="prod", level="info", …}`. */
export class LokiStreams {
  readonly #labels: Readonly<Record<string, string>>;
  readonly #selectors = new Map<string, string>();

  constructor(labels: Readonly<Record<string, string>>) {
    this.#labels = labels;
  }

  selector(level: string): string {
    let selector = this.#selectors.get(level);
    if (selector === undefined) {
      const pairs = Object.entries({ ...this.#labels, level }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      // JSON's escapes (\" \\ \n \uXXXX) are all Go's too, which Loki's label parser reads;
      // a lone surrogate, which Go rejects, becomes U+FFFD first.
      selector = `{${pairs.map(([name, value]) => `${name}=${JSON.stringify(value.toWellFormed())}`).join(', ')}}`;
      this.#selectors.set(level, selector);
    }
    return selector;
  }
}

/**
 * The push body for `batch`: one stream per level, lines in their order within it, each entry
 * with `metadata` (encodeEntryMetadata's bytes) as its structured metadata.
 */
export function encodePush(batch: readonly LokiLine[], streams: LokiStreams, metadata: Uint8Array = NO_METADATA): Uint8Array {
  const byLevel = new Map<string, LokiLine[]>();
  for (const entry of batch) {
    const lines = byLevel.get(entry.level);
    if (lines === undefined) byLevel.set(entry.level, [entry]);
    else lines.push(entry);
  }
  const w = writer;
  w.pos = SNAPPY_HEADER_MAX;
  for (const [level, lines] of byLevel) {
    const stream = w.begin(1);
    w.tag(1, LEN);
    w.utf8(streams.selector(level));
    for (const entry of lines) encodeEntry(w, entry, metadata);
    w.end(stream);
  }
  return w.take(snappyHeader(w, w.pos - SNAPPY_HEADER_MAX));
}

/** EntryAdapter: timestamp (a google.protobuf.Timestamp), line and structured metadata, each length known before it is written. */
function encodeEntry(w: ProtobufWriter, { timeMs, line }: LokiLine, metadata: Uint8Array): void {
  const seconds = Math.floor(timeMs / 1000);
  const nanos = (timeMs - seconds * 1000) * 1e6;
  const timestamp = 1 + varintSize(seconds) + (nanos === 0 ? 0 : 1 + varintSize(nanos));
  const lineBytes = Buffer.byteLength(line, 'utf8');
  w.tag(2, LEN);
  w.varint(2 + timestamp + 1 + varintSize(lineBytes) + lineBytes + metadata.length);
  w.tag(1, LEN);
  w.varint(timestamp);
  w.tag(1, VARINT);
  w.varint(seconds);
  if (nanos !== 0) {
    w.tag(2, VARINT);
    w.varint(nanos);
  }
  w.tag(2, LEN);
  w.utf8(line, lineBytes);
  w.raw(metadata);
}

/**
 * Writes, just before the message's `length` bytes, a snappy block header that makes them one
 * literal: the uncompressed length as a varint, then the literal's tag. Returns where it starts.
 */
function snappyHeader(w: ProtobufWriter, length: number): number {
  const n = length - 1;
  const lengthBytes = n < SNAPPY_LITERAL_LONG ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
  const start = SNAPPY_HEADER_MAX - varintSize(length) - 1 - lengthBytes;
  const end = w.pos;
  w.pos = start;
  w.varint(length);
  const { buf } = w;
  if (lengthBytes === 0) {
    buf[w.pos++] = n << 2;
  } else {
    buf[w.pos++] = (SNAPPY_LITERAL_LONG + lengthBytes - 1) << 2;
    buf.writeUIntLE(n, w.pos, lengthBytes);
  }
  w.pos = end;
  return start;
}
