// stdout for the logger: sonic-boom, asynchronous, written once per 32 KiB rather than once per
// line, flushed every 100 ms so a quiet service still shows each line, and bounded so a stdout
// nobody reads holds at most 16 MiB. Each asynchronous write hands the chunk to libuv's thread
// pool and back, and on a service held to one core that round trip is the main thread's time:
// larger chunks make fewer of them (docs/performance.md).
import pino, { type DestinationStream } from 'pino';
import { trackChunkLength } from '../internals/sonic-boom.ts';

const STDOUT_BUFFER_BYTES = 32 * 1024;
/** sonic-boom wants its write size above the threshold; a chunk goes out whole up to this. */
const STDOUT_MAX_WRITE_BYTES = 64 * 1024;
/** About 40,000 access lines. */
const STDOUT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;
const STDOUT_FLUSH_MS = 100;

export function bufferedStdout(onDrop: () => void): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: STDOUT_BUFFER_BYTES, maxWrite: STDOUT_MAX_WRITE_BYTES, maxLength: STDOUT_MAX_BUFFER_BYTES });
  trackChunkLength(stream);
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
