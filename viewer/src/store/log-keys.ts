// What finds a block: one entry per block for each trace ID, correlation ID, service and level among its
// lines, as a 53-bit hash (an integer key is a fraction of the size of the text in the index). Two values
// may share a hash; readers check each line's own field, so a collision costs a block read, never a wrong line.

export type KeyKind = 'trace' | 'correlation' | 'service' | 'level';

const PREFIX: Record<KeyKind, string> = { trace: 't', correlation: 'c', service: 's', level: 'l' };

/** cyrb53: a fast string hash whose 53 bits fit a JavaScript number and an SQLite integer exactly. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export function blockKey(kind: KeyKind, value: string): number {
  return hash53(PREFIX[kind] + value);
}

/** A block's keys as stored beside it (so that eviction can delete its index entries) and back. */
export function packKeys(keys: Iterable<number>): Uint8Array {
  const array = Float64Array.from(keys);
  return new Uint8Array(array.buffer);
}

export function unpackKeys(blob: Uint8Array): Float64Array {
  // Copied: SQLite's buffer need not be 8-byte aligned.
  const copy = new Uint8Array(blob);
  return new Float64Array(copy.buffer, 0, copy.byteLength / 8);
}
