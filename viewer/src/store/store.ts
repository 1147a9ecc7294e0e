// The store as the rest of the viewer sees it: the database, the one writer in front of it, the tables
// it writes, its counters and its retention.
import type { DatabaseSync } from 'node:sqlite';
import { Counters } from './counters.ts';
import { inTransaction, openDatabase, type SchemaPart } from './database.ts';
import { LogIndex } from './log-index.ts';
import { LogsTable } from './logs-table.ts';
import { arrivalOrder, Retention, timeColumn, usedBytes, type RetentionOptions, type Trimmable } from './retention.ts';
import type { LogRow, SpanRow } from './rows.ts';
import { ServiceStats } from './service-stats.ts';
import { TracesTable } from './traces-table.ts';
import { Writer } from './writer.ts';

export interface StoreOptions extends RetentionOptions {
  readonly dataDir: string;
  readonly maxPendingRows: number;
  /** How often the bounds are checked (ms). */
  readonly retentionEveryMs: number;
  /** Tables of other parts (metrics, alerts). */
  readonly schemaParts?: readonly SchemaPart[];
}

export class Store {
  readonly db: DatabaseSync;
  readonly writer: Writer;
  readonly counters: Counters;
  readonly retention: Retention;
  readonly options: StoreOptions;
  readonly logIndex: LogIndex;
  readonly #traces: TracesTable;
  readonly #logs: LogsTable;
  readonly #stats: ServiceStats;
  readonly #timer: NodeJS.Timeout;
  #rowsSinceCheck = 0;
  #indexing = false;
  #closed = false;

  constructor(options: StoreOptions) {
    this.options = options;
    this.db = openDatabase(options.dataDir, options.schemaParts);
    this.counters = new Counters(this.db);
    this.writer = new Writer(this.db, { maxPendingRows: options.maxPendingRows, rowsPerTransaction: 20_000, lingerMs: 2 });
    this.#traces = new TracesTable(this.db);
    this.#logs = new LogsTable(this.db);
    this.#stats = new ServiceStats(this.db);
    this.logIndex = new LogIndex(this.db);
    this.retention = new Retention(this.db, options, [
      timeColumn(this.db, 'spans', 'start_ns', 1e6, 'spans_evicted'),
      arrivalOrder(this.db, 'logs', 'time_ns', 1e6, 'logs_evicted'),
    ], this.counters);
    this.#timer = setInterval(() => this.#check(), options.retentionEveryMs).unref();
    // Between timer checks, a burst may fill the store fast: check again after every ~50,000 rows.
    this.writer.onCommit(() => {
      if (this.#rowsSinceCheck >= 50_000) this.#check();
      this.#indexWhenIdle();
    });
    this.#indexWhenIdle();
  }

  /** Adds a table (of another part) for retention to trim. */
  trims(table: Trimmable): void {
    this.retention.add(table);
  }

  writeSpans(spans: readonly SpanRow[]): Promise<void> {
    this.#rowsSinceCheck += spans.length;
    return this.writer.write({
      rows: spans.length,
      apply: () => {
        this.#traces.insert(spans);
        this.#stats.addSpans(spans);
      },
    });
  }

  writeLogs(logs: readonly LogRow[]): Promise<void> {
    this.#rowsSinceCheck += logs.length;
    return this.writer.write({
      rows: logs.length,
      apply: () => {
        this.#logs.insert(logs);
        this.#stats.addLogs(logs);
      },
    });
  }

  usedBytes(): number {
    return usedBytes(this.db);
  }

  /** Indexes what is left for text search now (tests, and a search that wants every line). */
  catchUpIndex(): void {
    while (this.logIndex.indexChunk() > 0);
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.retention.stop();
    this.writer.close();
    this.counters.persist();
    this.db.close();
  }

  /** Indexes log lines a chunk per turn while no write waits; a write that arrives goes first. */
  #indexWhenIdle(): void {
    if (this.#indexing || this.#closed) return;
    this.#indexing = true;
    const step = (): void => {
      if (this.#closed || this.writer.pendingRows > 0) {
        this.#indexing = false;
        return;
      }
      try {
        if (this.logIndex.indexChunk() > 0) {
          setImmediate(step);
          return;
        }
      } catch (error) {
        process.stderr.write(`threadline-viewer: indexing log lines failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      this.#indexing = false;
    };
    setImmediate(step);
  }

  #check(): void {
    this.#rowsSinceCheck = 0;
    inTransaction(this.db, () => this.counters.persist());
    void this.retention.enforce().catch((error: unknown) => {
      process.stderr.write(`threadline-viewer: retention failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  }
}
