// stdout for the logger: sonic-boom, asynchronous, written once per 32 KiB rather than once per
// line, flushed every 100 ms so a quiet service still shows each line, bounded so a stdout nobody
// reads costs no more than 16 MiB (unbounded, it grew 150 MB per 100,000 requests).
// Each asynchronous write hands the chunk to libuv's thread pool and back, and on a service held
// to one core that round trip is the main thread's time: at 4 KiB a write (about 14 access
// lines) it cost 5.8 µs per request of /chain, at 32 KiB 1.5 µs (--cpu-prof, bench app).
import pino, { type DestinationStream } from 'pino';

const STDOUT_BUFFER_BYTES = 32 * 1024;
/** sonic-boom wants its write size above the threshold; a chunk goes out whole up to this. */
const STDOUT_MAX_WRITE_BYTES = 64 * 1024;
/** About 40,000 access lines. */
const STDOUT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;
const STDOUT_FLUSH_MS = 100;

/** The parts of sonic-boom 4's state its `write` uses (pinned version; the log tests cover it). */
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

export function bufferedStdout(onDrop: () => void): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: STDOUT_BUFFER_BYTES, maxWrite: STDOUT_MAX_WRITE_BYTES, maxLength: STDOUT_MAX_BUFFER_BYTES });
  withTrackedChunkLength(stream as unknown as SonicState);
  stream.on('drop', onDrop);
  setInterval(() => {
    try {
      stream.flush();
    } catch {
      // closed at exit; nothing left to write
    }
  }, STDOUT_FLUSH_MS).unref();
  return stream;
}

/**
 * sonic-boom's `write`, except that the byte length of the chunk being filled is tracked, not
 * measured again on every line: sonic-boom calls Buffer.byteLength on the whole pending chunk
 * (up to 64 KiB, a rope that must first be flattened) for each line appended to it, which cost
 * more than pino's formatting of the line (6 µs of a 45 µs request in a profile). Should the
 * tracked length drift (sonic-boom shifted the chunk away), a chunk is only cut sooner or later;
 * no byte is lost or reordered.
 */
function withTrackedChunkLength(sonic: SonicState): void {
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
