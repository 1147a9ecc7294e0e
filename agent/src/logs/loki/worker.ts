// The Loki worker thread's entry point (the main thread starts it from shipper.ts): takes batches
// of JSON lines from the main thread and feeds the bounded, retrying Loki buffer. Counts travel
// back through shared memory.
import { parentPort, workerData } from 'node:worker_threads';
import { LokiBuffer } from './buffer.ts';
import { parseLine } from './line.ts';
import { COUNTER_DELIVERED, COUNTER_DROPPED, COUNTER_ERRORS, WORKER_DATA_KEY, type FromWorker, type LokiWorkerData, type ToWorker } from './protocol.ts';

function run(port: NonNullable<typeof parentPort>, data: LokiWorkerData): void {
  const counters = new BigInt64Array(data.counters);
  const buffer = new LokiBuffer(
    { pushUrl: `${data.url.replace(/\/+$/, '')}/loki/api/v1/push`, labels: data.labels, metadata: data.metadata, maxLines: data.maxLines },
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

const data = (workerData as Record<string, LokiWorkerData | undefined> | null | undefined)?.[WORKER_DATA_KEY];
if (parentPort !== null && data !== undefined) run(parentPort, data);
