// Protobuf's wire format written by hand into one reused, growable buffer: what the agent's
// OTLP and Loki encoders share. One pass, no intermediate objects: short ASCII strings and IDs
// are copied in a loop, the rest goes to Node's UTF-8 writer; a nested message's length is
// back-filled, shifting its bytes in the rare case the length needs more than one byte.
import type { HrTime } from '@opentelemetry/api';

// Wire types.
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

const TWO_POW_32 = 2 ** 32;
/** Hex digit → value, by character code. */
const HEX = new Uint8Array(128);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const INITIAL_BYTES = 64 * 1024;
/** A buffer grown past this by one large batch is not kept for the next. */
const RETAINED_BYTES = 4 * 1024 * 1024;

/** A growable byte buffer, reused from one batch to the next (encoding is synchronous). */
export class ProtobufWriter {
  buf = Buffer.allocUnsafe(INITIAL_BYTES);
  pos = 0;

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** A non-negative integer up to 2^53. */
  varint(value: number): void {
    this.ensure(10);
    const { buf } = this;
    while (value >= 0x80) {
      buf[this.pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 0x80);
    }
    buf[this.pos++] = value;
  }

  /** Any integer in int64 range, as protobuf's two's-complement varint. */
  int64(value: number): void {
    if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
      this.varint(value);
      return;
    }
    this.ensure(10);
    let bits = BigInt.asUintN(64, BigInt(value));
    while (bits >= 0x80n) {
      this.buf[this.pos++] = Number(bits & 0x7fn) | 0x80;
      bits >>= 7n;
    }
    this.buf[this.pos++] = Number(bits);
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.#uint32(value >>> 0);
  }

  double(value: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  /**
   * Nanoseconds since the epoch from [seconds, nanoseconds], exactly: seconds × 10^9 is
   * seconds × 1953125 × 2^9, and seconds × 1953125 stays below 2^53 until the year 2116.
   */
  hrTime(time: HrTime): void {
    const scaled = time[0] * 1953125;
    let low = (scaled % 0x800000) * 512 + time[1];
    let high = Math.floor(scaled / 0x800000);
    if (low >= TWO_POW_32) {
      low -= TWO_POW_32;
      high += 1;
    }
    this.ensure(8);
    this.#uint32(low);
    this.#uint32(high);
  }

  /** Four bytes, little-endian, without writeUInt32LE's checks: the caller has ensured room. */
  #uint32(value: number): void {
    const { buf } = this;
    let at = this.pos;
    buf[at++] = value & 0xff;
    buf[at++] = (value >>> 8) & 0xff;
    buf[at++] = (value >>> 16) & 0xff;
    buf[at++] = value >>> 24;
    this.pos = at;
  }

  /**
   * Most strings here are short ASCII (names, keys, routes): copied in a loop, which beats a
   * call into Node's UTF-8 writer; anything longer or wider goes to the writer.
   */
  string(value: string): void {
    const length = value.length;
    if (length < 0x80) {
      this.ensure(length + 1);
      const { buf } = this;
      const start = this.pos;
      let at = start + 1;
      for (let i = 0; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) {
          this.utf8(value);
          return;
        }
        buf[at++] = code;
      }
      buf[start] = length;
      this.pos = at;
      return;
    }
    this.utf8(value);
  }

  /** `bytes`, when the caller has measured it already, is the string's UTF-8 length. */
  utf8(value: string, bytes = Buffer.byteLength(value, 'utf8')): void {
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(value, this.pos, bytes, 'utf8');
  }

  /** A trace or span ID, from its hex form; a non-hex digit counts as 0 rather than misframing. */
  hexBytes(hex: string): void {
    const bytes = hex.length >>> 1;
    this.varint(bytes);
    this.ensure(bytes);
    const { buf } = this;
    let at = this.pos;
    for (let i = 0; i < bytes; i++) {
      buf[at++] = ((HEX[hex.charCodeAt(2 * i)] ?? 0) << 4) | (HEX[hex.charCodeAt(2 * i + 1)] ?? 0);
    }
    this.pos = at;
  }

  /** Bytes that are already protobuf (fields encoded once and reused), copied as they are. */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Opens a length-delimited field; returns where its length goes. */
  begin(field: number): number {
    this.tag(field, LEN);
    this.ensure(1);
    return this.pos++;
  }

  end(start: number): void {
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.buf[start] = length;
      return;
    }
    const size = varintSize(length);
    this.ensure(size - 1);
    this.buf.copyWithin(start + size, start + 1, this.pos);
    this.pos += size - 1;
    const end = this.pos;
    this.pos = start;
    this.varint(length);
    this.pos = end;
  }

  /** A copy of what was written from `start`; the buffer itself is reused by the next batch. */
  take(start = 0): Uint8Array {
    const out = Buffer.from(this.buf.subarray(start, this.pos));
    this.pos = 0;
    if (this.buf.length > RETAINED_BYTES) this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
    return out;
  }
}

export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}
