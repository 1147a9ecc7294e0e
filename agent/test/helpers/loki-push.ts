// Reads a Loki push body as Loki does: a snappy block (snappyjs, a full snappy decoder), then a
// PushRequest of Loki's push.proto (viewer/proto/loki-push.proto, the copy the viewer decodes with, read by protobufjs).
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
const snappy = require('snappyjs') as { uncompress(data: Uint8Array): Uint8Array };

const PushRequest = protobuf.loadSync(new URL('../../../viewer/proto/loki-push.proto', import.meta.url).pathname).lookupType('logproto.PushRequest');

export interface LokiEntry {
  readonly labels: Readonly<Record<string, string>>;
  /** Unix epoch nanoseconds as a decimal string, as Loki's JSON API shows it. */
  readonly timestampNs: string;
  readonly line: string;
  /** The entry's structured metadata, name to value ({} when it has none). */
  readonly metadata: Readonly<Record<string, string>>;
}

interface Decoded {
  streams?: Array<{
    labels: string;
    entries?: Array<{ timestamp?: { seconds?: string; nanos?: number }; line?: string; structuredMetadata?: Array<{ name?: string; value?: string }> }>;
  }>;
}

export function decodeLokiPush(body: Uint8Array): LokiEntry[] {
  const request = PushRequest.toObject(PushRequest.decode(snappy.uncompress(body)), { longs: String, defaults: false }) as Decoded;
  return (request.streams ?? []).flatMap((stream) => {
    const labels = parseSelector(stream.labels);
    return (stream.entries ?? []).map((entry) => ({
      labels,
      timestampNs: String(BigInt(entry.timestamp?.seconds ?? 0) * 1_000_000_000n + BigInt(entry.timestamp?.nanos ?? 0)),
      line: entry.line ?? '',
      metadata: Object.fromEntries((entry.structuredMetadata ?? []).map((pair) => [pair.name ?? '', pair.value ?? ''])),
    }));
  });
}

/** `{a="x", b="y\"z"}` to its pairs; a selector that is not one is an error, as it is for Loki. */
export function parseSelector(selector: string): Record<string, string> {
  const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/y;
  const labels: Record<string, string> = {};
  if (!selector.startsWith('{') || !selector.endsWith('}')) throw new Error(`not a stream selector: ${selector}`);
  let at = 1;
  while (at < selector.length - 1) {
    pair.lastIndex = at;
    const match = pair.exec(selector);
    if (match === null) throw new Error(`not a stream selector at ${at}: ${selector}`);
    labels[match[1] as string] = JSON.parse(`"${match[2]}"`) as string;
    at = pair.lastIndex;
    if (selector.startsWith(', ', at)) at += 2;
  }
  return labels;
}
