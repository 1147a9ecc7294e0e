// The pino transport that runs in a worker thread: reads the JSON lines pino writes, and feeds
// them to the bounded Loki buffer. Counts travel back to the main thread through shared memory,
// where the metrics endpoint reads them.
import build from 'pino-abstract-transport';
import { LokiBuffer, type LokiLine } from './loki-buffer.ts';

export interface LokiTransportOptions {
  readonly url: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly maxLines: number;
  /** How long the worker keeps trying to deliver buffered lines when the process exits. */
  readonly closeTimeoutMs: number;
  /** BigInt64Array view: [dropped, delivered, export errors]. */
  readonly counters: SharedArrayBuffer;
}

export const COUNTER_DROPPED = 0;
export const COUNTER_DELIVERED = 1;
export const COUNTER_ERRORS = 2;
export const COUNTER_SLOTS = 3;

const LEVEL = /"level":"([a-z]+)"/;
const TIME = /"time":(\d{1,16})[,}]/;

export function parseLine(line: string): LokiLine {
  const level = LEVEL.exec(line)?.[1] ?? 'info';
  const millis = TIME.exec(line)?.[1] ?? String(Date.now());
  return { level, timestampNs: `${millis}000000`, line };
}

export default function lokiTransport(options: LokiTransportOptions) {
  const counters = new BigInt64Array(options.counters);
  const buffer = new LokiBuffer(
    {
      pushUrl: `${options.url.replace(/\/+$/, '')}/loki/api/v1/push`,
      labels: options.labels,
      maxLines: options.maxLines,
    },
    {
      dropped: (count) => Atomics.add(counters, COUNTER_DROPPED, BigInt(count)),
      delivered: (count) => Atomics.add(counters, COUNTER_DELIVERED, BigInt(count)),
      exportError: () => Atomics.add(counters, COUNTER_ERRORS, 1n),
    },
  );
  return build(
    async (source: AsyncIterable<string>) => {
      for await (const line of source) {
        if (line.length > 0) buffer.add(parseLine(line));
      }
    },
    {
      parse: 'lines',
      close: async () => {
        await buffer.drain(Date.now() + options.closeTimeoutMs);
      },
    },
  );
}
