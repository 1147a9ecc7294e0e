// The store as the rest of the viewer sees it: the database, the one writer in front of it, the tables
// it writes, its counters and its retention.
import type { DatabaseSync } from 'node:sqlite';
import { Counters } from './counters.ts';
import { inTransaction, openDatabase, type SchemaPart } from './database.ts';
import { LogsTable } from './logs-table.ts';
import { Retention, timeColumn, usedBytes, type RetentionOptions, type Trimmable } from './retention.ts';
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
  readonly #traces: TracesTable;
  readonly #logs: LogsTable;
  readonly #stats: ServiceStats;
  readonly #timer: NodeJS.Timeout;
  #rowsSinceCheck = 0;

  constructor(options: StoreOptions) {
    this.options = options;
    this.db = openDatabase(options.dataDir, options.schemaParts);
    this.counters = new Counters(this.db);
    this.writer = new Writer(this.db, { maxPendingRows: options.maxPendingRows, rowsPerTransaction: 20_000, lingerMs: 20 });
    this.#traces = new TracesTable(this.db);
    this.#logs = new LogsTable(this.db);
    this.#stats = new ServiceStats(this.db);
    this.retention = new Retention(this.db, options, [
      timeColumn(this.db, 'spans', 'start_ns', 1e6, 'spans_evicted'),
      timeColumn(this.db, 'logs', 'time_ns', 1e6, 'logs_evicted'),
    ], this.counters);
    this.#timer = setInterval(() => this.#check(), options.retentionEveryMs).unref();
    // Between timer checks, a burst may fill the store fast: check again after every ~50,000 rows.
    this.writer.onCommit(() => {
      if (this.#rowsSinceCheck >= 50_000) this.#check();
    });
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

  close(): void {
    clearInterval(this.#timer);
    this.retention.stop();
    this.writer.close();
    this.counters.persist();
    this.db.close();
  }

  #check(): void {
    this.#rowsSinceCheck = 0;
    inTransaction(this.db, () => this.counters.persist());
    void this.retention.enforce().catch((error: unknown) => {
      process.stderr.write(`threadline-viewer: retention failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  }
}
