// One queue in front of the store. Receivers hand it a job and wait; the writer commits jobs together
// in one transaction per turn of the event loop, so queries still get their turn between commits.
// A sender is answered only once its job is committed, and a job that would push the queue past its
// bound is refused at once (the receivers turn that into 429/503), so nothing is lost silently.
import type { DatabaseSync } from 'node:sqlite';
import { inTransaction } from './database.ts';

export interface WriteJob {
  /** Rows this job adds: what the queue's bound counts. */
  readonly rows: number;
  /** Writes the job's rows; runs inside the writer's transaction. */
  apply(): void;
}

/** Work that rides along with every transaction: it gathers rows from the jobs and writes them at the end. */
export interface WriterStage {
  /** Writes what the transaction's jobs gathered; runs inside it, after them. */
  flush(): void;
  /** Forgets what was gathered: the transaction failed and its jobs will be written again. */
  discard(): void;
}

export class OverloadedError extends Error {
  constructor(pending: number, limit: number) {
    super(`the store is behind: ${pending} rows waiting, at most ${limit}; retry later`);
  }
}

export interface WriterOptions {
  /** Rows that may wait for the store before senders are told to back off. */
  readonly maxPendingRows: number;
  /** Rows committed in one transaction at most, so that one turn stays short. */
  readonly rowsPerTransaction: number;
  /**
   * How long a write may wait for others to share its transaction (ms): fewer, larger commits write each
   * index page once. Short, because a sender waits for its commit: at 20 ms, four senders of 100-span
   * batches could not pass 20,000 spans/s.
   */
  readonly lingerMs?: number;
}

interface Queued {
  readonly job: WriteJob;
  readonly done: (error?: Error) => void;
}

export class Writer {
  readonly #db: DatabaseSync;
  readonly #options: WriterOptions;
  readonly #queue: Queued[] = [];
  readonly #afterCommit: Array<() => void> = [];
  readonly #stages: WriterStage[] = [];
  #pendingRows = 0;
  #scheduled = false;
  #closed = false;

  constructor(db: DatabaseSync, options: WriterOptions) {
    this.#db = db;
    this.#options = options;
  }

  get pendingRows(): number {
    return this.#pendingRows;
  }

  addStage(stage: WriterStage): void {
    this.#stages.push(stage);
  }

  /** Runs after every commit (retention checks, live-tail wake-ups). */
  onCommit(listener: () => void): void {
    this.#afterCommit.push(listener);
  }

  write(job: WriteJob): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the store is closing'));
    if (this.#pendingRows > 0 && this.#pendingRows + job.rows > this.#options.maxPendingRows) {
      return Promise.reject(new OverloadedError(this.#pendingRows, this.#options.maxPendingRows));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, done: (error) => (error ? reject(error) : resolve()) });
      this.#pendingRows += job.rows;
      this.#schedule();
    });
  }

  /** Commits what is queued, then refuses new jobs. */
  close(): void {
    while (this.#queue.length > 0) this.#drain();
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const run = (): void => {
      this.#scheduled = false;
      this.#drain();
      if (this.#queue.length > 0) this.#schedule();
    };
    const linger = this.#options.lingerMs ?? 0;
    if (linger > 0 && this.#pendingRows < this.#options.rowsPerTransaction) setTimeout(run, linger);
    else setImmediate(run);
  }

  #drain(): void {
    const taken: Queued[] = [];
    let rows = 0;
    while (this.#queue.length > 0 && (taken.length === 0 || rows + this.#queue[0]!.job.rows <= this.#options.rowsPerTransaction)) {
      const next = this.#queue.shift()!;
      taken.push(next);
      rows += next.job.rows;
    }
    if (taken.length === 0) return;
    this.#pendingRows -= rows;
    try {
      this.#transaction(() => {
        for (const { job } of taken) job.apply();
      });
    } catch (error) {
      // One job's failure rolls back its neighbours too; write them again one by one so that only it fails.
      if (taken.length > 1) {
        for (const item of taken) this.#writeAlone(item);
      } else {
        taken[0]!.done(error instanceof Error ? error : new Error(String(error)));
      }
      this.#notify();
      return;
    }
    for (const { done } of taken) done();
    this.#notify();
  }

  #writeAlone(item: Queued): void {
    try {
      this.#transaction(() => item.job.apply());
      item.done();
    } catch (error) {
      item.done(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #transaction(apply: () => void): void {
    try {
      inTransaction(this.#db, () => {
        apply();
        for (const stage of this.#stages) stage.flush();
      });
    } catch (error) {
      for (const stage of this.#stages) stage.discard();
      throw error;
    }
  }

  #notify(): void {
    for (const listener of this.#afterCommit) {
      try {
        listener();
      } catch (error) {
        process.stderr.write(`threadline-viewer: after-commit step failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }
}
