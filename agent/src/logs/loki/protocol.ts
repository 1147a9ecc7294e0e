// What the main thread and the Loki worker thread share: the worker's start-up data, the
// messages between them, and the slots of the counters they share. Both threads load this
// module; nothing else of the worker's loads on the main thread.
export interface LokiWorkerData {
  readonly url: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly maxLines: number;
  /** BigInt64Array view: [dropped, delivered, export errors]. */
  readonly counters: SharedArrayBuffer;
}

/** The key under which LokiWorkerData travels in `workerData`. */
export const WORKER_DATA_KEY = 'threadlineLoki';

export type ToWorker = { readonly type: 'lines'; readonly text: string } | { readonly type: 'close'; readonly deadline: number };
export type FromWorker = { readonly type: 'closed' };

export const COUNTER_DROPPED = 0;
export const COUNTER_DELIVERED = 1;
export const COUNTER_ERRORS = 2;
export const COUNTER_SLOTS = 3;
