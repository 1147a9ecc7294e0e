// The Loki worker thread: takes batches of JSON lines from the main thread and feeds the
// bounded, retrying Loki buffer. Counts travel back through shared memory.
import { parentPort, workerData } from 'node:worker_threads';
import { LokiBuffer } from './loki-buffer.ts';
import type { LokiLine } from './loki-push.ts';

export interface LokiWorkerData {
  readonly url: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly maxLines: number;
  /** BigInt64Array view: [dropped, delivered, export errors]. */
  readonly counters: SharedArrayBuffer;
}

export type ToWorker = { readonly type: 'lines'; readonly text: string } | { readonly type: 'close'; readonly deadline: number };
export type FromWorker = { readonly type: 'closed' };

export const COUNTER_DROPPED = 0;
export const COUNTER_DELIVERED = 1;
export const COUNTER_ERRORS = 2;
export const COUNTER_SLOTS = 3;

const LEVEL = /"level":"([a-z]+)"/;
const TIME = /"time":(\d{1,16})[,}]/;

export function parseLine(line: string): LokiLine {
  const level = LEVEL.exec(line)?.[1] ?? 'info';
  const time = TIME.exec(line)?.[1];
  return { level, timeMs: time === undefined ? Date.now() : Number(time), line };
}

function run(port: NonNullable<typeof parentPort>, data: LokiWorkerData): void {
  const counters = new BigInt64Array(data.counters);
  const buffer = new LokiBuffer(
    { pushUrl: `${data.url.replace(/\/+$/, '')}/loki/api/v1/push`, labels: data.labels, maxLines: data.maxLines },
    {
      dropped: (count) => Atomics.add(counters, COUNTER_DROPPED, BigInt(count)),
      delivered: (count) => Atomics.add(counters, COUNTER_DELIVERED, BigInt(count)),
      exportError: () => Atomics.add(counters, COUNTER_ERRORS, 1n),
    },
  );
  port.on('message', (message: ToWorker) => {
    if (message.type === 'lines') {
      for (const line of message.text.split('\n')) if (line.length > 0) buffer.add(parseLine(line));
      return;
    }
    void buffer.drain(message.deadline).then(() => port.postMessage({ type: 'closed' } satisfies FromWorker));
  });
}

if (parentPort !== null && (workerData as { threadlineLoki?: LokiWorkerData } | undefined)?.threadlineLoki !== undefined) {
  run(parentPort, (workerData as { threadlineLoki: LokiWorkerData }).threadlineLoki);
}
