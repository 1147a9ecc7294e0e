// sonic-boom's internals: the agent's stdout (pino.destination, a SonicBoom) gets a `write` of
// the agent's own, written for sonic-boom 4.2.1 (pinned in package.json, the copy pino loads).
// sonic-boom's write calls Buffer.byteLength on the whole pending chunk (up to 64 KiB, a rope
// that must first be flattened) for each line appended to it; this one tracks the chunk's
// byte length instead (docs/performance.md has the figures). Should the tracked length drift
// (sonic-boom shifted the chunk away), a chunk is only cut sooner or later; no byte is lost or
// reordered. It replaces sonic-boom's write only where that write is the exact one it copies
// (its source, fingerprinted) on the state it expects; otherwise sonic-boom's own stays, and one
// stderr line says so.
// Upstream: no sonic-boom issue asks for this yet (searched December 2026); a write that keeps the
// pending chunk's byte length instead of measuring it for each line would make this unnecessary.
import { createRequire } from 'node:module';
import { internalsUsable } from './check.ts';

const EXPECTED_VERSION = '4.2.1';
/**
 * The source of sonic-boom 4.2.1's `write` (utf8 content mode), the function replaced here, as
 * its length and FNV-1a hash: a change detector, not a security check, and not a digest through
 * OpenSSL, whose first use is a measurable share of a service's start.
 */
const EXPECTED_WRITE = { length: 646, fnv1a: 0x0f18a1d4 };

/** The parts of sonic-boom 4's state its `write` uses. */
interface SonicState {
  destroyed: boolean;
  _bufs: string[];
  _len: number;
  _hwm: number;
  _writing: boolean;
  minLength: number;
  maxLength: number;
  maxWrite: number;
  _actualWrite(): void;
  emit(event: 'drop', data: string): boolean;
  write(data: string): boolean;
}

/** The sonic-boom version pino loads (pino depends on it with a range). */
function installedVersion(): string | undefined {
  try {
    const fromPino = createRequire(require.resolve('pino'));
    return (fromPino('sonic-boom/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** What is missing or different on `stream` for the replacement write; undefined when all is there. */
export function sonicShapeProblem(stream: object): string | undefined {
  const s = stream as Partial<SonicState>;
  if (typeof s.write !== 'function') return 'the stream has no write';
  const source = s.write.toString();
  if (source.length !== EXPECTED_WRITE.length || fnv1a(source) !== EXPECTED_WRITE.fnv1a) {
    return 'its write is not the one the replacement was written from';
  }
  if (!Array.isArray(s._bufs)) return 'the stream has no _bufs';
  for (const field of ['_len', '_hwm', 'minLength', 'maxLength', 'maxWrite'] as const) {
    if (typeof s[field] !== 'number') return `the stream has no numeric ${field}`;
  }
  if (typeof s._writing !== 'boolean' || typeof s.destroyed !== 'boolean') return 'the stream has no _writing or destroyed flag';
  if (typeof s._actualWrite !== 'function') return 'the stream has no _actualWrite';
  return undefined;
}

/** 32-bit FNV-1a over the string's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Replaces `stream`'s write with one that tracks the chunk's byte length, when the check passes. */
export function trackChunkLength(stream: object, warn?: (line: string) => void): boolean {
  const usable = internalsUsable(
    {
      library: 'sonic-boom',
      expected: EXPECTED_VERSION,
      installed: installedVersion(),
      patch: "stdout's write measuring each chunk once",
      shape: () => sonicShapeProblem(stream),
    },
    warn,
  );
  if (usable) replaceWrite(stream as SonicState);
  return usable;
}

/** sonic-boom's `write`, except that the chunk being filled has its byte length tracked. */
function replaceWrite(sonic: SonicState): void {
  let chunkBytes = 0;
  sonic.write = function write(this: SonicState, data: string): boolean {
    if (this.destroyed) throw new Error('SonicBoom destroyed');
    const dataBytes = Buffer.byteLength(data);
    const len = this._len + dataBytes;
    if (this.maxLength && len > this.maxLength) {
      this.emit('drop', data);
      return this._len < this._hwm;
    }
    const bufs = this._bufs;
    if (bufs.length === 0 || chunkBytes + dataBytes > this.maxWrite) {
      bufs.push(data);
      chunkBytes = dataBytes;
    } else {
      bufs[bufs.length - 1] += data;
      chunkBytes += dataBytes;
    }
    this._len = len;
    if (!this._writing && this._len >= this.minLength) this._actualWrite();
    return this._len < this._hwm;
  };
}
