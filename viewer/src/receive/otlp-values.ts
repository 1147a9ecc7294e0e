// OTLP's shared shapes — IDs, 64-bit times, AnyValue attributes — read alike from a decoded protobuf
// message and from OTLP/JSON (hex IDs, int64 as strings), so that one converter serves both encodings.
import { BadRequestError } from './bad-request.ts';
import type { Attributes } from '../store/rows.ts';

/** protobufjs' 64-bit integer (from the `long` package). */
interface LongLike {
  readonly low: number;
  readonly high: number;
}

export type Wire = Record<string, unknown>;

const HEX = /^[0-9a-f]*$/;

/** An ID as lower-case hex: `bytes` long, or '' when absent or all zero (OTLP's "no parent"). */
export function hexId(value: unknown, bytes: number, field: string): string {
  if (value === undefined || value === null || value === '') return '';
  let hex: string;
  if (value instanceof Uint8Array) {
    if (value.length === 0) return '';
    hex = Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
  } else if (typeof value === 'string') {
    hex = value.toLowerCase();
    if (!HEX.test(hex)) throw new BadRequestError(`${field} is not hex: OTLP/JSON carries IDs as ${bytes * 2} hex digits`);
  } else {
    throw new BadRequestError(`${field} must be ${bytes * 2} hex digits, got ${typeof value}`);
  }
  if (hex.length !== bytes * 2) throw new BadRequestError(`${field} must be ${bytes} bytes (${bytes * 2} hex digits), got ${hex.length / 2}`);
  return /^0+$/.test(hex) ? '' : hex;
}

/** A fixed64 time in nanoseconds: a protobufjs Long, a number, or a decimal string (OTLP/JSON). */
export function nanos(value: unknown, field: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new BadRequestError(`${field} must be a non-negative integer of nanoseconds`);
    return BigInt(Math.trunc(value));
  }
  if (typeof value === 'string') {
    if (!/^\d{1,20}$/.test(value)) throw new BadRequestError(`${field} must be a decimal integer of nanoseconds, got ${JSON.stringify(value.slice(0, 40))}`);
    return BigInt(value);
  }
  if (typeof value === 'object' && 'low' in value && 'high' in value) {
    const long = value as LongLike;
    return (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  }
  throw new BadRequestError(`${field} must be an integer of nanoseconds`);
}

/** An int64 attribute value as a number when it is exact, else as its decimal string. */
function int64(value: unknown): number | string {
  if (typeof value === 'number') return value;
  const big = nanosLoose(value);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

function nanosLoose(value: unknown): bigint {
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const long = value as LongLike & { unsigned?: boolean };
    const unsigned = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
    return long.unsigned ? unsigned : BigInt.asIntN(64, unsigned);
  }
  return 0n;
}

/** An AnyValue as plain JSON. */
export function anyValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return null;
  const v = value as Wire;
  if (v.stringValue !== undefined && v.stringValue !== null) return String(v.stringValue);
  if (v.boolValue !== undefined && v.boolValue !== null) return Boolean(v.boolValue);
  if (v.intValue !== undefined && v.intValue !== null) return int64(v.intValue);
  if (v.doubleValue !== undefined && v.doubleValue !== null) return Number(v.doubleValue);
  if (v.arrayValue !== undefined && v.arrayValue !== null) return list((v.arrayValue as Wire).values).map(anyValue);
  if (v.kvlistValue !== undefined && v.kvlistValue !== null) return attributes((v.kvlistValue as Wire).values);
  if (v.bytesValue !== undefined && v.bytesValue !== null) {
    const bytes = v.bytesValue;
    return bytes instanceof Uint8Array ? Buffer.from(bytes).toString('base64') : String(bytes);
  }
  return null;
}

/** A repeated KeyValue as an object; later keys win, as in the SDKs. */
export function attributes(value: unknown): Attributes {
  const out: Attributes = {};
  for (const item of list(value)) {
    if (item === null || typeof item !== 'object') continue;
    const { key } = item as Wire;
    if (typeof key !== 'string') continue;
    out[key] = anyValue((item as Wire).value);
  }
  return out;
}

/** A repeated field: absent is empty; anything else but an array is malformed. */
export function list(value: unknown, field = 'a repeated field'): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadRequestError(`${field} must be an array`);
  return value;
}

export function object(value: unknown, field: string): Wire {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadRequestError(`${field} must be an object`);
  return value as Wire;
}

/** An enum by number, or (OTLP/JSON allows it) by its name. */
export function enumNumber(value: unknown, names: readonly string[], prefix: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value.startsWith(prefix) ? value.slice(prefix.length) : value);
    if (index >= 0) return index;
  }
  return 0;
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** The service a resource names, as the collector and Tempo read it. */
export function serviceOf(resource: Attributes): string {
  const name = resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : 'unknown_service';
}
