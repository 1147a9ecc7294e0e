// The store as the rest of the viewer sees it: the database, the one writer in front of it, the tables
// it writes, its counters and its retention.
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { Counters } from './counters.ts';
import { DATABASE_FILE, inTransaction, openDatabase, storeId, type SchemaPart } from './database.ts';
import { LogReader } from './log-reader.ts';
import { LogsTable, logBlocksTrimmable } from './logs-table.ts';
import { Retention, timeColumn, usedBytes, type RetentionOptions, type Trimmable } from './retention.ts';
import { TextIndex } from './text-index.ts';
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
  readonly textIndex: TextIndex;
  readonly logs: LogReader;
  readonly #traces: TracesTable;
  readonly #logs: LogsTable;
  readonly #stats: ServiceStats;
  readonly #timer: NodeJS.Timeout;
  #rowsSinceCheck = 0;
  #closed = false;

  constructor(options: StoreOptions) {
    this.options = options;
    this.db = openDatabase(options.dataDir, options.schemaParts);
    this.counters = new Counters(this.db);
    this.writer = new Writer(this.db, { maxPendingRows: options.maxPendingRows, rowsPerTransaction: 20_000, lingerMs: 2 });
    this.#traces = new TracesTable(this.db);
    this.#logs = new LogsTable(this.db);
    this.writer.addStage(this.#logs);
    this.#stats = new ServiceStats(this.db);
    this.textIndex = new TextIndex(options.dataDir, join(options.dataDir, DATABASE_FILE), storeId(this.db), options.maxBytes);
    this.logs = new LogReader(this.db, this.textIndex);
    this.retention = new Retention(this.db, options, [
      timeColumn(this.db, 'spans', 'start_ns', 1e6, 'spans_evicted'),
      logBlocksTrimmable(this.db, 'logs_evicted'),
    ], this.counters, {
      bytes: () => this.usedBytes(),
      // The text index frees an evicted block's entries on its own thread: wait for that before measuring again.
      settle: () => this.textIndex.forgetEvicted(),
    });
    this.#timer = setInterval(() => this.#check(), options.retentionEveryMs).unref();
    // Between timer checks, a burst may fill the store fast: check again after every ~50,000 rows.
    let announced = this.#logs.lastBlock;
    this.writer.onCommit(() => {
      if (this.#rowsSinceCheck >= 50_000) this.#check();
      if (this.#logs.lastBlock > announced) {
        announced = this.#logs.lastBlock;
        this.textIndex.wake();
      }
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
        this.#logs.add(logs);
        this.#stats.addLogs(logs);
      },
    });
  }

  /** Bytes the store's pages take, the text index's included. */
  usedBytes(): number {
    return usedBytes(this.db) + this.textIndex.liveBytes(this.#logs.firstBlock());
  }

  /** Resolves once every log line stored so far is in the text index. */
  textIndexCaughtUp(): Promise<void> {
    return this.textIndex.indexedUpTo(this.#logs.lastBlock);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.retention.stop();
    this.writer.close();
    this.counters.persist();
    await this.textIndex.close();
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
