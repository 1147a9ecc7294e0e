// Loki push requests → log rows: protobuf in a snappy block (what the agent, Promtail and Alloy send;
// decoded by the native snappy library, which refuses a corrupt block where a JS decoder looped) or
// JSON. Each line is read as the agent writes it (a JSON object with level, msg, service and the IDs);
// other lines keep the stream's labels and structured metadata for those fields.
import protobuf from 'protobufjs';
import { uncompressSync } from 'snappy';
import type { LogRow } from '../store/rows.ts';
import { BadRequestError } from './bad-request.ts';
import { object, list, text, type Wire } from './otlp-values.ts';

const PushRequest = protobuf.loadSync(new URL('../../proto/loki-push.proto', import.meta.url).pathname).lookupType('logproto.PushRequest');

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const ID = /^[0-9a-f]+$/;

/** `{a="x", b="y\"z"}` to its pairs; anything else is refused, as Loki refuses it. */
export function parseLabels(selector: string): Record<string, string> {
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|(?=\}))/y;
  if (!selector.startsWith('{') || !selector.endsWith('}')) throw new BadRequestError(`stream labels must look like {name="value", …}, got ${JSON.stringify(selector.slice(0, 80))}`);
  const labels: Record<string, string> = {};
  pair.lastIndex = 1;
  while (pair.lastIndex < selector.length - 1) {
    const at = pair.lastIndex;
    const match = pair.exec(selector);
    if (!match) throw new BadRequestError(`stream labels are malformed at character ${at}: ${JSON.stringify(selector.slice(0, 80))}`);
    labels[match[1]!] = JSON.parse(`"${match[2]!}"`) as string;
  }
  return labels;
}

/** The snappy block's declared length, read before decompressing so that a small body cannot expand past the limit. */
function snappyLength(body: Uint8Array): number {
  let length = 0;
  for (let i = 0, shift = 0; i < Math.min(body.length, 5); i++, shift += 7) {
    const byte = body[i]!;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return length;
  }
  throw new BadRequestError('the body is not a snappy block (Loki reads protobuf pushes snappy-compressed)');
}

function idOr(value: unknown, length: number): string | null {
  return typeof value === 'string' && value.length === length && ID.test(value) ? value : null;
}

/** One Loki entry → a row; `meta` is the entry's structured metadata. */
function row(labels: Record<string, string>, timeNs: bigint, line: string, meta: Record<string, string>): LogRow {
  let fields: Wire = {};
  if (line.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) fields = parsed as Wire;
    } catch {
      // not JSON after all: the line stays as it is
    }
  }
  const rawLevel = fields.level ?? meta.level ?? labels.level ?? labels.detected_level;
  const level = typeof rawLevel === 'number' ? (LEVELS[rawLevel] ?? String(rawLevel)) : text(rawLevel) || 'unknown';
  const service = text(fields.service) || labels.service_name || labels.service || labels.job || 'unknown_service';
  const msg = typeof fields.msg === 'string' ? fields.msg : typeof fields.message === 'string' ? fields.message : Object.keys(fields).length > 0 ? '' : line;
  const correlation = fields.correlation_id ?? meta.correlation_id;
  return {
    timeNs,
    service,
    level,
    msg,
    traceId: idOr(fields.trace_id ?? meta.trace_id, 32),
    spanId: idOr(fields.span_id ?? meta.span_id, 16),
    correlationId: typeof correlation === 'string' && correlation !== '' ? correlation : null,
    line,
  };
}

interface ProtoPush {
  streams?: Array<{ labels?: string; entries?: Array<{ timestamp?: { seconds?: unknown; nanos?: number }; line?: string; structuredMetadata?: Array<{ name?: string; value?: string }> }> }>;
}

function seconds(value: unknown): bigint {
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const long = value as { low: number; high: number };
    return BigInt.asIntN(64, (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0));
  }
  return 0n;
}

export function lokiProtobufRows(body: Uint8Array, maxBytes: number): LogRow[] {
  const length = snappyLength(body);
  if (length > maxBytes) throw new BadRequestError(`the push expands to ${length} bytes, over the ${maxBytes}-byte limit`, 413);
  let push: ProtoPush;
  try {
    push = PushRequest.decode(uncompressSync(Buffer.from(body.buffer, body.byteOffset, body.length)) as Buffer) as unknown as ProtoPush;
  } catch (error) {
    throw new BadRequestError(`the body is not a snappy-compressed Loki PushRequest: ${error instanceof Error ? error.message : String(error)}`);
  }
  const rows: LogRow[] = [];
  for (const stream of push.streams ?? []) {
    const labels = parseLabels(stream.labels ?? '');
    for (const entry of stream.entries ?? []) {
      const meta: Record<string, string> = {};
      for (const pair of entry.structuredMetadata ?? []) if (pair.name) meta[pair.name] = pair.value ?? '';
      const timeNs = seconds(entry.timestamp?.seconds) * 1_000_000_000n + BigInt(entry.timestamp?.nanos ?? 0);
      rows.push(row(labels, timeNs, entry.line ?? '', meta));
    }
  }
  return rows;
}

export function lokiJsonRows(push: Wire): LogRow[] {
  const rows: LogRow[] = [];
  for (const item of list(push.streams, 'streams')) {
    const stream = object(item, 'streams[]');
    const labels: Record<string, string> = {};
    for (const [name, value] of Object.entries(object(stream.stream, 'stream'))) labels[name] = text(value);
    for (const value of list(stream.values, 'values')) {
      if (!Array.isArray(value) || value.length < 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string' || !/^\d{1,20}$/.test(value[0])) {
        throw new BadRequestError('each of values must be ["<unix nanoseconds as a string>", "<line>"] with optional structured metadata');
      }
      const meta: Record<string, string> = {};
      for (const [name, metaValue] of Object.entries(object(value[2], 'structured metadata'))) meta[name] = text(metaValue);
      rows.push(row(labels, BigInt(value[0]), value[1], meta));
    }
  }
  return rows;
}
