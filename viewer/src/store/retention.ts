// Keeps the store within its bounds: rows older than the age bound go, and while the data takes more than
// the size bound the oldest slice of every signal goes, a bounded chunk per turn so that ingest and
// queries keep running. Deleted rows free pages that SQLite reuses, so the file stops growing at the bound.
import type { DatabaseSync } from 'node:sqlite';
import type { Counters, CounterName } from './counters.ts';
import { inTransaction } from './database.ts';

export interface RetentionOptions {
  /** Rows older than this go (ms). */
  readonly maxAgeMs: number;
  /** Bytes of data pages the store may use. */
  readonly maxBytes: number;
}

/** A table that retention trims; `deleteBefore` removes at most `limit` rows older than `ms` and says how many. */
export interface Trimmable {
  readonly counter: CounterName;
  oldestMs(): number | undefined;
  deleteBefore(ms: number, limit: number): number;
}

export interface RetentionHooks {
  /** How much the store takes (default: the database's pages). */
  readonly bytes?: () => number;
  /** Waits after each chunk until what it freed shows in `bytes` (default: one turn of the event loop). */
  readonly settle?: () => Promise<void>;
}

/** Rows per table per turn at most: a turn stays short. */
const CHUNK_ROWS = 20_000;
/**
 * The first chunk when trimming by size. Later chunks are sized from what the previous one freed, so
 * that a chunk takes about what is over the bound: a fixed big chunk could take the newest rows of a
 * small store too, and a fixed small one falls behind ingest.
 */
const FIRST_SIZE_CHUNK_ROWS = 2_000;

export function usedBytes(db: DatabaseSync): number {
  const pages = Number((db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count);
  const free = Number((db.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count);
  const size = Number((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
  return (pages - free) * size;
}

export class Retention {
  readonly #db: DatabaseSync;
  readonly #options: RetentionOptions;
  readonly #tables: Trimmable[];
  readonly #counters: Counters;
  readonly #bytes: () => number;
  readonly #settle: () => Promise<void>;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(db: DatabaseSync, options: RetentionOptions, tables: Trimmable[], counters: Counters, hooks: RetentionHooks = {}) {
    this.#db = db;
    this.#bytes = hooks.bytes ?? (() => usedBytes(db));
    this.#settle = hooks.settle ?? turn;
    this.#options = options;
    this.#tables = tables;
    this.#counters = counters;
  }

  add(table: Trimmable): void {
    this.#tables.push(table);
  }

  get running(): boolean {
    return this.#running !== undefined;
  }

  /** Ends a trim under way at its next chunk; the store is closing. */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Trims until the store is within both bounds; one chunk per turn of the event loop. A call while a trim
   * runs starts its own pass after that one, since rows may have come in since it measured.
   */
  enforce(now = Date.now()): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    const pass = (this.#running ?? Promise.resolve()).then(() => this.#trim(now));
    this.#running = pass;
    const clear = (): void => {
      if (this.#running === pass) this.#running = undefined;
    };
    pass.then(clear, clear);
    return pass;
  }

  async #trim(now: number): Promise<void> {
    const ageCutoff = now - this.#options.maxAgeMs;
    while (!this.#stopped && this.#trimChunk(ageCutoff, CHUNK_ROWS) > 0) await this.#settle();
    let rows = FIRST_SIZE_CHUNK_ROWS;
    for (let bytes = this.#bytes(); !this.#stopped && bytes > this.#options.maxBytes; ) {
      const cutoff = this.#sliceCutoff(now);
      const deleted = cutoff === undefined ? 0 : this.#trimChunk(cutoff, rows);
      if (deleted === 0) break;
      await this.#settle();
      const after = this.#bytes();
      const perRow = (bytes - after) / deleted;
      rows = perRow > 0 ? Math.min(CHUNK_ROWS, Math.max(100, Math.ceil((after - this.#options.maxBytes) / perRow))) : CHUNK_ROWS;
      bytes = after;
    }
  }

  /** The end of the oldest twentieth of the stored time range: what goes next when the store is too big. */
  #sliceCutoff(now: number): number | undefined {
    const oldest = Math.min(...this.#tables.map((table) => table.oldestMs() ?? Infinity));
    if (!Number.isFinite(oldest)) return undefined;
    return oldest + Math.max((now - oldest) / 20, 1000);
  }

  #trimChunk(cutoffMs: number, rows: number): number {
    return inTransaction(this.#db, () => {
      let deleted = 0;
      for (const table of this.#tables) {
        const n = table.deleteBefore(cutoffMs, rows);
        this.#counters.add(table.counter, n);
        deleted += n;
      }
      this.#counters.persist();
      return deleted;
    });
  }
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A table trimmed by one time column, in `unitsPerMs` per millisecond (1e6 for nanoseconds, 1 for ms). */
export function timeColumn(db: DatabaseSync, table: string, column: string, unitsPerMs: number, counter: CounterName): Trimmable {
  const oldest = db.prepare(`SELECT min(${column}) / ${unitsPerMs} AS oldest FROM ${table}`);
  const remove = db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? ORDER BY ${column} LIMIT ?)`);
  const toUnits = (ms: number): bigint => BigInt(Math.floor(ms)) * BigInt(unitsPerMs);
  return {
    counter,
    oldestMs: () => {
      const value = (oldest.get() as { oldest: number | bigint | null }).oldest;
      return value === null ? undefined : Number(value);
    },
    deleteBefore: (ms, limit) => Number(remove.run(toUnits(ms), limit).changes),
  };
}

/**
 * The first rowid of `table` whose `column` is at or after `ms`, for a table kept in arrival order whose
 * time mostly grows with its rowid: a binary search reading one row per step, instead of an index on time
 * that every insert would pay for. Undefined for an empty table.
 */
export function firstAtOrAfter(db: DatabaseSync, table: string, column: string, unitsPerMs: number, ms: number): number | undefined {
  const { first, last } = db.prepare(`SELECT min(rowid) AS first, max(rowid) AS last FROM ${table}`).get() as { first: number | bigint | null; last: number | bigint | null };
  if (first === null || last === null) return undefined;
  const timeAt = db.prepare(`SELECT ${column} / ${unitsPerMs} AS ms FROM ${table} WHERE rowid >= ? ORDER BY rowid LIMIT 1`);
  let low = Number(first);
  let high = Number(last) + 1;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (Number((timeAt.get(mid) as { ms: number | bigint }).ms) < ms) low = mid + 1;
    else high = mid;
  }
  return low;
}
