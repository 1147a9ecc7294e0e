// The main thread's side of Loki shipping: a pino destination that collects lines and hands
// them to the worker in batches. One message per batch instead of a wake-up per line (what a
// pino transport does) keeps the cost on the app's thread to an array push per line.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { withDeadline } from '../../shared/deadline.ts';
import { WORKER_DATA_KEY, type LokiWorkerData, type ToWorker } from './protocol.ts';

const BATCH_LINES = 512;
const FLUSH_INTERVAL_MS = 200;

export interface LokiShipperOptions extends LokiWorkerData {
  /** The worker's entry point, worker.js: passed in, since the bundle moves this module away from it. */
  readonly workerFile: string;
}

export class LokiShipper {
  readonly #workerFile: string;
  readonly #data: LokiWorkerData;
  readonly #onDropped: (count: number) => void;
  readonly #onError: (error: Error) => void;
  #worker: Worker | undefined;
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #broken = false;

  constructor(options: LokiShipperOptions, onDropped: (count: number) => void, onError: (error: Error) => void) {
    const { workerFile, ...data } = options;
    this.#workerFile = workerFile;
    this.#data = data;
    this.#onDropped = onDropped;
    this.#onError = onError;
  }

  /** Started with the first batch rather than with the app, so it does not slow start-up. */
  #started(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(this.#workerFile, {
      workerData: { [WORKER_DATA_KEY]: this.#data },
      // The worker needs none of the app's preloads (the agent's included).
      execArgv: [],
      stdout: false,
      stderr: false,
    });
    worker.unref();
    worker.on('error', (error) => {
      this.#broken = true;
      this.#onError(error);
    });
    this.#worker = worker;
    return worker;
  }

  /** pino calls this with one serialised line (newline included). */
  write(line: string): boolean {
    if (this.#broken) {
      this.#onDropped(1);
      return true;
    }
    this.#pending.push(line);
    if (this.#pending.length >= BATCH_LINES) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS).unref();
    return true;
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0 || this.#broken) return;
    const text = this.#pending.join('');
    this.#pending = [];
    this.#started().postMessage({ type: 'lines', text } satisfies ToWorker);
  }

  /** Hands over what is pending and waits, until `deadline` (epoch ms), for the worker to deliver it. */
  async close(deadline: number): Promise<void> {
    this.flush();
    const worker = this.#worker;
    if (worker === undefined || this.#broken) return;
    // The worker is unref'd so it never keeps the app alive; while it delivers, it must.
    worker.ref();
    try {
      const closed = once(worker, 'message');
      worker.postMessage({ type: 'close', deadline } satisfies ToWorker);
      await withDeadline(closed, deadline - Date.now() + 100);
    } finally {
      worker.unref();
    }
  }
}
