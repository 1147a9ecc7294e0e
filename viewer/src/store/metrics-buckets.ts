// A histogram sample's cumulative bucket counts in a few bytes: whole counts (the usual case) as the
// per-bucket increments in unsigned LEB128 varints after a 0 tag byte; anything else as float64s after a 1.

const VARINTS = 0;
const FLOATS = 1;

export function encodeBuckets(cumulative: readonly number[]): Uint8Array {
  let whole = true;
  for (let i = 0; i < cumulative.length; i++) {
    const step = cumulative[i]! - (i === 0 ? 0 : cumulative[i - 1]!);
    if (!Number.isSafeInteger(cumulative[i]!) || step < 0) {
      whole = false;
      break;
    }
  }
  if (!whole) {
    const out = new Uint8Array(1 + cumulative.length * 8);
    out[0] = FLOATS;
    const view = new DataView(out.buffer);
    // + 0 turns -0 into 0, as the whole-count path does.
    cumulative.forEach((value, i) => view.setFloat64(1 + i * 8, value + 0, true));
    return out;
  }
  const bytes: number[] = [VARINTS];
  let previous = 0;
  for (const value of cumulative) {
    let rest = value - previous;
    previous = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
  }
  return Uint8Array.from(bytes);
}

/** Decodes into `out` (one slot per bucket), so that a query can reuse one array. */
export function decodeBuckets(bytes: Uint8Array, out: number[]): number[] {
  if (bytes[0] === FLOATS) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = (bytes.length - 1) / 8;
    out.length = n;
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(1 + i * 8, true);
    return out;
  }
  let at = 1;
  let total = 0;
  let i = 0;
  while (at < bytes.length) {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 0x80;
    } while (byte & 0x80 && at < bytes.length);
    total += value;
    out[i++] = total;
  }
  out.length = i;
  return out;
}
